// Owns the guest code that calls the stub, assembled with vdso-lab's own assembler at a
// fixed address: the plain call (`call *SLOT`, or `int $0x80` for a caller that found no
// __kernel_vsyscall), the same call with TF set around it (pushfl/orl/popfl, then cleared
// again), a signal handler that returns at once, sigreturn/rt_sigreturn restorers for
// SA_RESTORER, and the place a kernel that changes regs->ip sends the call to. The checks
// stop at its labels with breakpoints; the registers are set by the checker, not the code.
import { assemble } from '../../toolchain/asm/assembler';

/** Where the caller's code and its data page (the pointer it calls through) go. */
export const CALLER_BASE = 0x08049000;
export const SLOT = 0x0804a000;

export type CallerLabel = 'call' | 'after' | 'tf_set' | 'tf_call' | 'tf_after' | 'tf_done' | 'handler' | 'restorer' | 'rt_restorer' | 'recover';

export interface CallerCode {
  readonly bytes: Uint8Array;
  readonly labels: Readonly<Record<CallerLabel, number>>;
  /** The label at or before `address` with the offset, for findings ("after+0x1"). */
  symbolize(address: number): string | undefined;
}

function source(viaInt80: boolean): string {
  const enter = viaInt80 ? 'int $0x80' : `call *${SLOT}`;
  return `
	.text
call:
	${enter}
after:
	hlt
tf_set:
	pushfl
	orl	$0x100, (%esp)
	popfl
tf_call:
	${enter}
tf_after:
	pushfl
	andl	$0xfffffeff, (%esp)
	popfl
tf_done:
	hlt
handler:
	ret
restorer:
	popl	%eax
	movl	$119, %eax
	int	$0x80
rt_restorer:
	movl	$173, %eax
	int	$0x80
recover:
	hlt
`;
}

const cache = new Map<boolean, CallerCode>();

/** The caller; `viaInt80`: the caller found no __kernel_vsyscall and enters with int $0x80 itself. */
export function callerCode(viaInt80: boolean): CallerCode {
  const hit = cache.get(viaInt80);
  if (hit) return hit;
  const module = assemble({ file: 'caller.s', text: source(viaInt80) });
  const error = module.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new Error(`caller.s:${error.location.line}: ${error.message}`);
  const text = module.sections.find((s) => s.name === '.text');
  if (!text || text.relocations.length > 0) throw new Error('caller.s: .text missing or relocated');
  const labels = {} as Record<CallerLabel, number>;
  const list: Array<[string, number]> = [];
  for (const s of module.symbols) {
    if (s.section !== '.text') continue;
    (labels as Record<string, number>)[s.name] = CALLER_BASE + s.value;
    list.push([s.name, CALLER_BASE + s.value]);
  }
  list.sort((a, b) => a[1] - b[1]);
  const end = CALLER_BASE + text.bytes.length;
  const code: CallerCode = {
    bytes: text.bytes,
    labels,
    symbolize(address) {
      if (address < CALLER_BASE || address >= end) return undefined;
      let best: [string, number] | undefined;
      for (const l of list) if (l[1] <= address) best = l;
      if (!best) return undefined;
      return address === best[1] ? best[0] : `${best[0]}+0x${(address - best[1]).toString(16)}`;
    },
  };
  cache.set(viaInt80, code);
  return code;
}

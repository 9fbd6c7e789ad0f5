// Owns the instruction-by-instruction account of one vsyscall (what `npm start` prints
// after the matrix): from the caller's call to its return address, each instruction
// disassembled (vdso-lab's decoder and AT&T formatter) with its source line, the registers
// it changed (a system call instruction runs the whole kernel path: the exit path taken is
// named), and the stack unwound by the image's CFI at the point reached: each frame's pc,
// CFA and the CFI row that described it.
import { decode } from '../../toolchain/isa/decoder';
import { formatAtt } from '../../toolchain/isa/att-formatter';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { describeStop } from '../../toolchain/dwarf/unwind';
import type { CfaRule, RegisterRule, Row } from '../../toolchain/dwarf/types';
import type { UnwindResult } from '../../toolchain/dwarf/unwind-types';
import { unwindAt } from './runs';
import { GPR_NAMES, type Registers, type Session } from './session';
import { hex, hex8 } from './types';

const DWARF_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'];

export interface TraceStep {
  readonly address: number;
  readonly symbol: string;
  readonly source: string | undefined;
  /** The instruction as vdso-lab disassembles it (objdump's AT&T text). */
  readonly text: string;
  readonly changed: ReadonlyArray<{ readonly register: string; readonly before: number; readonly after: number }>;
  /** For a system call instruction: the exit path the kernel took and why. */
  readonly kernel: string | undefined;
  readonly unwound: UnwindResult | undefined;
}

function cfaText(rule: CfaRule): string {
  return rule.kind === 'register' ? `${DWARF_NAMES[rule.reg] ?? `r${rule.reg}`}${rule.offset >= 0 ? '+' : ''}${rule.offset}` : 'expr';
}

function ruleText(rule: RegisterRule): string {
  switch (rule.kind) {
    case 'offset': return `c${rule.offset >= 0 ? '+' : ''}${rule.offset}`;
    case 'val_offset': return `v${rule.offset >= 0 ? '+' : ''}${rule.offset}`;
    case 'register': return DWARF_NAMES[rule.reg] ?? `r${rule.reg}`;
    case 'same_value': return 's';
    case 'undefined': return 'u';
    default: return 'exp';
  }
}

/** A CFI row as readelf's frames-interp columns show it: `cfa=esp+16 ebp=c-16 eip=c-4`. */
export function formatRow(row: Row): string {
  const regs = [...row.registers.entries()].sort((a, b) => a[0] - b[0]).map(([r, rule]) => `${DWARF_NAMES[r] ?? `r${r}`}=${ruleText(rule)}`);
  return [`cfa=${cfaText(row.cfa)}`, ...regs].join(' ');
}

/** Steps the plain call of `session` (already prepared at `call`), at most `maxSteps` instructions. */
export function traceCall(session: Session, maxSteps = 200): TraceStep[] {
  const steps: TraceStep[] = [];
  const after = session.caller.labels.after;
  let regs = session.registers();
  for (let n = 0; n < maxSteps && regs.eip !== after; n++) {
    const at = regs.eip;
    const bytes = session.process.memory.read(at, 15);
    const code = bytes instanceof Uint8Array ? bytes : new Uint8Array(0);
    const insn = decode(code, 0, at);
    const text = insn.status === DecodeStatus.Ok ? formatAtt(insn, { symbolize: (a) => session.symbolize(a) }) : '(bad)';
    const calls = session.syscalls.length;
    const r = session.step();
    const next = session.registers();
    const changed = [...GPR_NAMES, 'eip', 'eflags'].map((name) => ({ register: name, before: regs[name as keyof Registers], after: next[name as keyof Registers] })).filter((c) => c.before !== c.after);
    const record = session.syscalls.length > calls ? session.syscalls[session.syscalls.length - 1] : undefined;
    const kernel = record ? `${record.name} = ${hex(record.result ?? 0)}; exit ${record.exit ? `${record.exit.path.toUpperCase()}: ${record.exit.reason}` : 'none'}` : undefined;
    const place = session.place(at);
    steps.push({ address: at, symbol: place.symbol, source: place.source, text, changed, kernel, unwound: session.inVdso(next.eip) ? unwindAt(session, next) : undefined });
    regs = next;
    if (r.kind !== 'budget' && r.kind !== 'breakpoint') break;
  }
  return steps;
}

/** The trace as text: one block per instruction. */
export function formatTrace(session: Session, steps: readonly TraceStep[]): string {
  const out: string[] = [];
  for (const s of steps) {
    out.push(`${hex8(s.address)} <${s.symbol}>:  ${s.text}${s.source ? `    ; ${s.source}` : ''}`);
    if (s.kernel) out.push(`    kernel: ${s.kernel}`);
    const changed = s.changed.filter((c) => c.register !== 'eip');
    if (changed.length > 0) out.push(`    changed: ${changed.map((c) => `${c.register} ${hex(c.before)} -> ${hex(c.after)}`).join(', ')}`);
    if (s.unwound) {
      for (const f of s.unwound.frames) {
        const row = f.cfi ? `  row ${hex(f.cfi.image.base + f.cfi.row.start)}: ${formatRow(f.cfi.row)}` : '';
        out.push(`    #${f.level} pc ${hex8(f.pc)} <${session.symbolize(f.pc)}> cfa ${f.cfa === undefined ? '?' : hex8(f.cfa)}${row}`);
      }
      out.push(`    (${describeStop(s.unwound.stop)})`);
    } else out.push('    (back in the caller)');
  }
  return out.join('\n') + '\n';
}

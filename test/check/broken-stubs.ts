// The stubs broken on purpose, each a shipped design source with ONE edit, written out for
// the test that runs it (so a defect is a line here, not a copy of the design): the edit must
// match the shipped source exactly once, or the test fails rather than checking the wrong stub.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { designsRoot } from '../../toolchain/designs/build';
import type { KernelAbi } from '../../toolchain/designs/options';
import { scratch } from '../support/oracles';

interface Edit {
  /** The shipped source the text comes from, under vdso/. */
  readonly source: string;
  readonly from: string;
  readonly to: string;
}

interface BrokenStub {
  readonly defect: string;
  /** The sources joined into the one file (the upstream stub, and the trampolines when an edit needs them). */
  readonly sources: readonly string[];
  readonly edit: Edit;
  /** The kernel ABI it is checked under: its design's (default upstream). */
  readonly abi?: KernelAbi;
}

export const BROKEN: Readonly<Record<string, BrokenStub>> = {
  args: {
    defect: 'the SYSCALL entry forgets `movl %ecx, %ebp`, so the kernel takes argument 2 from the caller\'s ebp (AMD under a 64-bit kernel): check a',
    sources: ['upstream.S'],
    edit: { source: 'upstream.S', from: '"movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32', to: '"nop; nop; syscall", X86_FEATURE_SYSCALL32' },
  },
  preserve: {
    defect: 'esi is zeroed before the return, so the caller\'s esi is lost: check b',
    sources: ['upstream.S'],
    edit: { source: 'upstream.S', from: '\tret\n\tCFI_ENDPROC\n', to: '\tmovl\t$0, %esi\n\tret\n\tCFI_ENDPROC\n' },
  },
  cfi: {
    defect: 'the push of edx has no CFI_ADJUST_CFA_OFFSET, so from there on the CFI gives a CFA 4 bytes short: check c',
    sources: ['upstream.S'],
    edit: { source: 'upstream.S', from: '\tpushl\t%edx\n\tCFI_ADJUST_CFA_OFFSET\t4\n', to: '\tpushl\t%edx\n' },
  },
  restart: {
    defect: 'a nop between int $0x80 and the landing pad, so regs->ip - 2 after a fast entry is not an int $0x80: check d',
    sources: ['upstream.S'],
    edit: { source: 'upstream.S', from: '\tint\t$0x80\n', to: '\tint\t$0x80\n\tnop\n' },
  },
  'single-step': {
    defect: 'TF is cleared (pushfl; andl; popfl) before the return, so a caller single-stepping the call loses its traps: check e',
    sources: ['upstream.S'],
    edit: {
      source: 'upstream.S',
      from: '\tret\n\tCFI_ENDPROC\n',
      to: '\tpushfl\n\tCFI_ADJUST_CFA_OFFSET\t4\n\tandl\t$0xfffffeff, (%esp)\n\tpopfl\n\tCFI_ADJUST_CFA_OFFSET\t-4\n\tret\n\tCFI_ENDPROC\n',
    },
  },
  mail: {
    defect: 'the int $0x80 fallback loads ecx from 8(%esp) as the 2015 mail writes it, the return address, not the caller\'s ecx at 4(%esp), so the kernel takes the return address as argument 2 on a CPU without SEP or SYSCALL: check a',
    sources: ['proposal.S'],
    abi: 'proposal',
    edit: { source: 'proposal.S', from: '\tmovl\t4(%esp), %ecx', to: '\tmovl\t8(%esp), %ecx' },
  },
  sigreturn: {
    defect: '__kernel_rt_sigreturn makes the non-rt sigreturn call, which looks for the frame 4 bytes off, so an SA_SIGINFO handler never comes back right: check f',
    sources: ['upstream.S', 'sigreturn.S'],
    edit: { source: 'sigreturn.S', from: '\tmovl\t$NR_rt_sigreturn, %eax\n', to: '\tmovl\t$NR_sigreturn, %eax\n' },
  },
};

/** Writes the broken stub `name` to a scratch folder; `shown` is the name findings print, `abi` the ABI it is checked under. */
export function writeBrokenStub(name: string): { path: string; shown: string; abi: KernelAbi } {
  const stub = BROKEN[name];
  assert.ok(stub, `no broken stub '${name}'`);
  const parts = stub.sources.map((source) => {
    const text = readFileSync(join(designsRoot(), source), 'utf8');
    if (source !== stub.edit.source) return text;
    const at = text.indexOf(stub.edit.from);
    assert.ok(at >= 0 && text.indexOf(stub.edit.from, at + 1) < 0, `the edit for '${name}' must match vdso/${source} exactly once`);
    return text.slice(0, at) + stub.edit.to + text.slice(at + stub.edit.from.length);
  });
  const path = join(scratch('vdso-lab-broken-'), `${name}.S`);
  writeFileSync(path, `/* broken/${name}.S: vdso/${stub.sources.join(' + vdso/')} with one defect: ${stub.defect}. */\n${parts.join('\n')}`);
  return { path, shown: `broken/${name}.S`, abi: stub.abi ?? 'upstream' };
}

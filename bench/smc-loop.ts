// Owns the self-modifying benchmark's guest program and its row: a loop that rewrites its own
// immediates every iteration (one of an instruction it already ran in this block, one of an
// instruction ahead of the store in the same block, a 16-bit one), then a short loop that
// rewrites an opcode byte and a sign-extended byte immediate ahead of itself; it writes its
// registers to stdout. Built with GNU as and ld -N (writable text) at bench time, run in the
// emulator beside qemu-i386 in the same run (guest MIPS, best of several runs, final state
// checksummed for both); test/cpu/self-modifying.test.ts runs the same source against the oracles.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDesign } from '../toolchain/designs/build';
import { emulatorGuestRun, processChecksum } from './guest-run';
import { processRuns } from './process-runs';
import { row, type BenchRow } from './rows';

/** The GNU as source for `iterations` turns of the immediate-rewriting loop. */
export function smcLoopSource(iterations: number): string {
  return `.set ITERATIONS, ${iterations >>> 0}
.globl _start
_start:
  mov $ITERATIONS, %ecx
  mov $0x12345678, %ebx
  xor %esi, %esi
  xor %edi, %edi
1:
imm1:
  mov $0, %eax
  add %eax, %ebx
  rol $5, %ebx
  xor %ecx, %ebx
  mov %ebx, imm1+1
  mov %ecx, imm2+2
  movw %bx, imm3+3
imm2:
  add $0x12345678, %esi
imm3:
  addw $0x1234, %di
  add %esi, %ebx
  dec %ecx
  jnz 1b
  mov $200, %ecx
2:
  mov %ecx, %edx
  and $1, %edx
  lea 0x47(,%edx,8), %edx
  mov %dl, op
  mov %cl, imm4+2
op:
  inc %edi
imm4:
  imul $3, %edi, %edi
  dec %ecx
  jnz 2b
  push %edi
  push %esi
  push %ebx
  mov $4, %eax
  mov $1, %ebx
  mov %esp, %ecx
  mov $12, %edx
  int $0x80
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80
`;
}

/** Assembles and links the program into `dir` (as --32, ld -N); its path, or why it could not be built. */
export function buildSmcLoop(dir: string, iterations: number): string | { readonly failed: string } {
  const src = join(dir, 'smc-loop.s');
  const obj = join(dir, 'smc-loop.o');
  const exe = join(dir, 'smc-loop');
  writeFileSync(src, smcLoopSource(iterations));
  for (const [tool, args] of [['as', ['--32', src, '-o', obj]], ['ld', ['-m', 'elf_i386', '-N', obj, '-o', exe]]] as const) {
    const r = spawnSync(tool, args, { encoding: 'utf8' });
    if (r.error || r.status !== 0) return { failed: `${tool} failed: ${r.error?.message ?? r.stderr.split('\n')[0]}` };
  }
  chmodSync(exe, 0o755);
  return exe;
}

export function runSmcLoopBench(options: { iterations?: number; runs?: number } = {}): BenchRow {
  // qemu-i386 retranslates on every rewrite (about 0.2 MIPS here): the count keeps its runs to seconds.
  const iterations = options.iterations ?? 50_000;
  const runs = options.runs ?? 3;
  const workload = `self-modifying loop (rewrites its own immediates each iteration), ${iterations} iterations`;
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-bench-smc-'));
  try {
    const exe = buildSmcLoop(dir, iterations);
    if (typeof exe !== 'string') return row({ workload, unit: 'MIPS', higherIsBetter: true, ours: null, peer: 'qemu-i386', peerValue: null, target: 1.0, checksum: null, peerChecksum: null, note: exe.failed });
    const elf = new Uint8Array(readFileSync(exe));
    const vdso = buildDesign('upstream', 'compat64', { cpu: 'intel' }).bytes;
    let best = Infinity;
    let checksum = '';
    let instructions = 0;
    for (let k = 0; k < runs; k++) {
      const r = emulatorGuestRun(elf, 'smc-loop', [], vdso, 1e10);
      best = Math.min(best, r.seconds);
      checksum = r.checksum;
      instructions = r.instructions;
    }
    const q = processRuns('qemu-i386', [exe], Math.min(2, runs));
    const qSum = typeof q === 'string' ? null : processChecksum('qemu-i386', [exe]);
    const n = processRuns(exe, [], runs);
    const native = typeof n === 'string' || processChecksum(exe, []) !== checksum ? 'native: the host cannot run i386 programs' : `native: ${(instructions / n.seconds / 1e6).toFixed(0)} MIPS`;
    return row({
      workload, unit: 'MIPS', higherIsBetter: true, ours: instructions / best / 1e6,
      peer: 'qemu-i386', peerValue: typeof q === 'string' ? null : instructions / q.seconds / 1e6,
      target: 1.0, checksum, peerChecksum: typeof qSum === 'string' ? qSum : null,
      note: `${(instructions / 1e6).toFixed(1)} M guest instructions (issue target: >= 1 MIPS); ${typeof q === 'string' ? q : 'qemu-i386 timed with its start-up'}; ${native}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Owns the disassembler benchmark: GNU as assembles a .text of about 4 MB (a repeated block
// of common instruction forms: ModRM with SIB and displacements, immediates, branches,
// calls, string and x87 forms; no data or zero runs in the code, which objdump prints in
// its own ways), and `vdso-lab disasm` and `objdump -d` each print it in a
// process of its own, output to a file; best wall time, in MB of .text per second. The two
// outputs must be identical (their sha256 is the row's state), and the note gives vdso-lab's
// peak resident memory, which streaming keeps independent of the section's size.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { row, type BenchRow } from './rows';
import { selfCommand } from './process-runs';

/** One block of instruction forms; repeated BLOCKS times for about 4 MB of .text. */
const BLOCK = [
  'movl $0x12345678, %eax', 'addl %ebx, %ecx', 'leal 0x10(%esi,%edi,4), %edx', 'movzbl -0x7f(%ebp), %eax',
  'cmpl $0x3, 0x8(%esp)', 'jne 1f', 'call 1f', '1: pushl %ebp', 'popl %ebp', 'imull $0x1f, %ecx, %edx',
  'shrl $0x5, %eax', 'xorl %eax, %eax', 'rep movsb', 'fldl 0x8(%esp)', 'faddp %st, %st(1)', 'testb $0x1, %al',
  'cmovgl %ecx, %eax', 'movw %ax, 0x2(%ebx)', 'lock incl (%ecx)', 'ret',
].join('\n');
const BLOCKS = 60_000;

/** Best wall time of `command args > out` over `runs`, the output's sha256 and the peak RSS in bytes, or a reason. */
function timedToFile(command: string, args: readonly string[], out: string, runs: number): { seconds: number; sha: string; peak: number } | string {
  let best = Infinity;
  let peak = 0;
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', 'peak %M', '-o', `${out}.time`, command, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, BENCH_OUT: out } });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) return `${command}: ${r.error.message}`;
    if (r.status !== 0) return `${command} failed: ${r.stderr.trim().split('\n')[0]}`;
    best = Math.min(best, seconds);
    peak = Number(/peak (\d+)/.exec(readFileSync(`${out}.time`, 'utf8'))?.[1] ?? 0) * 1024;
  }
  return { seconds: best, sha: createHash('sha256').update(readFileSync(out)).digest('hex').slice(0, 16), peak };
}

export function runDisasmBench(options: { runs?: number } = {}): BenchRow {
  const runs = options.runs ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-disasm-'));
  const base = { unit: 'MB/s', higherIsBetter: true, peer: 'objdump -d', target: 0.25 } as const;
  try {
    writeFileSync(join(dir, 'big.s'), `\t.text\n\t.globl f\nf:\n\t.rept ${BLOCKS}\n${BLOCK}\n\t.endr\n`);
    const object = join(dir, 'big.o');
    const as = spawnSync('as', ['--32', join(dir, 'big.s'), '-o', object], { encoding: 'utf8' });
    if (as.error || as.status !== 0) return row({ ...base, workload: 'disasm of a large .text', ours: null, peerValue: null, checksum: null, peerChecksum: null, note: `GNU as could not build the object: ${as.error?.message ?? as.stderr.split('\n')[0]}` });
    const text = spawnSync('size', ['-A', object], { encoding: 'utf8' }).stdout;
    const textBytes = Number(/^\.text\s+(\d+)/m.exec(text)?.[1] ?? 0);
    const workload = `disasm of a ${(textBytes / 1e6).toFixed(1)} MB .text, printed to a file`;
    // A shell does the redirection, so that each tool writes to a file as it would for a user.
    const self = selfCommand(['disasm', object]);
    const ours = timedToFile('sh', ['-c', `${[self.command, ...self.args].map((a) => `"${a}"`).join(' ')} > "$BENCH_OUT"`], join(dir, 'ours.txt'), runs);
    const theirs = timedToFile('sh', ['-c', `objdump -d "${object}" > "$BENCH_OUT"`], join(dir, 'objdump.txt'), runs);
    if (typeof ours === 'string' || typeof theirs === 'string') {
      return row({ ...base, workload, ours: null, peerValue: null, checksum: null, peerChecksum: null, note: typeof ours === 'string' ? ours : String(theirs) });
    }
    const mb = textBytes / 1e6;
    return row({
      ...base, workload, ours: mb / ours.seconds, peerValue: mb / theirs.seconds, checksum: ours.sha, peerChecksum: theirs.sha,
      note: `the printed text's sha256; peak RSS: vdso-lab ${(ours.peak / 1e6).toFixed(0)} MB (a node process), objdump ${(theirs.peak / 1e6).toFixed(0)} MB`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

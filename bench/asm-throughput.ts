// Owns the assembler benchmark: a large, deterministic GAS source (code with CFI, local and
// numeric labels, branches that relax, data, macros) assembled by vdso-lab's own assembler
// and by GNU as --32 on the same text, side by side in MB of source per second.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../toolchain/asm/assembler';
import { withGeneratedSections } from '../toolchain/dwarf/emit-sections';
import { writeObject } from '../toolchain/elf/write-object';

export interface AsmBenchLine {
  readonly assembler: 'vdso-lab' | 'GNU as';
  readonly megabytesPerSecond: number | null;
  readonly bestSeconds: number | null;
  readonly note: string;
}

export interface AsmBenchResult {
  /** Checksums of the objects written: vdso-lab's (writeObject) and GNU as's (null when it did not run). */
  readonly checksum: string;
  readonly peerChecksum: string | null;
  readonly bytes: number;
  readonly lines: number;
  readonly runs: number;
  readonly results: readonly AsmBenchLine[];
}

const REGS = ['%eax', '%ecx', '%edx', '%ebx', '%esi', '%edi', '%ebp'];

/** One function's worth of source; `n` varies registers, constants and label names. */
function functionSource(n: number): string {
  const r = (k: number) => REGS[(n + k) % REGS.length]!;
  return `
\t.globl\tf${n}
\t.type\tf${n}, @function
f${n}:
\t.cfi_startproc
\tpushl\t%ebp
\t.cfi_def_cfa_offset 8
\t.cfi_offset 5, -8
\tmovl\t%esp, %ebp
\t.cfi_def_cfa_register 5
\tsubl\t$${(n % 13) * 4 + 8}, %esp
\tmovl\t${8 + (n % 3) * 4}(%ebp), ${r(0)}
\tleal\t${n % 100}(${r(0)},${r(1)},4), ${r(2)}
\taddl\t$${n % 1000}, ${r(2)}
\tcmpl\t$${n % 50}, ${r(0)}
\tjle\t.Lsmall${n}
1:\txorl\t${r(3)}, ${r(4)}
\troll\t$${(n % 31) + 1}, ${r(4)}
\tdecl\t${r(0)}
\tjnz\t1b
.Lsmall${n}:
\ttestl\t${r(1)}, ${r(1)}
\tje\t.Ldone${n}
\tcall\tf${Math.max(0, n - 1)}
\tmovl\t${r(2)}, -4(%ebp)
.Ldone${n}:
\tmovzbl\t(${r(5)}), %eax
\tleave
\t.cfi_def_cfa 4, 4
\tret
\t.cfi_endproc
\t.size\tf${n}, .-f${n}
\t.section\t.rodata
.Ltable${n}:
\t.long\tf${n}, .Lsmall${n}, .Ldone${n}
\t.asciz\t"function ${n}"
\t.text
\tSTEP ${n}
`;
}

/** The benchmark source: about `targetBytes` of text. */
export function benchSource(targetBytes: number): string {
  const parts = ['\t.text\n\t.macro STEP n\n\t.byte \\n & 0xff\n\t.p2align 2\n\t.endm\n'];
  let size = parts[0]!.length;
  for (let n = 0; size < targetBytes; n++) {
    const f = functionSource(n);
    parts.push(f);
    size += f.length;
  }
  return parts.join('');
}

function best(runs: number, once: () => void): number {
  let fastest = Infinity;
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    once();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return fastest;
}

const objectChecksum = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/** vdso-lab's assembler and (unless `peer` is false) GNU as on about `bytes` of source. */
export function runAsmBench(options: { bytes?: number; runs?: number; peer?: boolean } = {}): AsmBenchResult {
  const text = benchSource(options.bytes ?? 2_000_000);
  const runs = options.runs ?? 3;
  const megabytes = text.length / 1e6;
  const results: AsmBenchLine[] = [];

  let errors = 0;
  let object: Uint8Array | undefined;
  // Timed as GNU as is: from the source text to the object file's bytes (only the read and
  // the write of the files are left out, which GNU as's figure includes).
  const ours = best(runs, () => {
    const module = assemble({ file: 'bench.s', text });
    errors = module.diagnostics.filter((d) => d.severity === 'error').length;
    object = writeObject(withGeneratedSections(module), 'bench.s');
  });
  const checksum = objectChecksum(object!);
  let peerChecksum: string | null = null;
  results.push({ assembler: 'vdso-lab', megabytesPerSecond: megabytes / ours, bestSeconds: ours, note: errors ? `${errors} errors (the bench source should have none)` : 'no errors' });
  if (options.peer === false) return { checksum, peerChecksum, bytes: text.length, lines: text.split('\n').length, runs, results };

  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-asm-bench-'));
  try {
    const src = join(dir, 'bench.s');
    writeFileSync(src, text);
    let failure = '';
    const gas = best(runs, () => {
      const r = spawnSync('as', ['--32', 'bench.s', '-o', 'bench.o'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.error) failure = (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'GNU as is not installed' : r.error.message;
      else if (r.status !== 0) failure = `GNU as failed: ${r.stderr.toString().split('\n')[0]}`;
    });
    if (!failure) peerChecksum = objectChecksum(new Uint8Array(readFileSync(join(dir, 'bench.o'))));
    results.push(failure
      ? { assembler: 'GNU as', megabytesPerSecond: null, bestSeconds: null, note: failure }
      : { assembler: 'GNU as', megabytesPerSecond: megabytes / gas, bestSeconds: gas, note: 'as --32, process start included' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { checksum, peerChecksum, bytes: text.length, lines: text.split('\n').length, runs, results };
}

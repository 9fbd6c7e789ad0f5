// Runs GNU as (`as --32`) on many instruction lines at once and splits its output per line:
// the bytes (objcopy of .text, cut at one label per line, the labels' places from readelf -sW),
// the relocations (readelf -rW), and
// the errors and warnings (stderr, by line number). Lines GAS rejects are dropped from a second
// run so that the others still get bytes.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readelfSymbols, run, scratch } from '../support/oracles';

export interface GasLine {
  readonly line: string;
  readonly error?: string;
  readonly warnings: string[];
  readonly bytes: Uint8Array;
  /** Relocations in the line: offset from the line's start and R_386_* type. */
  readonly relocs: { offset: number; type: number }[];
}

function source(lines: readonly string[], skip: ReadonlySet<number>): string {
  return lines.map((l, i) => `x${i}:\n${skip.has(i) ? '' : l}\n`).join('') + `x${lines.length}:\n`;
}

/** Assembles every line (each alone on its own label) with as --32 and splits the result. */
export function gasLines(lines: readonly string[], prelude = ''): GasLine[] {
  const dir = scratch('vdso-lab-enc-');
  const src = join(dir, 'corpus.s');
  const obj = join(dir, 'corpus.o');
  const preludeLines = prelude ? prelude.split('\n').length : 0;
  const errors = new Map<number, string>();
  const warnings = new Map<number, string[]>();
  const assemble = (skip: ReadonlySet<number>): boolean => {
    writeFileSync(src, (prelude ? prelude + '\n' : '') + source(lines, skip));
    const r = spawnSync('as', ['--32', '-o', obj, src], { encoding: 'utf8', maxBuffer: 64 << 20 });
    // A missing `as` fails with what .ci/run must install (run's message), not as a mismatch.
    if (r.error) {
      run('as', ['--version']);
      throw r.error;
    }
    for (const m of r.stderr.matchAll(/^[^:\n]*:(\d+): (Error|Warning): (.*)$/gm)) {
      const i = (Number(m[1]) - preludeLines - 2) / 2;
      if (!Number.isInteger(i) || i < 0 || i >= lines.length) continue;
      if (m[2] === 'Error') { if (!errors.has(i)) errors.set(i, m[3]!); }
      else if (!skip.size) warnings.set(i, [...(warnings.get(i) ?? []), m[3]!]);
    }
    return r.status === 0;
  };
  if (!assemble(new Set()) && !assemble(new Set(errors.keys()))) {
    throw new Error(`as --32 failed on the corpus even without its error lines (${dir})`);
  }
  const text = join(dir, 'text.bin');
  run('objcopy', ['-O', 'binary', '-j', '.text', obj, text]);
  const bytes = new Uint8Array(readFileSync(text));
  const addr = new Map<string, number>();
  for (const symbol of readelfSymbols(obj)) if (symbol.section === '.text' && /^x\d+$/.test(symbol.name)) addr.set(symbol.name, symbol.value);
  const relocs: { offset: number; type: number }[] = [];
  const relText = run('readelf', ['-rW', obj]);
  const relSection = relText.split(/\nRelocation section /).find((s) => s.startsWith("'.rel.text'")) ?? '';
  for (const m of relSection.matchAll(/^([0-9a-f]{8})\s+([0-9a-f]{8})\s/gm)) {
    relocs.push({ offset: parseInt(m[1]!, 16), type: parseInt(m[2]!, 16) & 0xff });
  }
  // Each line's relocations, by a cursor over them in offset order (the lines' labels ascend).
  relocs.sort((a, b) => a.offset - b.offset);
  let next = 0;
  return lines.map((line, i) => {
    const start = addr.get(`x${i}`)!;
    const end = addr.get(`x${i + 1}`)!;
    while (next < relocs.length && relocs[next]!.offset < start) next++;
    const own: { offset: number; type: number }[] = [];
    for (let k = next; k < relocs.length && relocs[k]!.offset < end; k++) own.push({ offset: relocs[k]!.offset - start, type: relocs[k]!.type });
    return { line, error: errors.get(i), warnings: warnings.get(i) ?? [], bytes: bytes.slice(start, end), relocs: own };
  });
}

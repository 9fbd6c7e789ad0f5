// Owns the tests' view of an object GNU as (`as --32`) wrote, and of an AsmModule, in one
// comparable shape: sections (type, flags, alignment, entsize, size, bytes), relocations per
// section (offset, type, symbol or section name) and symbols (name, section, value, size,
// binding, type, visibility), read from the object through parseElf32. Also GAS's messages.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../toolchain/elf/reader';
import type { ElfFile } from '../../toolchain/elf/types';
import type { AsmModule } from '../../toolchain/asm/module';
import { run, scratch } from '../support/oracles';

export interface ComparableSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addralign: number;
  readonly entsize: number;
  readonly size: number;
  readonly bytes: string;
}

export interface Comparable {
  readonly sections: ComparableSection[];
  /** `section: offset type symbol` per relocation, in file order. */
  readonly relocations: string[];
  /** `name section value size binding type visibility`, sorted. */
  readonly symbols: string[];
}

const BINDINGS = ['local', 'global', 'weak'];
/** Symbol and string tables, REL sections and groups (the object writer's), and the CFI sections (the CFI emitter's). */
const SKIP = new Set([2, 3, 9, 17]);
const SKIP_NAMES = new Set(['.eh_frame', '.debug_frame']);

function sectionName(elf: ElfFile, shndx: number): string {
  if (shndx === 0) return 'UND';
  if (shndx === 0xfff1) return 'ABS';
  if (shndx === 0xfff2) return 'COMMON';
  return elf.sections[shndx]?.name ?? `#${shndx}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Reads what the comparison needs out of an ET_REL file. */
export function comparableFromElf(elf: ElfFile): Comparable {
  const sections: ComparableSection[] = [];
  const relocations: string[] = [];
  for (const s of elf.sections) {
    if (s.index === 0 || SKIP.has(s.type) || SKIP_NAMES.has(s.name)) continue;
    sections.push({ name: s.name, type: s.type, flags: s.flags, addralign: s.addralign, entsize: s.entsize, size: s.size, bytes: s.type === 8 ? '' : hex(s.data) });
  }
  for (const s of elf.sections) {
    if (s.type !== 9 || SKIP_NAMES.has(elf.sections[s.info]!.name)) continue;
    const target = elf.sections[s.info]!.name;
    const view = new DataView(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    for (let k = 0; k + 8 <= s.data.length; k += 8) {
      const offset = view.getUint32(k, true);
      const info = view.getUint32(k + 4, true);
      const sym = elf.symbols[info >>> 8];
      const name = info >>> 8 === 0 ? '' : sym!.type === 3 ? sectionName(elf, sym!.shndx) : sym!.name;
      relocations.push(`${target}: ${offset.toString(16)} ${info & 0xff} ${name}`);
    }
  }
  const symbols = elf.symbols
    .filter((s) => s.index !== 0 && elf.sections[s.shndx]?.type !== 17)
    .map((s) => `${s.type === 3 ? sectionName(elf, s.shndx) : s.name} ${sectionName(elf, s.shndx)} ${s.value} ${s.size} ${BINDINGS[s.bind]} ${s.type} ${s.visibility}`)
    .sort();
  return { sections, relocations, symbols };
}

/** The same view of our AsmModule. */
export function comparableFromModule(m: AsmModule): Comparable {
  const sections = m.sections.map((s) => ({
    name: s.name, type: s.type, flags: s.flags, addralign: s.addralign, entsize: s.entsize, size: s.size, bytes: s.type === 8 ? '' : hex(s.bytes),
  }));
  const relocations: string[] = [];
  for (const s of m.sections) for (const r of s.relocations) relocations.push(`${s.name}: ${r.offset.toString(16)} ${r.type} ${r.symbol}`);
  const symbols = m.symbols.map((s) => `${s.name} ${s.section} ${s.value} ${s.size} ${s.binding} ${s.type} ${s.visibility}`).sort();
  return { sections, relocations, symbols };
}

export interface GasResult {
  readonly elf?: ElfFile;
  /** GAS's messages: line, severity and text. */
  readonly messages: { line: number; severity: 'error' | 'warning'; message: string }[];
}

/** Runs `as --32` on the source; the object is read back when GAS succeeded. */
export function gas(name: string, source: string): GasResult {
  const dir = scratch('vdso-lab-asm-');
  const src = join(dir, `${name}.s`);
  const obj = join(dir, `${name}.o`);
  writeFileSync(src, source);
  const r = spawnSync('as', ['--32', '-o', obj, src], { encoding: 'utf8' });
  if (r.error) {
    // A missing `as` fails with what .ci/run must install (run's message), not as a rejection.
    run('as', ['--version']);
    throw r.error;
  }
  const messages: GasResult['messages'] = [];
  for (const m of r.stderr.matchAll(/^[^:\n]*:(\d+): (Error|Warning): (.*)$/gm)) {
    messages.push({ line: Number(m[1]), severity: m[2] === 'Error' ? 'error' : 'warning', message: m[3]! });
  }
  if (r.status !== 0) return { messages };
  return { elf: parseElf32(new Uint8Array(readFileSync(obj)), obj), messages };
}

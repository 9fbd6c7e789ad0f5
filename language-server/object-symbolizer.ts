// Owns naming branch targets in an analysis's code the way `objdump -d` names them in the object
// `as --32` makes from the same text: the analysis's module written as that object and read back,
// then objdump's own symbol table and search (toolchain/isa/symbolizer.ts). The object is made
// only when a hover first shows a branch, once per analysis.
import { writeObject } from '../toolchain/elf/write-object';
import { parseElf32 } from '../toolchain/elf/reader';
import type { ElfFile } from '../toolchain/elf/types';
import { listedSymbols, sectionSymbolizer, sortSymbols, type ListedSymbol, type Symbolizer } from '../toolchain/isa/symbolizer';
import type { Analysis } from './analysis';

interface ObjectSymbols {
  readonly elf: ElfFile;
  readonly symbols: readonly ListedSymbol[];
  readonly bySection: Map<string, Symbolizer>;
}

const objects = new WeakMap<Analysis, ObjectSymbols | null>();

function objectOf(a: Analysis): ObjectSymbols | null {
  const hit = objects.get(a);
  if (hit !== undefined) return hit;
  let out: ObjectSymbols | null = null;
  try {
    const elf = parseElf32(writeObject(a.module, a.file), a.file);
    out = { elf, symbols: listedSymbols(elf), bySection: new Map() };
  } catch {
    // A module the object writer refuses (its error is already a diagnostic): targets stay bare addresses.
    out = null;
  }
  objects.set(a, out);
  return out;
}

/** objdump -d's symbolizer for `section` of the analysis's object; asked for lazily, so only branches pay for the object. */
export function objectSymbolizer(a: Analysis, section: string): Symbolizer {
  return (address: number) => {
    const o = objectOf(a);
    if (!o) return undefined;
    let s = o.bySection.get(section);
    if (!s) {
      const header = o.elf.sections.find((x) => x.name === section);
      if (!header) return undefined;
      s = sectionSymbolizer(o.elf, sortSymbols(o.symbols, section), header);
      o.bySection.set(section, s);
    }
    return s(address);
  };
}

// Owns naming branch targets in an analysis's code the way `objdump -d` names them in the object
// `as --32` makes from the same text: the symbols that object lists (write-symtab.ts's rule, on
// the analysis's module, no object written), kept, sorted and searched as objdump does
// (toolchain/isa/symbolizer.ts). Made only when a hover first shows a branch, once per analysis.
import type { AsmModule } from '../toolchain/asm/module';
import { objectSymbols, stbOf } from '../toolchain/elf/write-symtab';
import { listedSymbol, sectionSymbolizer, sortSymbols, type ListedSymbol, type Symbolizer } from '../toolchain/isa/symbolizer';
import type { Analysis } from './analysis';

interface ObjectSymbols {
  readonly symbols: readonly ListedSymbol[];
  /** Whether the object has a relocation section (objdump then names a target by its own section's symbols). */
  readonly relocatable: boolean;
  readonly bySection: Map<string, Symbolizer>;
}

const objects = new WeakMap<Analysis, ObjectSymbols>();

/** The section a row of the object's symbol table is in, by the name objdump gives it; undefined for an undefined or common one. */
function sectionOf(section: string): string | undefined {
  return section === 'UND' || section === 'COMMON' ? undefined : section === 'ABS' ? '*ABS*' : section;
}

function objectOf(module: AsmModule): ObjectSymbols {
  const symbols: ListedSymbol[] = [];
  for (const r of objectSymbols(module).rows) {
    const kept = listedSymbol({ name: r.name, value: r.value, size: r.size >>> 0, type: r.type, bind: stbOf(r.binding) }, sectionOf(r.section));
    if (kept) symbols.push(kept);
  }
  // GAS relocates each FDE (.eh_frame, .debug_frame) against its code, so CFI alone gives the object a relocation section.
  const relocatable = module.sections.some((s) => s.relocations.length > 0) || module.cfi.some((p) => p.ehFrame || p.debugFrame);
  return { symbols, relocatable, bySection: new Map() };
}

/** objdump -d's symbolizer for `section` of the analysis's object; asked for lazily, so only branches pay for the symbols. */
export function objectSymbolizer(a: Analysis, section: string): Symbolizer {
  return (address: number) => {
    let o = objects.get(a);
    if (!o) objects.set(a, (o = objectOf(a.module)));
    let s = o.bySection.get(section);
    if (!s) {
      const header = a.module.sections.find((x) => x.name === section);
      if (!header) return undefined;
      s = sectionSymbolizer(o.relocatable, sortSymbols(o.symbols, section), { name: section, addr: 0, size: header.size });
      o.bySection.set(section, s);
    }
    return s(address);
  };
}

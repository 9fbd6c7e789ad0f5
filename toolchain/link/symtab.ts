// Owns the linked file's .symtab contents: every input's local symbols (its FILE symbol
// first) at their final addresses, then the globals the caller makes local (a vDSO's
// unexported names), then the globals, each tied to the output section it lies in.
import { SHN_ABS, SHN_UNDEF, STB_LOCAL, STT_SECTION } from '../elf/symbols';
import type { ElfSymbol } from '../elf/types';
import { symbolValue } from './symbols';
import type { ImageSymbol } from './write-image';
import type { Definition, InputObject, OutputSection } from './types';

/** The output section a defined symbol lies in (undefined: absolute). */
export function outputSectionOf(object: InputObject, symbol: ElfSymbol): OutputSection | undefined {
  if (symbol.shndx === SHN_ABS || symbol.shndx === SHN_UNDEF || symbol.shndx >= 0xff00) return undefined;
  return object.sections[symbol.shndx]?.output;
}

/** The .symtab entry for a definition, with the binding the output gives it. */
export function imageSymbol(def: Definition, globals: ReadonlyMap<string, Definition>, bind: number): ImageSymbol {
  const v = symbolValue(def.object, def.symbol, globals);
  return {
    name: def.symbol.name,
    value: v.kind === 'address' ? v.value : 0,
    size: def.symbol.size,
    type: def.symbol.type,
    bind,
    visibility: bind === STB_LOCAL ? 0 : def.symbol.visibility,
    section: outputSectionOf(def.object, def.symbol),
  };
}

/** Every input's local symbols (not section symbols), in link order. */
export function localSymbols(objects: readonly InputObject[], globals: ReadonlyMap<string, Definition>): ImageSymbol[] {
  const out: ImageSymbol[] = [];
  for (const object of objects) {
    for (const symbol of object.elf.symbols) {
      if (symbol.index === 0 || symbol.bind !== STB_LOCAL || symbol.type === STT_SECTION) continue;
      const linked = symbol.shndx === SHN_ABS || (symbol.shndx < 0xff00 && symbol.shndx !== SHN_UNDEF && object.sections[symbol.shndx]);
      if (!linked) continue;
      out.push(imageSymbol({ object, symbol }, globals, STB_LOCAL));
    }
  }
  return out;
}

// Owns symbol resolution: the one definition of each global name across the inputs (a
// strong definition beats a weak one, two strong ones are an error), and the final
// address of any symbol an input names once the layout has placed every section.
import { InputError, hex } from '../errors';
import { printable } from '../elf/bytes';
import { SHN_ABS, SHN_UNDEF, STB_LOCAL, STB_WEAK, STT_SECTION } from '../elf/symbols';
import type { ElfSymbol } from '../elf/types';
import type { Definition, InputObject, InputSection } from './types';

/** Global and weak definitions by name, in link order. */
export function resolveGlobals(objects: readonly InputObject[]): Map<string, Definition> {
  const globals = new Map<string, Definition>();
  for (const object of objects) {
    for (const symbol of object.elf.symbols) {
      if (symbol.bind === STB_LOCAL || symbol.shndx === SHN_UNDEF) continue;
      if (symbol.shndx !== SHN_ABS && symbol.shndx < 0xff00 && !object.sections[symbol.shndx]) {
        // Defined in a section that is not linked (e.g. a debug section): not an address.
        continue;
      }
      const seen = globals.get(symbol.name);
      if (seen && seen.symbol.bind !== STB_WEAK && symbol.bind !== STB_WEAK) {
        throw new InputError(object.fileName, `symbol ${symbol.index}`, `multiple definition of '${printable(symbol.name)}' (first defined in ${seen.object.fileName})`);
      }
      if (!seen || (seen.symbol.bind === STB_WEAK && symbol.bind !== STB_WEAK)) globals.set(symbol.name, { object, symbol });
    }
  }
  return globals;
}

/** The address of `offset` bytes into an input section, after layout. */
export function inputAddress(section: InputSection, offset: number): number {
  const out = section.output;
  if (!out) throw new Error(`internal: ${section.section.name} of ${section.object.fileName} was not placed`);
  if (section.pieces) {
    const piece = section.pieces.find((p) => offset >= p.inputOffset && offset < p.inputOffset + p.size);
    if (piece) return (out.addr + piece.outputOffset + (offset - piece.inputOffset)) >>> 0;
    // Past the last entry (a label at the section's end): after the section's last kept byte.
    return (out.addr + section.outputOffset + sectionOutputSize(section)) >>> 0;
  }
  return (out.addr + section.outputOffset + offset) >>> 0;
}

/** Bytes an input section occupies in its output section. */
export function sectionOutputSize(section: InputSection): number {
  if (!section.pieces) return section.section.size;
  let size = 0;
  for (const p of section.pieces) if (p.kept) size += p.size;
  return size;
}

export type SymbolValue = { readonly kind: 'address'; readonly value: number; readonly absolute: boolean } | { readonly kind: 'undefined' };

/**
 * What a symbol of `object` stands for after layout: its address (absolute for SHN_ABS
 * symbols), or 'undefined' when it is a non-weak reference nothing defines. An undefined
 * weak reference is 0, as in GNU ld's static links.
 */
export function symbolValue(object: InputObject, symbol: ElfSymbol, globals: ReadonlyMap<string, Definition>): SymbolValue {
  let owner = object;
  let sym = symbol;
  if (symbol.bind !== STB_LOCAL) {
    const def = globals.get(symbol.name);
    if (def) {
      owner = def.object;
      sym = def.symbol;
    } else if (symbol.shndx === SHN_UNDEF) {
      return symbol.bind === STB_WEAK ? { kind: 'address', value: 0, absolute: true } : { kind: 'undefined' };
    }
  }
  if (sym.shndx === SHN_UNDEF) return sym.index === 0 ? { kind: 'address', value: 0, absolute: true } : { kind: 'undefined' };
  if (sym.shndx === SHN_ABS) return { kind: 'address', value: sym.value >>> 0, absolute: true };
  const section = sym.shndx < 0xff00 ? owner.sections[sym.shndx] : undefined;
  if (!section) {
    throw new InputError(owner.fileName, `symbol ${sym.index}`, `'${printable(sym.name)}' is defined in section ${hex(sym.shndx)}, which is not linked`);
  }
  const offset = sym.type === STT_SECTION ? 0 : sym.value;
  return { kind: 'address', value: inputAddress(section, offset), absolute: false };
}

/** Every non-weak global reference must have a definition (references without relocations too). */
export function checkAllDefined(objects: readonly InputObject[], globals: ReadonlyMap<string, Definition>): void {
  for (const object of objects) {
    for (const symbol of object.elf.symbols) {
      if (symbol.index === 0 || symbol.bind === STB_LOCAL || symbol.shndx !== SHN_UNDEF) continue;
      if (symbolValue(object, symbol, globals).kind === 'undefined') {
        throw new InputError(object.fileName, `symbol ${symbol.index}`, `undefined symbol '${printable(symbol.name)}'`);
      }
    }
  }
}

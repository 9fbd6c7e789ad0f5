// Owns applying a relocatable object's REL relocations to a copy of one of its frame
// sections, the way readelf does before printing them (R_386_32: S + A; R_386_PC32 on a
// pc-relative field: S + A - P, which a pcrel pointer read at P turns back into S + A).
import { InputError, hex } from '../errors';
import { ET_REL, type ElfFile, type ElfSymbol, type Section } from '../elf/types';

const SHT_REL = 9;
const R_386_NONE = 0;
const R_386_32 = 1;
const R_386_PC32 = 2;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;
const STT_NOTYPE = 0;

/** The section's bytes with its relocations applied (a copy), or its bytes as they are. */
export function relocatedSectionBytes(elf: ElfFile, section: Section): Uint8Array {
  if (elf.header.type !== ET_REL) return section.data;
  const relocs = elf.sections.filter((s) => s.type === SHT_REL && s.info === section.index);
  if (relocs.length === 0) return section.data;
  const out = new Uint8Array(section.data);
  const symbols = new Map<number, ElfSymbol>();
  for (const s of elf.symbols) symbols.set(s.index, s);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const rel of relocs) {
    const data = rel.data;
    if (data.length % 8 !== 0) throw new InputError(elf.fileName, `section ${rel.name}`, `size ${data.length} is not a multiple of 8`);
    const rv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < data.length; i += 8) {
      const offset = rv.getUint32(i, true);
      const info = rv.getUint32(i + 4, true);
      const type = info & 0xff;
      if (type === R_386_NONE || (type !== R_386_32 && type !== R_386_PC32)) continue;
      if (offset + 4 > out.length) throw new InputError(elf.fileName, `section ${rel.name} offset ${hex(i)}`, `relocation at ${hex(offset)} lies outside ${section.name}`);
      const sym = symbols.get(info >>> 8);
      if (!sym) throw new InputError(elf.fileName, `section ${rel.name} offset ${hex(i)}`, `relocation names symbol ${info >>> 8}, which does not exist`);
      if (sym.index !== 0 && ![STT_SECTION, STT_NOTYPE, STT_OBJECT, STT_FUNC].includes(sym.type)) continue;
      const addend = view.getUint32(offset, true);
      const value = type === R_386_PC32 ? addend + sym.value - offset : addend + sym.value;
      view.setUint32(offset, value >>> 0, true);
    }
  }
  return out;
}

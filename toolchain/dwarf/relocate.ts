// Owns applying a relocatable object's REL/RELA relocations to a copy of one of its frame
// sections, the way readelf does before printing them (R_386_32: S + A; R_386_PC32 on a
// pc-relative field: S + A - P, which a pcrel pointer read at P turns back into S + A).
// The relocation entries themselves come from toolchain/elf/relocations.ts.
import { InputError, hex } from '../errors';
import { R_386_32, R_386_PC32, relocationsFor } from '../elf/relocations';
import { ET_REL, type ElfFile, type Section } from '../elf/types';
import { STT_FUNC, STT_NOTYPE, STT_OBJECT, STT_SECTION } from '../elf/symbols';

/** The section's bytes with its relocations applied (a copy), or its bytes as they are. */
export function relocatedSectionBytes(elf: ElfFile, section: Section): Uint8Array {
  if (elf.header.type !== ET_REL) return section.data;
  const relocs = relocationsFor(elf, section);
  if (relocs.length === 0) return section.data;
  const out = new Uint8Array(section.data);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const r of relocs) {
    if (r.type !== R_386_32 && r.type !== R_386_PC32) continue;
    if (r.offset + 4 > out.length) {
      throw new InputError(elf.fileName, `offset ${hex(r.fileOffset)}`, `relocation at ${hex(r.offset)} lies outside ${section.name}`);
    }
    const sym = r.symbol;
    if (sym.index !== 0 && ![STT_SECTION, STT_NOTYPE, STT_OBJECT, STT_FUNC].includes(sym.type)) continue;
    const addend = r.addend ?? view.getUint32(r.offset, true);
    const value = r.type === R_386_PC32 ? addend + sym.value - r.offset : addend + sym.value;
    view.setUint32(r.offset, value >>> 0, true);
  }
  return out;
}

// Owns reading the linker's inputs: parsing each ET_REL i386 object, keeping its allocated
// sections and DWARF debug sections (other non-alloc ones such as .comment are not linked) with their
// relocations, and rejecting what the linker does not handle with one-line errors.
import { InputError, hex } from '../errors';
import { printable } from '../elf/bytes';
import { parseElf32 } from '../elf/reader';
import { relocationSections } from '../elf/relocations';
import { SHF_ALLOC, SHF_GROUP, SHF_TLS, SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NOTE, SHT_PREINIT_ARRAY, SHT_PROGBITS } from '../elf/sections';
import { SHN_COMMON } from '../elf/symbols';
import { EM_386, ET_REL } from '../elf/types';
import type { InputObject, InputRelocation, InputSection, LinkInput } from './types';
import { isDebugSection } from './debug-sections';
const LINKABLE_TYPES = new Set([SHT_PROGBITS, SHT_NOBITS, SHT_NOTE, SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY]);
/** Sections ld consumes instead of linking (stack executability and CPU-feature notes). */
const CONSUMED = new Set(['.note.GNU-stack', '.note.gnu.property']);

/** Parses and checks every input; the result keeps input order (the link order). */
export function readObjects(inputs: readonly LinkInput[]): InputObject[] {
  if (inputs.length === 0) throw new InputError('link', '', 'no input objects');
  return inputs.map(readObject);
}

function readObject(input: LinkInput): InputObject {
  const elf = parseElf32(input.bytes, input.fileName);
  const fail = (place: string, what: string): never => {
    throw new InputError(input.fileName, place, what);
  };
  if (elf.header.type !== ET_REL) fail('offset 0x10', `e_type ${elf.header.type} is not ET_REL (1): only relocatable objects are linked`);
  if (elf.header.machine !== EM_386) fail('offset 0x12', `e_machine ${elf.header.machine} is not EM_386 (3)`);
  const sections: (InputSection | undefined)[] = new Array(elf.sections.length).fill(undefined);
  const object: InputObject = { fileName: input.fileName, elf, sections };
  for (const s of elf.sections) {
    if (isDebugSection(s)) {
      sections[s.index] = { object, section: s, relocations: [], output: undefined, outputOffset: 0, pieces: undefined };
      continue;
    }
    if ((s.flags & SHF_ALLOC) === 0) continue;
    if (CONSUMED.has(s.name)) continue;
    const where = `section ${printable(s.name)}`;
    if (!LINKABLE_TYPES.has(s.type)) fail(where, `allocated section of type ${hex(s.type)} cannot be linked`);
    if (s.flags & SHF_TLS) fail(where, 'thread-local sections are not supported');
    if (s.flags & SHF_GROUP) fail(where, 'section groups (COMDAT) are not supported');
    if (s.type !== SHT_NOBITS && s.data.length !== s.size) fail(where, `only ${hex(s.data.length)} of its ${hex(s.size)} bytes are in the file`);
    if (s.addralign > 0x10000 || (s.addralign & (s.addralign - 1)) !== 0) fail(where, `alignment ${s.addralign} is not a power of two up to 0x10000`);
    sections[s.index] = { object, section: s, relocations: [], output: undefined, outputOffset: 0, pieces: undefined };
  }
  for (const rs of relocationSections(elf)) {
    if (!rs.target) return fail(`section ${printable(rs.section.name)}`, 'relocation section has no target section (sh_info 0)');
    const target = sections[rs.target.index];
    if (!target) continue;
    const list = target.relocations as InputRelocation[];
    for (const r of rs.relocations) list.push({ ...r, sectionName: rs.section.name });
  }
  for (const s of elf.symbols) {
    if (s.shndx === SHN_COMMON) {
      fail(`symbol ${s.index}`, `common symbol '${printable(s.name)}' is not supported (define it in .bss instead of .comm)`);
    }
  }
  return object;
}

/** Every kept allocated input section in link order (objects in order, sections in header order). */
export function allInputSections(objects: readonly InputObject[]): InputSection[] {
  const out: InputSection[] = [];
  for (const o of objects) for (const s of o.sections) if (s && !isDebugSection(s.section)) out.push(s);
  return out;
}

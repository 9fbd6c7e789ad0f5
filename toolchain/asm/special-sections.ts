// Owns the ELF sections GNU as knows by name (BFD's table of special sections for an i386
// object): a section named again with other flags or another type only draws a warning when it
// is one of these, an error otherwise, and one named again without a type is taken to name its
// table type. Each entry matches a name exactly ('exact'), exactly or followed by '.' ('dotted'),
// or any name it begins ('prefix'); `.stab...str` is its own rule.
import { SHT_DYNAMIC, SHT_DYNSYM, SHT_FINI_ARRAY, SHT_GNU_VERDEF, SHT_GNU_VERNEED, SHT_GNU_VERSYM, SHT_HASH, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NOTE, SHT_PREINIT_ARRAY, SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB } from '../elf/sections';
import { SHT_REL, SHT_RELA } from '../elf/relocations';

type Match = 'exact' | 'dotted' | 'prefix';

const SHT_GNU_HASH = 0x6ffffff6;
const SHT_GNU_LIBLIST = 0x6ffffff7;
const SHT_RELR = 19;

/** In BFD's order (the first that matches decides). */
const SPECIAL: ReadonlyArray<readonly [name: string, match: Match, type: number]> = [
  ['.bss', 'dotted', SHT_NOBITS],
  ['.comment', 'exact', SHT_PROGBITS],
  ['.ctf', 'exact', SHT_PROGBITS],
  ['.data', 'dotted', SHT_PROGBITS],
  ['.data1', 'exact', SHT_PROGBITS],
  ['.debug', 'exact', SHT_PROGBITS],
  ['.debug_line', 'exact', SHT_PROGBITS],
  ['.debug_info', 'exact', SHT_PROGBITS],
  ['.debug_abbrev', 'exact', SHT_PROGBITS],
  ['.debug_aranges', 'exact', SHT_PROGBITS],
  ['.dynamic', 'exact', SHT_DYNAMIC],
  ['.dynstr', 'exact', SHT_STRTAB],
  ['.dynsym', 'exact', SHT_DYNSYM],
  ['.fini', 'exact', SHT_PROGBITS],
  ['.fini_array', 'dotted', SHT_FINI_ARRAY],
  ['.gnu.linkonce.b', 'dotted', SHT_NOBITS],
  ['.gnu.linkonce.n', 'dotted', SHT_NOBITS],
  ['.gnu.linkonce.p', 'dotted', SHT_PROGBITS],
  ['.gnu.lto_', 'prefix', SHT_PROGBITS],
  ['.got', 'exact', SHT_PROGBITS],
  ['.gnu.version', 'exact', SHT_GNU_VERSYM],
  ['.gnu.version_d', 'exact', SHT_GNU_VERDEF],
  ['.gnu.version_r', 'exact', SHT_GNU_VERNEED],
  ['.gnu.liblist', 'exact', SHT_GNU_LIBLIST],
  ['.gnu.conflict', 'exact', SHT_RELA],
  ['.gnu.hash', 'exact', SHT_GNU_HASH],
  ['.hash', 'exact', SHT_HASH],
  ['.init', 'exact', SHT_PROGBITS],
  ['.init_array', 'dotted', SHT_INIT_ARRAY],
  ['.interp', 'exact', SHT_PROGBITS],
  ['.line', 'exact', SHT_PROGBITS],
  ['.noinit', 'dotted', SHT_NOBITS],
  ['.note.GNU-stack', 'exact', SHT_PROGBITS],
  ['.note', 'prefix', SHT_NOTE],
  ['.persistent.bss', 'exact', SHT_NOBITS],
  ['.persistent', 'dotted', SHT_PROGBITS],
  ['.preinit_array', 'dotted', SHT_PREINIT_ARRAY],
  ['.plt', 'exact', SHT_PROGBITS],
  ['.rodata', 'dotted', SHT_PROGBITS],
  ['.rodata1', 'exact', SHT_PROGBITS],
  ['.relr.dyn', 'exact', SHT_RELR],
  ['.rela', 'prefix', SHT_RELA],
  ['.rel', 'prefix', SHT_REL],
  ['.shstrtab', 'exact', SHT_STRTAB],
  ['.strtab', 'exact', SHT_STRTAB],
  ['.symtab', 'exact', SHT_SYMTAB],
  ['.text', 'dotted', SHT_PROGBITS],
  ['.tbss', 'dotted', SHT_NOBITS],
  ['.tdata', 'dotted', SHT_PROGBITS],
  ['.zdebug_line', 'exact', SHT_PROGBITS],
  ['.zdebug_info', 'exact', SHT_PROGBITS],
  ['.zdebug_abbrev', 'exact', SHT_PROGBITS],
  ['.zdebug_aranges', 'exact', SHT_PROGBITS],
];

/** The table type of a section GNU as knows by name, or undefined for any other name. */
export function specialSectionType(name: string): number | undefined {
  let type = typesByName.get(name);
  if (type === undefined) {
    if (typesByName.size >= MAX_NAMES) typesByName.clear();
    typesByName.set(name, (type = typeOfName(name) ?? null));
  }
  return type ?? undefined;
}

/** Names asked about (a section named again at each kernel ALTERNATIVE site asks each time), and what they gave (null: none). */
const typesByName = new Map<string, number | null>();
const MAX_NAMES = 256;

function typeOfName(name: string): number | undefined {
  if (name.startsWith('.stab') && name.endsWith('str') && name.length >= 8) return SHT_STRTAB;
  for (const [prefix, match, type] of SPECIAL) {
    if (!name.startsWith(prefix)) continue;
    if (name.length === prefix.length || match === 'prefix' || (match === 'dotted' && name.charCodeAt(prefix.length) === 0x2e)) return type;
  }
  return undefined;
}

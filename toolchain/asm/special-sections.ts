// Owns the ELF sections GNU as knows by name (BFD's table of special sections for an i386
// object), with the type and flags GNU as gives one it creates: a section named again with
// other flags or another type only draws a warning when it is one of these, an error
// otherwise, and one named again without a type is taken to name its table type. Each entry
// matches a name exactly ('exact'), exactly or followed by '.' ('dotted'), or any name it
// begins ('prefix'); `.stab...str` is its own rule.
import { SHF_ALLOC, SHF_EXCLUDE, SHF_EXECINSTR, SHF_TLS, SHF_WRITE, SHT_DYNAMIC, SHT_DYNSYM, SHT_FINI_ARRAY, SHT_GNU_VERDEF, SHT_GNU_VERNEED, SHT_GNU_VERSYM, SHT_HASH, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NOTE, SHT_PREINIT_ARRAY, SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB } from '../elf/sections';
import { SHT_REL, SHT_RELA } from '../elf/relocations';

type Match = 'exact' | 'dotted' | 'prefix';

const SHT_GNU_HASH = 0x6ffffff6;
const SHT_GNU_LIBLIST = 0x6ffffff7;
const SHT_RELR = 19;

/** In BFD's order (the first that matches decides). */
const SPECIAL: ReadonlyArray<readonly [name: string, match: Match, type: number, flags: number]> = [
  ['.bss', 'dotted', SHT_NOBITS, SHF_ALLOC | SHF_WRITE],
  ['.comment', 'exact', SHT_PROGBITS, 0],
  ['.ctf', 'exact', SHT_PROGBITS, 0],
  ['.data', 'dotted', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE],
  ['.data1', 'exact', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE],
  ['.debug', 'exact', SHT_PROGBITS, 0],
  ['.debug_line', 'exact', SHT_PROGBITS, 0],
  ['.debug_info', 'exact', SHT_PROGBITS, 0],
  ['.debug_abbrev', 'exact', SHT_PROGBITS, 0],
  ['.debug_aranges', 'exact', SHT_PROGBITS, 0],
  ['.dynamic', 'exact', SHT_DYNAMIC, SHF_ALLOC],
  ['.dynstr', 'exact', SHT_STRTAB, SHF_ALLOC],
  ['.dynsym', 'exact', SHT_DYNSYM, SHF_ALLOC],
  ['.fini', 'exact', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR],
  ['.fini_array', 'dotted', SHT_FINI_ARRAY, SHF_ALLOC | SHF_WRITE],
  ['.gnu.linkonce.b', 'dotted', SHT_NOBITS, SHF_ALLOC | SHF_WRITE],
  ['.gnu.linkonce.n', 'dotted', SHT_NOBITS, SHF_ALLOC | SHF_WRITE],
  ['.gnu.linkonce.p', 'dotted', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE],
  ['.gnu.lto_', 'prefix', SHT_PROGBITS, SHF_EXCLUDE],
  ['.got', 'exact', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE],
  ['.gnu.version', 'exact', SHT_GNU_VERSYM, 0],
  ['.gnu.version_d', 'exact', SHT_GNU_VERDEF, 0],
  ['.gnu.version_r', 'exact', SHT_GNU_VERNEED, 0],
  ['.gnu.liblist', 'exact', SHT_GNU_LIBLIST, SHF_ALLOC],
  ['.gnu.conflict', 'exact', SHT_RELA, SHF_ALLOC],
  ['.gnu.hash', 'exact', SHT_GNU_HASH, SHF_ALLOC],
  ['.hash', 'exact', SHT_HASH, SHF_ALLOC],
  ['.init', 'exact', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR],
  ['.init_array', 'dotted', SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE],
  ['.interp', 'exact', SHT_PROGBITS, 0],
  ['.line', 'exact', SHT_PROGBITS, 0],
  ['.noinit', 'dotted', SHT_NOBITS, SHF_ALLOC | SHF_WRITE],
  ['.note.GNU-stack', 'exact', SHT_PROGBITS, 0],
  ['.note', 'prefix', SHT_NOTE, 0],
  ['.persistent.bss', 'exact', SHT_NOBITS, SHF_ALLOC | SHF_WRITE],
  ['.persistent', 'dotted', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE],
  ['.preinit_array', 'dotted', SHT_PREINIT_ARRAY, SHF_ALLOC | SHF_WRITE],
  ['.plt', 'exact', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR],
  ['.rodata', 'dotted', SHT_PROGBITS, SHF_ALLOC],
  ['.rodata1', 'exact', SHT_PROGBITS, SHF_ALLOC],
  ['.relr.dyn', 'exact', SHT_RELR, SHF_ALLOC],
  ['.rela', 'prefix', SHT_RELA, 0],
  ['.rel', 'prefix', SHT_REL, 0],
  ['.shstrtab', 'exact', SHT_STRTAB, 0],
  ['.strtab', 'exact', SHT_STRTAB, 0],
  ['.symtab', 'exact', SHT_SYMTAB, 0],
  ['.text', 'dotted', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR],
  ['.tbss', 'dotted', SHT_NOBITS, SHF_ALLOC | SHF_WRITE | SHF_TLS],
  ['.tdata', 'dotted', SHT_PROGBITS, SHF_ALLOC | SHF_WRITE | SHF_TLS],
  ['.zdebug_line', 'exact', SHT_PROGBITS, 0],
  ['.zdebug_info', 'exact', SHT_PROGBITS, 0],
  ['.zdebug_abbrev', 'exact', SHT_PROGBITS, 0],
  ['.zdebug_aranges', 'exact', SHT_PROGBITS, 0],
];

/** A section GNU as knows by name: its type and flags; `dotted` when the name is a dotted entry's name with a `.` suffix (`.rodata.str1.1`). */
export interface SpecialSection {
  readonly type: number;
  readonly flags: number;
  readonly dotted: boolean;
}

/** What specialSection said of each name asked (null: not special); a kernel-style file switches to the same few sections thousands of times. */
const known = new Map<string, SpecialSection | null>();

/** Names remembered at most (a file naming more sections than this is read by the table again). */
const KNOWN_LIMIT = 1024;

/** The type and flags GNU as gives a section it knows by name, or undefined for any other name. */
export function specialSection(name: string): SpecialSection | undefined {
  const hit = known.get(name);
  if (hit !== undefined) return hit ?? undefined;
  const found = lookUp(name);
  if (known.size >= KNOWN_LIMIT) known.clear();
  known.set(name, found ?? null);
  return found;
}

function lookUp(name: string): SpecialSection | undefined {
  if (name.startsWith('.stab') && name.endsWith('str') && name.length >= 8) return { type: SHT_STRTAB, flags: 0, dotted: false };
  for (const [prefix, match, type, flags] of SPECIAL) {
    if (!name.startsWith(prefix)) continue;
    if (name.length === prefix.length) return { type, flags, dotted: false };
    if (match === 'prefix') return { type, flags, dotted: false };
    if (match === 'dotted' && name.charCodeAt(prefix.length) === 0x2e) return { type, flags, dotted: true };
  }
  return undefined;
}

/** The table type of a section GNU as knows by name, or undefined for any other name. */
export function specialSectionType(name: string): number | undefined {
  return specialSection(name)?.type;
}

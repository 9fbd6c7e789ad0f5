// Owns what GNU as makes of a `.section` that creates a section it knows by name
// (special-sections.ts) with a type or flags of its own: the init, fini and preinit arrays keep
// their type ("ignoring incorrect section type"), another type is taken with a warning unless
// the section is a note or the type is a processor's or application's; flags beyond the known
// ones are taken alone with a warning (a note may be allocated or executable, a dotted name may
// add merge and strings, .interp/.strtab/.symtab may be allocated, .note.GNU-stack executable),
// else the known flags are added to those named.
import {
  SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOTE, SHT_NULL, SHT_PREINIT_ARRAY,
} from '../elf/sections';
import { specialSection } from './special-sections';

/** The flags that belong to the OS and the processor (SHF_MASKOS | SHF_MASKPROC), which GAS leaves out of the comparison. */
const OS_AND_PROCESSOR_FLAGS = 0xfff00000;
/** SHT_LOPROC: types from here on are the processor's and the application's. */
const FIRST_PROCESSOR_TYPE = 0x70000000;

/**
 * The type and flags of section `name` created by a `.section` naming `type` (SHT_NULL: no
 * type named, the caller's default stands) and `flags`; `grouped` when it names a group (GAS
 * then keeps quiet about the flags).
 */
export function createdSectionAttributes(
  name: string, type: number, flags: number, grouped: boolean, warn: (message: string) => void,
): { type: number; flags: number } {
  const special = specialSection(name);
  if (special === undefined) return { type, flags };
  if (type !== SHT_NULL && type !== special.type) {
    if (special.type === SHT_INIT_ARRAY || special.type === SHT_FINI_ARRAY || special.type === SHT_PREINIT_ARRAY) {
      warn(`ignoring incorrect section type for ${name}`);
      type = special.type;
    } else if (special.type !== SHT_NOTE && (type >>> 0) < FIRST_PROCESSOR_TYPE) {
      warn(`setting incorrect section type for ${name}`);
    }
  }
  const extra = (flags & ~OS_AND_PROCESSOR_FLAGS & ~special.flags) >>> 0;
  if (extra === 0) return { type, flags: (flags | special.flags) >>> 0 };
  if (special.type === SHT_NOTE && (flags === SHF_ALLOC || flags === SHF_EXECINSTR)) return { type, flags: (flags | special.flags) >>> 0 };
  if (special.dotted && (extra & ~SHF_MERGE & ~SHF_STRINGS) === 0) return { type, flags: (flags | special.flags) >>> 0 };
  if (flags === SHF_ALLOC && (name === '.interp' || name === '.strtab' || name === '.symtab')) return { type, flags };
  if (flags === SHF_EXECINSTR && name === '.note.GNU-stack') return { type, flags };
  if (!grouped) warn(`setting incorrect section attributes for ${name}`);
  return { type, flags };
}

// Owns how one section refers to another through sh_link: the checked lookup every table
// reader (symbols, versions, dynamic) uses, so a link pointing nowhere is one clear error.
import { hex } from '../errors';
import { printable, type FileBytes } from './bytes';
import { SHDR_SIZE } from './header';
import { SHT_NOBITS, SHT_NULL } from './sections';
import type { Section } from './types';

/** "section [3] .dynsym" for messages. */
export function describe(s: Section): string {
  return `section [${s.index}] ${s.name ? printable(s.name) : '(unnamed)'}`;
}

/** The file offset of a section's header, for error places. */
export function headerOffset(shoff: number, s: Section): number {
  return shoff + s.index * SHDR_SIZE;
}

/**
 * The section `s.link` names, which must exist, carry data and (when given) be of type
 * `wantType`; otherwise an InputError placed at s's sh_link field.
 */
export function linkedSection(
  file: FileBytes,
  shoff: number,
  sections: readonly Section[],
  s: Section,
  wantType: number | undefined,
  role: string,
): Section {
  const at = headerOffset(shoff, s) + 24;
  const target = s.link === s.index ? undefined : sections[s.link];
  if (s.link === 0 || !target) file.fail(at, `${describe(s)}: sh_link ${s.link} does not name a ${role} section`);
  if (target.type === SHT_NULL || target.type === SHT_NOBITS || (wantType !== undefined && target.type !== wantType)) {
    file.fail(at, `${describe(s)}: sh_link ${s.link} names ${describe(target)} of type ${hex(target.type)}, not a ${role}`);
  }
  return target;
}

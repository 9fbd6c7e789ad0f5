// Owns the DWARF sections a link keeps (.debug_line, .debug_info, .debug_abbrev,
// .debug_aranges, .debug_str, ...): each output section is its inputs concatenated in link
// order, placed at address 0 after the allocated sections in GNU ld's script order, and
// relocated like any other section (an address in code, or an offset into another debug
// section). Debug sections are never loaded, so they need no dynamic relocation.
import { SHF_ALLOC, SHT_PROGBITS } from '../elf/sections';
import type { Section } from '../elf/types';
import { relocateSection } from './relocate';
import { addInput, fillSection, newOutputSection, sizeSection } from './sections';
import type { Definition, InputObject, InputSection, OutputSection } from './types';

/** GNU ld's default script order for the DWARF sections. */
const ORDER = [
  '.debug_aranges', '.debug_pubnames', '.debug_info', '.debug_abbrev', '.debug_line', '.debug_frame', '.debug_str', '.debug_loc',
  '.debug_macinfo', '.debug_weaknames', '.debug_funcnames', '.debug_typenames', '.debug_varnames', '.debug_pubtypes', '.debug_ranges',
  '.debug_addr', '.debug_line_str', '.debug_loclists', '.debug_macro', '.debug_names', '.debug_rnglists', '.debug_str_offsets', '.debug_sup',
];

/** A non-allocated DWARF section a link keeps. */
export function isDebugSection(s: Section): boolean {
  return (s.flags & SHF_ALLOC) === 0 && s.type === SHT_PROGBITS && ORDER.includes(s.name);
}

/** The kept debug input sections of every object, grouped into output sections in ld's order (sized, at address 0). */
export function debugOutputSections(objects: readonly InputObject[]): OutputSection[] {
  const byName = new Map<string, OutputSection>();
  for (const o of objects) {
    for (const input of o.sections) {
      if (!input || !isDebugSection(input.section)) continue;
      let out = byName.get(input.section.name);
      if (!out) {
        out = newOutputSection(input.section.name, SHT_PROGBITS, input.section.flags, 1);
        out.entsize = input.section.entsize;
        byName.set(input.section.name, out);
      }
      addInput(out, input);
    }
  }
  const sections = ORDER.map((n) => byName.get(n)).filter((s): s is OutputSection => s !== undefined);
  for (const s of sections) sizeSection(s);
  return sections;
}

/** Fills and relocates the debug sections once every allocated section is placed. */
export function fillDebugSections(sections: readonly OutputSection[], globals: ReadonlyMap<string, Definition>): void {
  for (const s of sections) {
    fillSection(s);
    for (const input of s.inputs as InputSection[]) relocateSection(input, s.data, globals, { positionIndependent: false });
  }
}

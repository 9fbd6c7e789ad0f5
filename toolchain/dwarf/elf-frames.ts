// Owns finding an ELF file's frame sections (.eh_frame, .debug_frame, in section-header
// order, as readelf visits them) and parsing each, relocated first in ET_REL objects.
import type { ElfFile } from '../elf/types';
import { parseFrameSection, type FrameParseOptions } from './cie-fde';
import { relocatedSectionBytes } from './relocate';
import type { FrameSection, FrameSectionKind } from './types';
import { SHT_NOBITS } from '../elf/sections';

/** The ELF file's frame sections, parsed (`options`: how, cie-fde.ts). */
export function frameSectionsOf(elf: ElfFile, options: FrameParseOptions = {}): FrameSection[] {
  const out: FrameSection[] = [];
  for (const s of elf.sections) {
    if (s.name !== '.eh_frame' && s.name !== '.debug_frame') continue;
    if (s.type === SHT_NOBITS || s.size === 0) continue;
    const kind: FrameSectionKind = s.name === '.eh_frame' ? 'eh_frame' : 'debug_frame';
    const bytes = relocatedSectionBytes(elf, s);
    out.push(parseFrameSection({ fileName: elf.fileName, name: s.name, address: s.addr, bytes }, kind, options));
  }
  return out;
}

// Owns the dynamic section: the (tag, value) entries up to and including DT_NULL, read
// from the SHT_DYNAMIC section, or from the PT_DYNAMIC segment when there is no section.
import type { FileBytes } from './bytes';
import { describe } from './links';
import { PT_DYNAMIC, SHT_DYNAMIC } from './sections';
import type { DynamicEntry, ProgramHeader, Section } from './types';

export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_HASH = 4;
export const DT_STRTAB = 5;
export const DT_SYMTAB = 6;
export const DT_STRSZ = 10;
export const DT_SYMENT = 11;
export const DT_SONAME = 14;
export const DT_VERSYM = 0x6ffffff0;
export const DT_VERDEF = 0x6ffffffc;
export const DT_VERDEFNUM = 0x6ffffffd;
const DYN_SIZE = 8;

export function parseDynamic(file: FileBytes, sections: readonly Section[], segments: readonly ProgramHeader[]): DynamicEntry[] {
  const section = sections.find((s) => s.type === SHT_DYNAMIC);
  let start: number;
  let size: number;
  let where: string;
  if (section) {
    start = section.offset;
    size = section.size;
    where = describe(section);
  } else {
    const seg = segments.find((p) => p.type === PT_DYNAMIC);
    if (!seg) return [];
    start = seg.offset;
    size = seg.filesz;
    where = `dynamic segment ${seg.index}`;
  }
  file.need(start, size, where);
  const out: DynamicEntry[] = [];
  for (let o = start; o + DYN_SIZE <= start + size; o += DYN_SIZE) {
    const tag = file.u32(o);
    out.push({ tag, value: file.u32(o + 4) });
    if (tag === DT_NULL) break;
  }
  return out;
}

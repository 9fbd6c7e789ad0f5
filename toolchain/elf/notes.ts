// Owns ELF notes: walks SHT_NOTE sections and PT_NOTE segments, and lists each note once
// (a note both a section and a segment cover is reported once, by its file offset).
import { hex } from '../errors';
import { printable, type FileBytes } from './bytes';
import { PT_NOTE, SHT_NOTE } from './sections';
import type { Note, ProgramHeader, Section } from './types';

const NOTE_HEADER = 12;

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Parses the notes in file range [start, start + size); `where` names the container in messages. */
function walk(file: FileBytes, start: number, size: number, alignment: number, where: string, seen: Set<number>, out: Note[]): void {
  file.need(start, size, where);
  const end = start + size;
  let o = start;
  while (o < end) {
    if (end - o < NOTE_HEADER) file.fail(o, `${where}: truncated note header (${end - o} bytes left)`);
    const namesz = file.u32(o);
    const descsz = file.u32(o + 4);
    const type = file.u32(o + 8);
    const nameAt = o + NOTE_HEADER;
    const descAt = nameAt + align(namesz, alignment);
    const next = descAt + align(descsz, alignment);
    if (descAt + descsz > end) file.fail(o, `${where}: note (name size ${hex(namesz)}, data size ${hex(descsz)}) runs past the end`);
    if (!seen.has(o)) {
      seen.add(o);
      const nameBytes = file.bytes.subarray(nameAt, nameAt + namesz);
      const nul = nameBytes.indexOf(0);
      let name = '';
      for (const c of nul < 0 ? nameBytes : nameBytes.subarray(0, nul)) name += String.fromCharCode(c);
      out.push({ name, type, desc: file.bytes.subarray(descAt, descAt + descsz), offset: o });
    }
    o = next;
  }
}

interface NoteRange {
  readonly start: number;
  readonly size: number;
  readonly alignment: number;
  readonly where: string;
}

/** Rejects two note sections (or two note segments) that overlap: each note is walked once per kind. */
function checkDisjoint(file: FileBytes, ranges: readonly NoteRange[]): void {
  const sorted = ranges.filter((r) => r.size > 0).sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.start + prev.size) file.fail(cur.start, `${cur.where} overlaps ${prev.where}`);
  }
}

export function parseNotes(file: FileBytes, sections: readonly Section[], segments: readonly ProgramHeader[]): Note[] {
  const fromSections: NoteRange[] = sections
    .filter((s) => s.type === SHT_NOTE)
    .map((s) => ({ start: s.offset, size: s.size, alignment: s.addralign === 8 ? 8 : 4, where: `note section [${s.index}] ${printable(s.name)}` }));
  const fromSegments: NoteRange[] = segments
    .filter((p) => p.type === PT_NOTE)
    .map((p) => ({ start: p.offset, size: p.filesz, alignment: p.align === 8 ? 8 : 4, where: `note segment ${p.index}` }));
  checkDisjoint(file, fromSections);
  checkDisjoint(file, fromSegments);
  const seen = new Set<number>();
  const out: Note[] = [];
  for (const r of [...fromSections, ...fromSegments]) walk(file, r.start, r.size, r.alignment, r.where, seen, out);
  return out;
}

// Owns linkExec: ET_REL objects -> a static i386 ET_EXEC program laid out as GNU ld lays
// one with `-z noseparate-code -z norelro`: a read+execute segment at 0x08048000 holding the headers,
// .text, .rodata and .eh_frame; a read+write segment on the next page at the same page
// offset holding .data and .bss; the entry point at `_start`.
import { debugOutputSections, fillDebugSections } from './debug-sections';
import { InputError } from '../errors';
import { PF_R, PF_W, PF_X, PT_GNU_STACK, PT_LOAD, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS } from '../elf/sections';
import { ET_EXEC } from '../elf/types';
import { allInputSections, readObjects } from './objects';
import { relocateSection } from './relocate';
import { addInput, alignUp, assignSections, fillSection, newOutputSection, sizeSection, type SectionRule } from './sections';
import { checkAllDefined, resolveGlobals, symbolValue } from './symbols';
import { imageSymbol, localSymbols } from './symtab';
import { segmentOf, writeImage, type ImageSymbol, type Segment } from './write-image';
import { EHDR_SIZE, PHDR_SIZE } from '../elf/header';
import type { ExecOptions, InputObject, InputSection, LinkInput, OutputSection } from './types';

const PAGE = 0x1000;

const TEXT_RULES: readonly SectionRule[] = [
  // ld's default script gathers unlikely, exit, startup and hot code first.
  {
    name: '.text',
    patterns: ['.text.unlikely', '.text.unlikely.*', '.text.exit', '.text.exit.*', '.text.startup', '.text.startup.*', '.text.hot', '.text.hot.*', '.text', '.text.*'],
    fill: 'nops',
  },
  { name: '.rodata', patterns: ['.rodata', '.rodata.*', '.rodata1'] },
  { name: '.eh_frame', patterns: ['.eh_frame'] },
];
const DATA_RULES: readonly SectionRule[] = [
  { name: '.data', patterns: ['.data', '.data.*', '.data1'] },
  { name: '.bss', patterns: ['.bss', '.bss.*'] },
];

/** Links `objects` into a static program (the bytes of an ET_EXEC file). */
export function linkExec(objects: readonly LinkInput[], options: ExecOptions = {}): Uint8Array {
  const entryName = options.entry ?? '_start';
  const base = options.base ?? 0x08048000;
  if (base % PAGE !== 0) throw new InputError('link', '', `base address 0x${base.toString(16)} is not page-aligned`);
  const objs = readObjects(objects);
  const globals = resolveGlobals(objs);
  const { sections: known, orphans } = assignSections(allInputSections(objs), [...TEXT_RULES, ...DATA_RULES]);
  const [text, rodata, ehFrame, data, bss] = known as [OutputSection, OutputSection, OutputSection, OutputSection, OutputSection];
  const { readOnly, writable } = orphanSections(orphans);
  const textSegment = [text, rodata, ehFrame, ...readOnly];
  const dataSegment = [data, ...writable, bss];
  for (const s of [...textSegment, ...dataSegment]) sizeSection(s);
  const textSections = textSegment.filter((s) => s.size > 0);
  const dataSections = dataSegment.filter((s) => s.size > 0);
  if (textSections.length === 0) throw new InputError(objects[0]!.fileName, '', 'nothing to link: no allocated sections');

  const stack = stackNote(objs);
  const phnum = 1 + (dataSections.length ? 1 : 0) + (stack === undefined ? 0 : 1);
  let addr = base + EHDR_SIZE + PHDR_SIZE * phnum;
  for (const s of textSections) {
    addr = alignUp(addr, s.align);
    s.addr = addr;
    s.offset = addr - base;
    addr += s.size;
  }
  const fileEnd = addr - base;
  if (dataSections.length) {
    // ld's DATA_SEGMENT_ALIGN: the next page, at the same offset within the page; file
    // offsets stay congruent to addresses modulo the page size.
    addr = alignUp(addr, PAGE) + (addr & (PAGE - 1));
    let first: OutputSection | undefined;
    let dataFileEnd = fileEnd;
    for (const s of dataSections) {
      addr = alignUp(addr, s.align);
      s.addr = addr;
      if (!first) {
        first = s;
        s.offset = fileEnd + ((((addr - fileEnd) % PAGE) + PAGE) % PAGE);
        dataFileEnd = s.offset;
      } else {
        // A NOBITS section (.bss) takes no file bytes: ld puts its offset at the file's end.
        s.offset = s.type === SHT_NOBITS ? dataFileEnd : first.offset + (addr - first.addr);
      }
      if (s.type !== SHT_NOBITS) dataFileEnd = s.offset + s.size;
      addr += s.size;
    }
  }
  const sections = [...textSections, ...dataSections];
  sections.forEach((s, i) => (s.index = i + 1));
  for (const s of sections) fillSection(s);
  for (const s of sections) for (const input of s.inputs) relocateSection(input, s.data, globals, { positionIndependent: false });
  checkAllDefined(objs, globals);

  const entryDef = globals.get(entryName);
  if (!entryDef) throw new InputError(objects[0]!.fileName, '', `entry symbol '${entryName}' is not defined by any input`);
  const entry = symbolValue(entryDef.object, entryDef.symbol, globals);

  const segments: Segment[] = [segmentOf(PT_LOAD, PF_R | PF_X, PAGE, textSections, 0)];
  if (dataSections.length) segments.push(segmentOf(PT_LOAD, PF_R | PF_W, PAGE, dataSections));
  if (stack !== undefined) segments.push({ type: PT_GNU_STACK, flags: PF_R | PF_W | (stack ? PF_X : 0), offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: 16 });

  const symbols: ImageSymbol[] = localSymbols(objs, globals);
  for (const def of globals.values()) symbols.push(imageSymbol(def, globals, def.symbol.bind));
  const debug = debugOutputSections(objs);
  fillDebugSections(debug, globals);
  return writeImage({ type: ET_EXEC, entry: entry.kind === 'address' ? entry.value : 0, sections, segments, symbols, unallocated: debug });
}

/** Allocated sections no rule takes, one output section per name, by writability. */
function orphanSections(orphans: readonly InputSection[]): { readOnly: OutputSection[]; writable: OutputSection[] } {
  const byName = new Map<string, OutputSection>();
  for (const input of orphans) {
    let s = byName.get(input.section.name);
    const code = (input.section.flags & SHF_EXECINSTR) !== 0;
    if (!byName.has(input.section.name)) byName.set(input.section.name, (s = newOutputSection(input.section.name, input.section.type, 0, 1, code ? 'nops' : 0)));
    addInput(s!, input);
  }
  const all = [...byName.values()];
  return { readOnly: all.filter((s) => (s.flags & SHF_WRITE) === 0), writable: all.filter((s) => (s.flags & SHF_WRITE) !== 0) };
}

/** undefined: no input says anything about the stack; else whether one asks for it executable. */
function stackNote(objs: readonly InputObject[]): boolean | undefined {
  let seen: boolean | undefined;
  for (const o of objs) {
    const note = o.elf.section('.note.GNU-stack');
    if (note) seen = (seen ?? false) || (note.flags & SHF_EXECINSTR) !== 0;
  }
  return seen;
}

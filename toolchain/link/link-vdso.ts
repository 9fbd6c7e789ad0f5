// Owns linkVdso: ET_REL objects -> an i386 vDSO image laid out as the kernel's
// vdso-layout.lds lays it (one PT_LOAD at address 0 holding everything, memsz == filesz,
// PT_DYNAMIC, PT_NOTE, PT_GNU_EH_FRAME: the script's PHDRS, all four always, an empty one
// as GNU ld writes it), with versioned exports, a generated .eh_frame_hdr,
// .altinstructions and the DWARF debug sections kept, and no dynamic relocations at all.
import { InputError } from '../errors';
import {
  PF_R, PF_X, PT_DYNAMIC, PT_GNU_EH_FRAME, PT_LOAD, PT_NOTE, SHF_ALLOC, SHF_WRITE,
  SHT_DYNAMIC, SHT_DYNSYM, SHT_GNU_VERDEF, SHT_GNU_VERSYM, SHT_HASH, SHT_NOBITS, SHT_PROGBITS, SHT_STRTAB,
} from '../elf/sections';
import { SHN_ABS, STB_GLOBAL, STB_LOCAL } from '../elf/symbols';
import { ET_DYN } from '../elf/types';
import { DynamicTables } from './dynamic-tables';
import { buildFrameHeader, frameHeaderSize } from './eh-frame';
import { debugOutputSections, fillDebugSections } from './debug-sections';
import { allInputSections, readObjects } from './objects';
import { relocateSection } from './relocate';
import { addInput, alignUp, assignSections, fillSection, newOutputSection, sizeSection, type SectionRule } from './sections';
import { checkAllDefined, resolveGlobals } from './symbols';
import { imageSymbol, localSymbols } from './symtab';
import { exportedSymbols } from './versions';
import { numberSections, segmentOf, writeImage, type ImageSymbol, type Segment } from './write-image';
import { EHDR_SIZE, PHDR_SIZE } from '../elf/header';
import type { InputSection, LinkInput, OutputSection, VdsoOptions } from './types';

/** Output sections made of input sections, in vdso-layout order (the synthetic ones go between). */
const DATA_RULES: readonly SectionRule[] = [
  { name: '.rodata', patterns: ['.rodata*', '.data*', '.sdata*', '.got.plt', '.got', '.gnu.linkonce.d.*', '.bss*', '.dynbss*', '.gnu.linkonce.b.*'] },
  { name: '.note', patterns: ['.note.*'] },
];
const CODE_RULES: readonly SectionRule[] = [
  { name: '.eh_frame', patterns: ['.eh_frame'] },
  { name: '.text', patterns: ['.text*', '.fixup'], fill: 0x90 },
  { name: '.altinstructions', patterns: ['.altinstructions'] },
  { name: '.altinstr_replacement', patterns: ['.altinstr_replacement'] },
  { name: '__ex_table', patterns: ['__ex_table'] },
];
const DISCARDED: readonly string[] = ['.discard', '.discard.', '__bug_table'];

/** Links `objects` into a vDSO image (the bytes of an ET_DYN file). */
export function linkVdso(objects: readonly LinkInput[], options: VdsoOptions): Uint8Array {
  const soname = options.soname ?? 'linux-gate.so.1';
  const objs = readObjects(objects);
  for (const o of objs) {
    const list = o.sections as (InputSection | undefined)[];
    list.forEach((s, i) => {
      if (s && DISCARDED.some((d) => (d.endsWith('.') ? s.section.name.startsWith(d) : s.section.name === d))) list[i] = undefined;
    });
  }
  const globals = resolveGlobals(objs);
  const exports = exportedSymbols(globals, options.versions);
  const tables = new DynamicTables(soname, options.versions, exports, options.spareDynamicEntries ?? 5);

  const inputs = allInputSections(objs);
  const data = assignSections(inputs, [...DATA_RULES, ...CODE_RULES]);
  const byName = new Map(data.sections.map((s) => [s.name, s]));
  const orphans = orphanSections(data.orphans);
  const rodata = byName.get('.rodata')!;
  // GNU ld's own .got.plt and .got (empty here, 4-aligned) fall under .rodata's rule.
  rodata.align = Math.max(rodata.align, 4);
  const note = byName.get('.note')!;
  const ehFrame = byName.get('.eh_frame')!;
  for (const s of [...data.sections, ...orphans]) sizeSection(s);

  const hash = synthetic('.hash', SHT_HASH, SHF_ALLOC, 4, tables.hashSize, 4);
  const dynsym = synthetic('.dynsym', SHT_DYNSYM, SHF_ALLOC, 4, tables.dynsymSize, 16);
  const dynstr = synthetic('.dynstr', SHT_STRTAB, SHF_ALLOC, 1, tables.dynstr.length, 0);
  const versym = synthetic('.gnu.version', SHT_GNU_VERSYM, SHF_ALLOC, 2, tables.versymSize, 2);
  const verdef = synthetic('.gnu.version_d', SHT_GNU_VERDEF, SHF_ALLOC, 4, tables.verdefSize, 0);
  const dynamic = synthetic('.dynamic', SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, 4, tables.dynamicSize, 8);
  const ehFrameHdr = synthetic('.eh_frame_hdr', SHT_PROGBITS, SHF_ALLOC, 4, ehFrame.inputs.length ? frameHeaderSize(ehFrame.inputs) : 0, 0);
  const ordered = [hash, dynsym, dynstr, versym, verdef, dynamic, rodata, note, ehFrameHdr, ...CODE_RULES.map((r) => byName.get(r.name)!), ...orphans];
  // GNU ld's i386 backend always makes an .eh_frame of its own (for PLT unwind info, none
  // here): with no CFI in the inputs the output .eh_frame stays, empty, aligned to 4.
  if (ehFrame.inputs.length === 0) {
    ehFrame.flags = SHF_ALLOC;
    ehFrame.align = 4;
  }
  const sections = ordered.filter((s) => s.size > 0 || s === ehFrame);
  for (const s of sections) if (s.type === SHT_NOBITS) s.type = SHT_PROGBITS; // memsz must equal filesz

  const hasNote = sections.includes(note);
  const hasHdr = sections.includes(ehFrameHdr);
  let addr = EHDR_SIZE + PHDR_SIZE * PHDRS;
  for (const s of sections) {
    addr = alignUp(addr, s.align);
    s.addr = addr;
    s.offset = addr;
    addr += s.size;
  }
  numberSections(sections);
  dynsym.link = dynstr.index;
  dynsym.info = 1;
  hash.link = dynsym.index;
  versym.link = dynsym.index;
  verdef.link = dynstr.index;
  verdef.info = tables.verdefCount;
  dynamic.link = dynstr.index;

  for (const s of [...data.sections, ...orphans]) fillSection(s);
  for (const s of sections) for (const input of s.inputs) relocateSection(input, s.data, globals, { positionIndependent: true });
  hash.data = tables.hash();
  dynstr.data = tables.dynstr;
  versym.data = tables.versym();
  verdef.data = tables.verdef();
  dynsym.data = tables.dynsym((e) => {
    const image = imageSymbol(e.definition, globals, e.definition.symbol.bind);
    return { value: image.value, size: image.size, type: image.type, bind: image.bind, other: image.visibility, shndx: image.section?.index ?? SHN_ABS };
  });
  dynamic.data = tables.dynamic({ hash: hash.addr, dynsym: dynsym.addr, dynstr: dynstr.addr, versym: versym.addr, verdef: verdef.addr });
  if (hasHdr) {
    ehFrameHdr.data = buildFrameHeader(objs[0]!.fileName, ehFrame.data, ehFrame.addr, ehFrameHdr.addr);
    if (ehFrameHdr.data.length !== ehFrameHdr.size) throw new InputError(ehFrame.inputs[0]!.object.fileName, 'section .eh_frame', 'a zero terminator sits between entries');
  }

  const segments: Segment[] = [segmentOf(PT_LOAD, PF_R | PF_X, 0x1000, sections, 0)];
  segments.push(segmentOf(PT_DYNAMIC, PF_R, 4, [dynamic]));
  segments.push(hasNote ? segmentOf(PT_NOTE, PF_R, note.align, [note]) : emptySegment(PT_NOTE, PF_R));
  // The script gives eh_frame_hdr no FLAGS: ld takes them from its sections, none when empty.
  segments.push(hasHdr ? segmentOf(PT_GNU_EH_FRAME, PF_R, 4, [ehFrameHdr]) : emptySegment(PT_GNU_EH_FRAME, 0));
  if (segments.length !== PHDRS) throw new Error(`linkVdso made ${segments.length} program headers, the script declares ${PHDRS}`);

  const exported = new Set(exports.map((e) => e.name));
  const symbols: ImageSymbol[] = localSymbols(objs, globals);
  for (const def of globals.values()) if (!exported.has(def.symbol.name)) symbols.push(imageSymbol(def, globals, STB_LOCAL));
  symbols.push({ name: '_DYNAMIC', value: dynamic.addr, size: 0, type: 1, bind: STB_LOCAL, visibility: 0, section: dynamic });
  for (const s of tables.symbols) {
    if (s.exported) symbols.push(imageSymbol(s.exported.definition, globals, s.exported.definition.symbol.bind));
    else symbols.push({ name: s.name, value: 0, size: 0, type: 1, bind: STB_GLOBAL, visibility: 0, section: undefined });
  }
  checkAllDefined(objs, globals);
  const debug = debugOutputSections(objs);
  fillDebugSections(debug, globals);
  return writeImage({ type: ET_DYN, entry: 0, sections, segments, symbols, unallocated: debug });
}

/** The vDSO script's PHDRS: text (PT_LOAD), dynamic, note, eh_frame_hdr; ld writes each even when it maps nothing. */
const PHDRS = 4;

/** A declared segment no section lies in, as GNU ld writes it: all zeros but type, flags and a 4-byte alignment. */
function emptySegment(type: number, flags: number): Segment {
  return { type, flags, offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: 4 };
}

function synthetic(name: string, type: number, flags: number, align: number, size: number, entsize: number): OutputSection {
  const s = newOutputSection(name, type, flags, align);
  s.size = size;
  s.entsize = entsize;
  return s;
}

/** Input sections no rule takes, grouped by name after the known ones (as ld places orphans last here). */
function orphanSections(orphans: readonly InputSection[]): OutputSection[] {
  const out = new Map<string, OutputSection>();
  for (const input of orphans) {
    let s = out.get(input.section.name);
    if (!s) out.set(input.section.name, (s = newOutputSection(input.section.name, input.section.type, 0, 1)));
    addInput(s, input);
  }
  return [...out.values()];
}

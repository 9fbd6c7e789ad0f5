// Owns writing an AsmModule as an ELF32 i386 relocatable object (ET_REL) laid out as
// GNU as 2.40 lays it out: .group sections first, each section followed by its .rel
// section (SHF_INFO_LINK, sh_link .symtab), then .symtab, .strtab, .shstrtab; in the
// file the section contents in header order, then .symtab, .strtab, the .rel sections,
// .shstrtab and the section header table. Generated sections (.eh_frame, .debug_*)
// must already be in module.sections (see dwarf/emit-sections.ts).
import type { AsmModule, AsmSection } from '../asm/module';
import { InputError, hex } from '../errors';
import { EM_386, ET_REL } from './types';
import { EHDR_SIZE, SHDR_SIZE } from './header';
import { SHT_REL } from './relocations';
import { SHF_GNU_RETAIN, SHF_GROUP, SHF_INFO_LINK, SHF_LINK_ORDER, SHT_GROUP, SHT_NOBITS, SHT_NULL, SHT_STRTAB, SHT_SYMTAB } from './sections';
import { STT_GNU_IFUNC } from './symbols';
import { buildSymbolTable, stbOf, type SymbolTable } from './write-symtab';
import { StringTableBuilder } from './write-strtab';

const GRP_COMDAT = 1;
const ELFOSABI_GNU = 3;

interface Header {
  name: string;
  type: number;
  flags: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  size: number;
  offset: number;
  contents: () => Uint8Array;
}

const MAX_SECTIONS = 0xff00;

/** The object file's bytes. `fileName` names the source in error messages. */
export function writeObject(module: AsmModule, fileName: string): Uint8Array {
  const headers: Header[] = [];
  const sectionIndex = new Map<string, number>();
  const groupIndex = new Map<string, number>();
  const groupMembers = new Map<string, number[]>();
  const groupComdat = new Map<string, boolean>();
  for (const s of module.sections) {
    if (!s.group || groupComdat.has(s.group.signature)) continue;
    groupComdat.set(s.group.signature, s.group.comdat);
    groupMembers.set(s.group.signature, []);
  }
  const groupHeaders: Header[] = [];
  for (const signature of groupComdat.keys()) {
    const h = blank('.group', SHT_GROUP, 4, 4);
    groupIndex.set(signature, 1 + groupHeaders.length);
    groupHeaders.push(h);
  }
  headers.push(blank('', SHT_NULL, 0, 0), ...groupHeaders);
  const relFor = new Map<AsmSection, Header>();
  for (const s of module.sections) {
    checkSection(s, fileName);
    const index = headers.length;
    if (!sectionIndex.has(s.name)) sectionIndex.set(s.name, index);
    const bytes = s.bytes;
    headers.push({ ...blank(s.name, s.type, s.addralign, s.entsize), flags: s.flags, size: s.size, contents: () => bytes });
    if (s.group) groupMembers.get(s.group.signature)!.push(index);
    if (s.relocations.length > 0) {
      const rel = blank(`.rel${s.name}`, SHT_REL, 4, 8);
      rel.flags = SHF_INFO_LINK | (s.group ? SHF_GROUP : 0);
      rel.info = index;
      rel.size = s.relocations.length * 8;
      if (s.group) groupMembers.get(s.group.signature)!.push(headers.length);
      relFor.set(s, rel);
      headers.push(rel);
    }
  }
  if (headers.length + 3 > MAX_SECTIONS) throw new InputError(fileName, '', `too many sections (${headers.length + 3}) for an ELF32 object without extended numbering`);
  const symtabIndex = headers.length;
  const symbols = buildSymbolTable(module, fileName, sectionIndex, groupIndex);
  const strtab = new StringTableBuilder();
  const nameIndexes = strtabIndexes(symbols, strtab);
  const symtab = blank('.symtab', SHT_SYMTAB, 4, 16);
  symtab.link = symtabIndex + 1;
  symtab.info = symbols.firstGlobal;
  symtab.size = symbols.entries.length * 16;
  symtab.contents = () => symtabBytes(symbols, strtab, nameIndexes);
  const strtabHeader = blank('.strtab', SHT_STRTAB, 1, 0);
  const strBytes = strtab.result();
  strtabHeader.size = strBytes.length;
  strtabHeader.contents = () => strBytes;
  const shstrtab = blank('.shstrtab', SHT_STRTAB, 1, 0);
  // GNU as writes no .symtab/.strtab for an object without symbols (only the null entry).
  const hasSymtab = symbols.entries.length > 1 || relFor.size > 0 || groupHeaders.length > 0;
  if (hasSymtab) headers.push(symtab, strtabHeader);
  headers.push(shstrtab);

  for (const s of module.sections) {
    const h = headers[sectionIndex.get(s.name)!]!;
    if (s.linkTo !== undefined && h.name === s.name && (s.flags & SHF_LINK_ORDER) !== 0) {
      const to = sectionIndex.get(s.linkTo);
      if (to === undefined) throw new InputError(fileName, `section ${s.name}`, `linked-to section ${s.linkTo} does not exist`);
      h.link = to;
    }
    const rel = relFor.get(s);
    if (rel) {
      rel.link = symtabIndex;
      const bytes = relocationBytes(s, symbols, fileName);
      rel.contents = () => bytes;
    }
  }
  for (const [signature, index] of groupIndex) {
    const h = headers[index]!;
    const members = groupMembers.get(signature)!;
    const bytes = new Uint8Array(4 * (members.length + 1));
    const v = new DataView(bytes.buffer);
    v.setUint32(0, groupComdat.get(signature) ? GRP_COMDAT : 0, true);
    members.forEach((m, i) => v.setUint32(4 * (i + 1), m, true));
    h.link = symtabIndex;
    h.info = symbols.symbol.get(signature) ?? 0;
    h.size = bytes.length;
    h.contents = () => bytes;
  }

  const names = new StringTableBuilder();
  if (hasSymtab) {
    names.add('.symtab');
    names.add('.strtab');
  }
  names.add('.shstrtab');
  for (const h of headers) if (h.type !== SHT_GROUP && h.type !== SHT_SYMTAB && h.type !== SHT_STRTAB) names.add(h.name);
  if (groupHeaders.length > 0) names.add('.group');
  const nameBytes = names.result();
  shstrtab.size = nameBytes.length;
  shstrtab.contents = () => nameBytes;

  // File positions: contents in header order, then .symtab and .strtab, the .rel
  // sections, .shstrtab, and the header table.
  let at = EHDR_SIZE;
  const place = (h: Header): void => {
    const align = Math.max(1, h.addralign);
    at = Math.ceil(at / align) * align;
    h.offset = at;
    if (h.type !== SHT_NOBITS) at += h.size;
  };
  for (const h of headers.slice(1)) if (h.type !== SHT_REL && h.type !== SHT_SYMTAB && h.type !== SHT_STRTAB) place(h);
  if (hasSymtab) {
    place(symtab);
    place(strtabHeader);
  }
  for (const h of headers) if (h.type === SHT_REL) place(h);
  place(shstrtab);
  const shoff = Math.ceil(at / 4) * 4;
  const file = new Uint8Array(shoff + SHDR_SIZE * headers.length);
  const v = new DataView(file.buffer);
  // GNU as marks the object GNU's when it uses a GNU extension: an indirect function, a retained section, a unique object.
  const gnu = module.gnuUnique === true || module.symbols.some((s) => s.type === STT_GNU_IFUNC) || module.sections.some((s) => (s.flags & SHF_GNU_RETAIN) !== 0);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, gnu ? ELFOSABI_GNU : 0]);
  v.setUint16(16, ET_REL, true);
  v.setUint16(18, EM_386, true);
  v.setUint32(20, 1, true);
  v.setUint32(32, shoff, true);
  v.setUint16(40, EHDR_SIZE, true);
  v.setUint16(46, SHDR_SIZE, true);
  v.setUint16(48, headers.length, true);
  v.setUint16(50, headers.length - 1, true);
  headers.forEach((h, i) => {
    if (i > 0 && h.type !== SHT_NOBITS) file.set(h.contents().subarray(0, h.size), h.offset);
    const o = shoff + i * SHDR_SIZE;
    v.setUint32(o, names.offset(h.name), true);
    v.setUint32(o + 4, h.type, true);
    v.setUint32(o + 8, h.flags, true);
    v.setUint32(o + 16, h.offset, true);
    v.setUint32(o + 20, h.size, true);
    v.setUint32(o + 24, h.link, true);
    v.setUint32(o + 28, h.info, true);
    v.setUint32(o + 32, h.addralign, true);
    v.setUint32(o + 36, h.entsize, true);
  });
  return file;
}

function blank(name: string, type: number, addralign: number, entsize: number): Header {
  return { name, type, flags: 0, link: 0, info: 0, addralign, entsize, size: 0, offset: 0, contents: () => new Uint8Array(0) };
}

function checkSection(s: AsmSection, fileName: string): void {
  if (s.type !== SHT_NOBITS && s.bytes.length !== s.size) {
    throw new InputError(fileName, `section ${s.name}`, `has ${s.bytes.length} bytes of contents but size ${s.size}`);
  }
  if (s.addralign !== 0 && (s.addralign & (s.addralign - 1)) !== 0) {
    throw new InputError(fileName, `section ${s.name}`, `alignment ${s.addralign} is not a power of 2`);
  }
  const relocations = s.relocations;
  const end = Math.max(s.size, 1);
  for (let k = 0; k < relocations.length; k++) {
    const r = relocations[k]!;
    if (r.offset < 0 || r.offset >= end) {
      throw new InputError(fileName, `section ${s.name} offset ${hex(r.offset)}`, `relocation against ${r.symbol} is outside the section (size ${hex(s.size)})`);
    }
  }
}

/** Adds each symbol's name to the string table; the index `offsetAt` takes, per symbol. */
function strtabIndexes(symbols: SymbolTable, strtab: StringTableBuilder): Int32Array {
  const entries = symbols.entries;
  const indexes = new Int32Array(entries.length);
  for (let i = 0; i < entries.length; i++) indexes[i] = strtab.add(entries[i]!.name);
  return indexes;
}

function symtabBytes(symbols: SymbolTable, strtab: StringTableBuilder, nameIndexes: Int32Array): Uint8Array {
  const bytes = new Uint8Array(symbols.entries.length * 16);
  const v = new DataView(bytes.buffer);
  const entries = symbols.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const o = i * 16;
    const bind = stbOf(e.binding);
    v.setUint32(o, strtab.offsetAt(nameIndexes[i]!), true);
    v.setUint32(o + 4, e.value >>> 0, true);
    v.setUint32(o + 8, e.size >>> 0, true);
    v.setUint8(o + 12, (bind << 4) | (e.type & 0xf));
    v.setUint8(o + 13, e.visibility & 3);
    v.setUint16(o + 14, e.sectionIndex, true);
  }
  return bytes;
}

function relocationBytes(s: AsmSection, symbols: SymbolTable, fileName: string): Uint8Array {
  const bytes = new Uint8Array(s.relocations.length * 8);
  const v = new DataView(bytes.buffer);
  const relocations = s.relocations;
  for (let i = 0; i < relocations.length; i++) {
    const r = relocations[i]!;
    // No symbol (a pc-relative branch to an absolute address): symbol index 0, as GAS writes it.
    const index = r.symbolIsSection ? symbols.sectionSymbol.get(r.symbol) : r.symbol === '' ? 0 : symbols.symbol.get(r.symbol);
    if (index === undefined) throw new InputError(fileName, `section ${s.name} offset ${hex(r.offset)}`, `relocation against unknown ${r.symbolIsSection ? 'section' : 'symbol'} ${r.symbol}`);
    v.setUint32(i * 8, r.offset, true);
    v.setUint32(i * 8 + 4, (index << 8) | (r.type & 0xff), true);
  }
  return bytes;
}

// Owns walking an ELF32 i386 file the way `objdump -d` (binutils 2.40) walks it, and its exact
// text: every code section (or the ones named), cut into blocks at its symbols, each block
// headed by its label and decoded up to the next symbol and no further (an instruction that
// would cross it is objdump's one-byte `.byte 0xNN` or prefix name); runs of zero bytes shown
// as `\t...` (8 or more, cut to a multiple of 4 unless they reach the block's end; fewer than 3
// at the block's end); blocks of STT_OBJECT symbols dumped as bytes and ASCII, 16 to a line;
// addresses as wide as the section's end address needs, in steps of 4 hex digits.
import type { ElfFile, Section } from '../elf/types';
import { SHF_EXECINSTR, SHT_NOBITS } from '../elf/sections';
import { decode } from './decoder';
import { formatAtt } from './att-formatter';
import { DecodeStatus, PFX_WAIT } from './instruction';
import { findSymbol, hasRelocations, listedSymbols, sectionSymbolizer, sortSymbols, symbolOffset, type ListedSymbol } from './symbolizer';

/** objdump's DEFAULT_SKIP_ZEROES and DEFAULT_SKIP_ZEROES_AT_END. */
const SKIP_ZEROES = 8;
const SKIP_ZEROES_AT_END = 3;
/** Bytes per line: the i386 disassembler's bytes_per_line, and objdump's for a data dump. */
const INSN_BYTES_PER_LINE = 7;
const DATA_BYTES_PER_LINE = 16;

/** What a listing reports, in order; a renderer turns it into text or JSON. */
export interface ListingSink {
  /** A section begins (`Disassembly of section NAME:`). */
  section(section: Section): void;
  /** A block begins at `address`, named `<label>` (symbol, symbol±offset or section+offset). */
  label(address: number, label: string): void;
  /** `count` zero bytes at `address` shown as `...`. */
  zeros(address: number, count: number): void;
  /** One decoded instruction (data: false) or one line of a data dump (data: true, text the ASCII). */
  line(address: number, bytes: Uint8Array, text: string, data: boolean, status: DecodeStatus): void;
}

/** The sections `objdump -d` disassembles: code with bytes; or exactly the ones named with -j. */
export function listedSections(elf: ElfFile, only?: readonly string[]): Section[] {
  if (only) return elf.sections.filter((s) => only.includes(s.name) && s.size > 0);
  return elf.sections.filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.type !== SHT_NOBITS && s.size > 0);
}

/** objdump's name for a prefix byte (its text for an instruction cut short after prefixes). */
const PREFIX_NAME: Record<number, string> = {
  0xf0: 'lock', 0xf2: 'repnz', 0xf3: 'repz', 0x66: 'data16', 0x67: 'addr16', 0x26: 'es', 0x2e: 'cs',
  0x36: 'ss', 0x3e: 'ds', 0x64: 'fs', 0x65: 'gs', 0x9b: 'fwait',
};

/**
 * Lists `elf` into `sink`: every section objdump -d would take (or those in `only`), or with
 * `symbol` what `objdump -d --disassemble=SYMBOL` prints (every section's heading, and the
 * blocks from the symbol's to its end: its size, else the next function or global symbol).
 */
export function listElf(elf: ElfFile, sink: ListingSink, options: { only?: readonly string[]; symbol?: string } = {}): void {
  const symbols = listedSymbols(elf);
  for (const section of listedSections(elf, options.only)) listSection(elf, section, symbols, sink, options.symbol);
}

function listSection(elf: ElfFile, section: Section, symbols: readonly ListedSymbol[], sink: ListingSink, wanted: string | undefined): void {
  const data = section.data;
  const vma = section.addr >>> 0;
  let stopOffset = data.length;
  const sorted = sortSymbols(symbols, section.name);
  const symbolize = sectionSymbolizer(hasRelocations(elf), sorted, section);
  sink.section(section);
  let place = findSymbol(sorted, vma, section.name);
  let sym = place >= 0 ? sorted[place]! : undefined;
  let printing = wanted === undefined;
  let until: 'end' | 'function' | 'next' = 'end';
  let offset = 0;
  while (offset < stopOffset) {
    const addr = (vma + offset) >>> 0;
    if (sym && wanted !== undefined) {
      if (printing) {
        if ((until === 'function' && sym.isFunction) || (until === 'next' && !sym.name.startsWith('.L'))) printing = false;
      } else if (sym.name === wanted) {
        printing = true;
        if (sym.isFunction && sym.size > 0) { stopOffset = Math.min(offset + sym.size, data.length); until = 'end'; }
        else until = sym.isFunction ? 'function' : 'next';
      }
    }
    if (printing) sink.label(addr, sym ? symbolOffset(sym.shown, sym.value, addr) : symbolOffset(section.name, vma, addr));
    let next: ListedSymbol | undefined;
    if (sym && sym.value > addr) next = sym;
    else if (sym) {
      while (place < sorted.length && !(sorted[place]!.section === section.name && sorted[place]!.value > sym.value)) place++;
      next = place < sorted.length ? sorted[place] : undefined;
    }
    let nextStop = sym && sym.value > addr ? sym.value - vma : next ? next.value - vma : stopOffset;
    if (nextStop > stopOffset || nextStop <= offset) nextStop = stopOffset;
    const dump = sym !== undefined && sym.section === section.name && sym.value <= addr && sym.isObject && !sym.isFunction
      && !sym.name.includes('gnu_compiled') && !sym.name.includes('gcc2_compiled');
    if (printing) listBlock(data, vma, offset, nextStop, !dump, symbolize, sink);
    offset = nextStop;
    sym = next;
  }
}

/** objdump's disassemble_bytes over [start, stop) of a section's bytes. */
function listBlock(data: Uint8Array, vma: number, start: number, stop: number, insns: boolean, symbolize: (a: number) => string | undefined, sink: ListingSink): void {
  let offset = start;
  const options = { symbolize };
  while (offset < stop) {
    let zeros = 0;
    while (offset + zeros < stop && data[offset + zeros] === 0) zeros++;
    if (zeros >= SKIP_ZEROES || (offset + zeros === stop && zeros < SKIP_ZEROES_AT_END)) {
      if (offset + zeros !== stop) zeros &= ~3;
      sink.zeros((vma + offset) >>> 0, zeros);
      offset += zeros;
      continue;
    }
    const address = (vma + offset) >>> 0;
    if (!insns) {
      const n = Math.min(DATA_BYTES_PER_LINE, stop - offset);
      const bytes = data.subarray(offset, offset + n);
      let ascii = '';
      for (const b of bytes) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      sink.line(address, bytes, ascii, true, DecodeStatus.Ok);
      offset += n;
      continue;
    }
    const i = decode(data, offset, address, stop);
    let length = i.length;
    let text: string;
    if (i.status === DecodeStatus.Truncated) {
      // objdump's fetch_error: the first byte alone, as its prefix name when prefixes were read.
      const first = data[offset]!;
      const prefixed = i.prefixLength > 0 || (i.prefixes & PFX_WAIT) !== 0;
      text = prefixed && PREFIX_NAME[first] ? PREFIX_NAME[first]! : `.byte 0x${first.toString(16)}`;
      length = 1;
    } else {
      text = formatAtt(i, options);
      length = Math.max(1, Math.min(length, stop - offset));
    }
    sink.line(address, data.subarray(offset, offset + length), text, false, i.status);
    offset += length;
  }
}

const HEX_DIGITS = '0123456789abcdef';
const TAB = 9, NEWLINE = 10, SPACE = 32, COLON = 58;
/** The most one line of an instruction or data dump takes, text aside (address, bytes, padding). */
const LINE_ROOM = 128;
/** The size of the pieces handed out. */
const PIECE = 1 << 16;

/**
 * objdump's address column for a section, in hex digits: 8 less the leading zeros of the
 * section's end address, dropped in steps of 4 (always keeping one).
 */
function columnWidth(section: { readonly addr: number; readonly size: number }): number {
  const end = ((section.addr >>> 0) + section.size) >>> 0;
  const digits = end.toString(16).padStart(8, '0');
  let skip = 0;
  while (skip < digits.length && digits[skip] === '0') skip++;
  if (skip === digits.length && section.addr !== 0) skip = 0;
  if (skip !== 0) skip = (skip - 1) & ~3;
  return 8 - skip;
}

/** The sink objdumpTextSink returns: end() hands out what is still held. */
export interface TextSink extends ListingSink {
  end(): void;
}

/**
 * The exact text `objdump -d` prints, handed out in pieces of about 64 KiB. Lines are written
 * as bytes into one buffer, not joined from strings: a listing can be millions of lines.
 */
export function objdumpTextSink(fileName: string, out: (text: string) => void): TextSink {
  let width = columnWidth({ addr: 0, size: 0 });
  let buf = Buffer.allocUnsafe(PIECE + LINE_ROOM);
  let at = 0;
  const handOut = (): void => {
    if (at > 0) out(buf.toString('utf8', 0, at));
    at = 0;
  };
  const text = (t: string): void => {
    const room = t.length * 3 + LINE_ROOM;
    if (at + room > buf.length) {
      handOut();
      if (room > buf.length) buf = Buffer.allocUnsafe(room + PIECE);
    }
    at += buf.write(t, at, 'utf8');
  };
  const byte = (c: number): void => {
    buf[at++] = c;
  };
  /** The address right-aligned in the column: its last `width` hex digits, leading zeros as spaces. */
  const column = (address: number): void => {
    let digits = 1;
    while (digits < 8 && address >>> (4 * digits) !== 0) digits++;
    if (digits > width) digits = width;
    for (let k = digits; k < width; k++) byte(SPACE);
    for (let k = digits - 1; k >= 0; k--) byte(HEX_DIGITS.charCodeAt((address >>> (4 * k)) & 15));
    byte(COLON);
    byte(TAB);
  };
  const hexByte = (b: number): void => {
    byte(HEX_DIGITS.charCodeAt(b >>> 4));
    byte(HEX_DIGITS.charCodeAt(b & 15));
    byte(SPACE);
  };
  text(`\n${fileName}:     file format elf32-i386\n\n`);
  return {
    section(section) {
      width = columnWidth(section);
      text(`\nDisassembly of section ${section.name}:\n`);
    },
    label(address, label) {
      text(`\n${(address >>> 0).toString(16).padStart(8, '0')} <${label}>:\n`);
    },
    zeros() {
      text('\t...\n');
    },
    line(address, bytes, t, data) {
      const perLine = data ? DATA_BYTES_PER_LINE : INSN_BYTES_PER_LINE;
      const firstLine = Math.min(bytes.length, perLine);
      if (at + LINE_ROOM > buf.length) handOut();
      column(address >>> 0);
      for (let k = 0; k < firstLine; k++) hexByte(bytes[k]!);
      for (let k = firstLine; k < perLine; k++) { byte(SPACE); byte(SPACE); byte(SPACE); }
      if (data) { byte(SPACE); byte(SPACE); byte(SPACE); byte(SPACE); } else byte(TAB);
      text(t);
      for (let k = firstLine; k < bytes.length; k += perLine) {
        if (at + LINE_ROOM > buf.length) handOut();
        byte(NEWLINE);
        column((address + k) >>> 0);
        for (let j = k; j < Math.min(k + perLine, bytes.length); j++) hexByte(bytes[j]!);
      }
      byte(NEWLINE);
    },
    end: handOut,
  };
}

// Owns disassembly for the debugger's Disassembly view: exactly the number of instructions
// asked for, at any instruction offset from an address, negative ones included. Backwards,
// decoding always starts at a known instruction boundary before the window (a function
// symbol's start, an FDE's initial location, a line-table row, the entry point, the stopped
// pc, the first byte after unmapped memory) and runs forward to the window; an instruction
// that would run over the next known boundary is shown as the bytes it has, `(bad)`. `??`
// lines stand only for bytes that cannot be read (one line per byte). Bytes that an image's
// section headers put outside its code sections (its .eh_frame, .dynsym, ELF header, in the
// same executable PT_LOAD) are data: one `.byte 0xNN` line per byte, never decoded, and an
// instruction that would run into them is `(bad)`, as at a known boundary.
import { decode, MAX_INSTRUCTION_LENGTH } from '../../toolchain/isa/decoder';
import { formatAtt } from '../../toolchain/isa/att-formatter';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import type { ElfFile } from '../../toolchain/elf/types';
import type { UnwindImage } from '../../toolchain/dwarf/unwind-types';
import { PAGE_SIZE, type Memory } from '../memory/memory';
import type { DisassembledLine } from './types';
import { PF_X, PT_LOAD, SHF_EXECINSTR } from '../../toolchain/elf/sections';

/** Most instructions one request returns (VS Code asks for a few hundred at most). */
export const MAX_DISASSEMBLE_COUNT = 4096;
/** Farthest back a known boundary is decoded from; past it, decoding starts where it resynchronizes. */
const MAX_SPAN = 1 << 16;

/** Known instruction starts, sorted; looked up for the greatest one below an address. Also the ranges known to be data. */
export class CodeBoundaries {
  private sorted: number[] = [];
  private pending: number[] = [];
  /** Disjoint [from, to) ranges of data, sorted by start. */
  private data: Array<readonly [number, number]> = [];

  /** Adds ranges [from, to) that hold data, not instructions (overlapping ones merge). */
  addData(ranges: Iterable<readonly [number, number]>): void {
    const all = [...this.data, ...ranges].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
    const merged: Array<[number, number]> = [];
    for (const [a, b] of all) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    this.data = merged;
  }

  /** The index of the last data range starting at or below `address`, or -1. */
  private dataIndex(address: number): number {
    let lo = 0;
    let hi = this.data.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.data[mid]![0] <= address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return best;
  }

  /** The data range holding `address`, if any. */
  dataAt(address: number): readonly [number, number] | undefined {
    const r = this.data[this.dataIndex(address)];
    return r && address < r[1] ? r : undefined;
  }

  /** Where the first data range above `address` starts (2^32 when none): code before it ends there. */
  dataAfter(address: number): number {
    return this.data[this.dataIndex(address) + 1]?.[0] ?? 0x1_0000_0000;
  }

  /** Where the last data range ending at or below `address` ends (0 when none): code after it starts there. */
  dataEndBelow(address: number): number {
    const k = this.dataIndex(address);
    const r = this.data[k];
    if (!r) return 0;
    if (r[1] <= address) return r[1];
    return this.data[k - 1]?.[1] ?? 0;
  }

  /** Adds instruction starts (symbols, FDE starts, line-table rows). */
  add(addresses: Iterable<number>): void {
    for (const a of addresses) this.pending.push(a >>> 0);
  }

  /** The greatest known boundary strictly below `address` and not below `floor`. */
  below(address: number, floor: number): number | undefined {
    if (this.pending.length) {
      this.sorted = [...new Set([...this.sorted, ...this.pending])].sort((a, b) => a - b);
      this.pending = [];
    }
    const s = this.sorted;
    let lo = 0;
    let hi = s.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! < address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return best >= 0 && s[best]! >= floor ? s[best] : undefined;
  }
}

/** An image's known instruction starts at run time: its FDEs' initial locations, its entry point, its code sections' starts. */
export function imageCodeStarts(elf: ElfFile, base: number, image: UnwindImage): number[] {
  const out: number[] = [];
  for (const frames of [image.ehFrame, image.debugFrame]) for (const f of frames?.fdes ?? []) if (f.range > 0) out.push((f.start + base) >>> 0);
  if (elf.header.entry) out.push((elf.header.entry + base) >>> 0);
  for (const s of elf.sections) if (s.flags & SHF_EXECINSTR && s.addr && s.size) out.push((s.addr + base) >>> 0);
  return out;
}

/**
 * An image's data at run time: the parts of its executable PT_LOAD segments that no code
 * section (SHF_EXECINSTR) covers. None for an image without section headers.
 */
export function imageDataRanges(elf: ElfFile, base: number): Array<readonly [number, number]> {
  const code = elf.sections.filter((s) => s.flags & SHF_EXECINSTR && s.addr && s.size).map((s) => [s.addr + base, s.addr + base + s.size] as const).sort((x, y) => x[0] - y[0]);
  if (code.length === 0) return [];
  const out: Array<readonly [number, number]> = [];
  for (const p of elf.programHeaders) {
    if (p.type !== PT_LOAD || !(p.flags & PF_X) || p.memsz === 0) continue;
    const end = Math.min(p.vaddr + base + p.memsz, 0x1_0000_0000);
    let at = p.vaddr + base;
    for (const [from, to] of code) {
      if (to <= at || from >= end) continue;
      if (from > at) out.push([at, from]);
      at = Math.max(at, to);
    }
    if (at < end) out.push([at, end]);
  }
  return out;
}

/** One data byte's line. */
function dataLine(address: number, byte: number, symbols: DisassemblySymbols): DisassembledLine {
  return { address: address >>> 0, bytes: byte.toString(16).padStart(2, '0'), text: `.byte 0x${byte.toString(16)}`, symbol: symbols.startAt(address >>> 0), unreadable: false };
}

/** What disassembly needs of the debugger's symbols. */
export interface DisassemblySymbols {
  /** objdump's naming of branch targets. */
  symbolize(address: number): string | undefined;
  /** The symbol that starts exactly at the address (no `.L` labels), if any. */
  startAt(address: number): string | undefined;
}

function hexBytes(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += (k > from ? ' ' : '') + bytes[k]!.toString(16).padStart(2, '0');
  return s;
}

function readable(memory: Memory, address: number): boolean {
  return memory.read(address >>> 0, 1) instanceof Uint8Array;
}

function unreadableLine(address: number, symbols: DisassemblySymbols): DisassembledLine {
  return { address: address >>> 0, bytes: '', text: '??', symbol: symbols.startAt(address >>> 0), unreadable: true };
}

/** The lowest address of the readable run that ends at `end` (exclusive), not below `floor`. */
function readableStart(memory: Memory, end: number, floor: number): number {
  let at = end;
  while (at > floor) {
    const pageStart = Math.max(floor, (at - 1) - ((at - 1) % PAGE_SIZE));
    if (!readable(memory, at - 1)) return at;
    at = pageStart;
  }
  return at;
}

/**
 * Decodes [from, to) linearly and returns the last `keep` lines; an instruction crossing
 * `to` becomes a `(bad)` line of the bytes before `to`.
 */
function decodeRange(bytes: Uint8Array, base: number, from: number, to: number, symbols: DisassemblySymbols, keep: number): DisassembledLine[] {
  const starts: number[] = [];
  for (let at = from; at < to;) {
    starts.push(at);
    at += Math.max(1, decode(bytes, at - base, at >>> 0, bytes.length).length);
  }
  const out: DisassembledLine[] = [];
  for (let k = Math.max(0, starts.length - keep); k < starts.length; k++) {
    const at = starts[k]!;
    const i = at - base;
    const insn = decode(bytes, i, at >>> 0, bytes.length);
    let length = Math.max(1, insn.length);
    let text: string;
    if (at + length > to || insn.status === DecodeStatus.Truncated) {
      length = to - at;
      text = '(bad)';
    } else text = formatAtt(insn, { symbolize: (a) => symbols.symbolize(a) });
    out.push({ address: at >>> 0, bytes: hexBytes(bytes, i, i + length), text, symbol: symbols.startAt(at >>> 0), unreadable: false });
  }
  return out;
}

/** Decodes from `start` and reports whether an instruction starts exactly at `target`. */
function landsOn(bytes: Uint8Array, base: number, start: number, target: number): boolean {
  let at = start;
  while (at < target) at += Math.max(1, decode(bytes, at - base, at >>> 0, bytes.length).length);
  return at === target;
}

/**
 * Up to `need` instructions that end exactly at `end`, in address order (fewer only at
 * address 0). Walks back one known boundary at a time.
 */
function instructionsBefore(memory: Memory, boundaries: CodeBoundaries, symbols: DisassemblySymbols, end: number, need: number): DisassembledLine[] {
  const chunks: DisassembledLine[][] = [];
  let have = 0;
  while (have < need && end > 0) {
    if (!readable(memory, end - 1)) {
      chunks.push([unreadableLine(end - 1, symbols)]);
      have++;
      end--;
      continue;
    }
    const data = boundaries.dataAt(end - 1);
    if (data) {
      const from = readableStart(memory, end, Math.max(data[0], end - (need - have)));
      const bytes = readRun(memory, from, end);
      const lines: DisassembledLine[] = [];
      for (let at = from; at < end; at++) lines.push(dataLine(at, bytes[at - from]!, symbols));
      chunks.push(lines);
      have += lines.length;
      end = from;
      continue;
    }
    // Code starts no lower than where the data before it ends.
    const codeFloor = boundaries.dataEndBelow(end);
    const floor = Math.max(0, end - MAX_SPAN, codeFloor);
    const runStart = readableStart(memory, end, floor);
    const known = boundaries.below(end, runStart);
    let start: number;
    const tail = Math.min(end + MAX_INSTRUCTION_LENGTH, boundaries.dataAfter(end - 1), 0x1_0000_0000);
    if (known !== undefined) start = known;
    else if (runStart > floor || runStart === 0 || runStart === codeFloor) start = runStart;
    else {
      // No known boundary within reach: start far enough back that decoding resynchronizes.
      const back = Math.max(runStart, end - Math.min(MAX_SPAN, (need - have) * MAX_INSTRUCTION_LENGTH + 256));
      const bytes = readRun(memory, back, tail);
      start = back;
      for (let s = back; s < back + MAX_INSTRUCTION_LENGTH && s < end; s++) {
        if (landsOn(bytes, back, s, end)) { start = s; break; }
      }
      chunks.push(decodeRange(bytes, back, start, end, symbols, need - have));
      have += chunks[chunks.length - 1]!.length;
      end = start;
      continue;
    }
    const bytes = readRun(memory, start, tail);
    const lines = decodeRange(bytes, start, start, end, symbols, need - have);
    chunks.push(lines);
    have += lines.length;
    end = start;
  }
  const all: DisassembledLine[] = [];
  for (let k = chunks.length - 1; k >= 0; k--) all.push(...chunks[k]!);
  return all.slice(Math.max(0, all.length - need));
}

/** The readable bytes of [from, to) (fewer where reading stops). */
function readRun(memory: Memory, from: number, to: number): Uint8Array {
  const whole = memory.read(from >>> 0, to - from);
  if (whole instanceof Uint8Array) return whole;
  let end = from;
  while (end < to && readable(memory, end)) end = Math.min(to, end - (end % PAGE_SIZE) + PAGE_SIZE);
  const part = memory.read(from >>> 0, end - from);
  return part instanceof Uint8Array ? part : new Uint8Array(0);
}

/** `count` instructions from `start` forward, fewer where the next would start at or after `end`. */
function instructionsFrom(memory: Memory, boundaries: CodeBoundaries, symbols: DisassemblySymbols, start: number, count: number, end = 0x1_0000_0000): DisassembledLine[] {
  const out: DisassembledLine[] = [];
  let at = start >>> 0;
  const chunk = 4096;
  let bytes: Uint8Array = new Uint8Array(0);
  let base = at;
  while (out.length < count && at < end && at <= 0xffffffff) {
    if (at - base + MAX_INSTRUCTION_LENGTH > bytes.length) {
      base = at;
      bytes = readRun(memory, at, Math.min(at + chunk, end + MAX_INSTRUCTION_LENGTH, 0x1_0000_0000));
    }
    if (bytes.length === 0 || at - base >= bytes.length) {
      out.push(unreadableLine(at, symbols));
      at++;
      bytes = new Uint8Array(0);
      continue;
    }
    const i = at - base;
    if (boundaries.dataAt(at)) {
      out.push(dataLine(at, bytes[i]!, symbols));
      at++;
      continue;
    }
    // An instruction ends where data begins: one that would run into it is (bad).
    const stop = Math.min(bytes.length, boundaries.dataAfter(at) - base);
    const insn = decode(bytes, i, at >>> 0, stop);
    const length = Math.max(1, Math.min(insn.length, stop - i));
    const text = insn.status === DecodeStatus.Truncated ? '(bad)' : formatAtt(insn, { symbolize: (a) => symbols.symbolize(a) });
    out.push({ address: at >>> 0, bytes: hexBytes(bytes, i, i + length), text, symbol: symbols.startAt(at >>> 0), unreadable: false });
    at += length;
  }
  return out;
}

/**
 * The instructions that start in [from, to), at most `count` (and MAX_DISASSEMBLE_COUNT): the
 * last may run past `to`, as `disassembleAt(memory, …, from, 0, count)` would show it.
 */
export function disassembleRange(memory: Memory, boundaries: CodeBoundaries, symbols: DisassemblySymbols, from: number, to: number, count: number): DisassembledLine[] {
  const n = Math.max(0, Math.min(Math.trunc(count) || 0, MAX_DISASSEMBLE_COUNT));
  return instructionsFrom(memory, boundaries, symbols, from >>> 0, n, to);
}

/**
 * Exactly `count` instructions (at most MAX_DISASSEMBLE_COUNT) starting `instructionOffset`
 * instructions from `address`; negative offsets are decoded from a known boundary before.
 * `extraBoundaries` are instruction starts known only now (the stopped pc, the frames' pcs).
 */
export function disassembleAt(
  memory: Memory, boundaries: CodeBoundaries, symbols: DisassemblySymbols,
  address: number, instructionOffset: number, count: number,
): DisassembledLine[] {
  const n = Math.max(0, Math.min(Math.trunc(count) || 0, MAX_DISASSEMBLE_COUNT));
  if (n === 0) return [];
  const offset = Math.max(-MAX_DISASSEMBLE_COUNT * 4, Math.min(Math.trunc(instructionOffset) || 0, MAX_DISASSEMBLE_COUNT * 4));
  address >>>= 0;
  if (offset >= 0) {
    const all = instructionsFrom(memory, boundaries, symbols, address, offset + n);
    return all.slice(offset);
  }
  const before = instructionsBefore(memory, boundaries, symbols, address, -offset);
  // At address 0 there is nothing before: the window starts later, still `n` lines long.
  const out = before.slice(0, n);
  if (out.length < n) out.push(...instructionsFrom(memory, boundaries, symbols, address, n - out.length));
  return out;
}

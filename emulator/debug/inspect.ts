// Owns reading a stopped process for the debugger: the registers, the stack as the CFI
// unwinder finds it (each frame's pc, symbol+offset, CFA, the CFI row and the recovered
// registers; the unwinder's stop reason as one label frame), memory reads that stop at the
// first unreadable byte, and disassembly around an address in objdump's AT&T text.
import { decode, MAX_INSTRUCTION_LENGTH } from '../../toolchain/isa/decoder';
import { formatAtt } from '../../toolchain/isa/att-formatter';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { describeStop, unwind } from '../../toolchain/dwarf/unwind';
import type { MemoryReader, UnwindImage } from '../../toolchain/dwarf/unwind-types';
import type { Memory } from '../memory/memory';
import type { CpuState } from '../x86/state';
import { formatRow } from '../check/step-trace';
import type { SymbolIndex } from './symbols';
import type { DisassembledLine, NamedValue, RuntimeFrame } from './types';

export const GPR_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
/** DWARF i386 register numbers 0..9. */
const DWARF_NAMES = [...GPR_NAMES, 'eip', 'eflags'] as const;
const SEGMENT_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
/** The farthest back a symbol start is used as the anchor for disassembling backwards. */
const MAX_ANCHOR_DISTANCE = 0x4000;

/** The CPU's registers as the debugger shows them: eax..edi, eip, eflags, then the segment selectors. */
export function cpuRegisters(s: CpuState): NamedValue[] {
  const out: NamedValue[] = GPR_NAMES.map((name, i) => ({ name, value: s.r[i]! >>> 0 }));
  out.push({ name: 'eip', value: s.eip >>> 0 }, { name: 'eflags', value: s.eflags >>> 0 });
  SEGMENT_NAMES.forEach((name, i) => out.push({ name, value: s.seg[i]! }));
  return out;
}

/** Up to `length` bytes at `address`, stopping at the first unreadable one. */
export function readUpTo(memory: Memory, address: number, length: number): Uint8Array {
  const whole = memory.read(address >>> 0, length);
  if (whole instanceof Uint8Array) return whole;
  const out: number[] = [];
  for (let k = 0; k < length; k++) {
    const b = memory.read((address + k) >>> 0, 1);
    if (!(b instanceof Uint8Array)) break;
    out.push(b[0]!);
  }
  return Uint8Array.from(out);
}

export function memoryReader(memory: Memory): MemoryReader {
  return {
    readMemory(address: number, size: number): number | undefined {
      const b = memory.read(address >>> 0, size);
      if (!(b instanceof Uint8Array)) return undefined;
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = v * 256 + b[k]!;
      return v >>> 0;
    },
  };
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

/** The stack of the stopped CPU as the CFI unwinder walks it, ending with a label frame saying why it stopped. */
export function stackFrames(state: CpuState, memory: Memory, images: readonly UnwindImage[], symbols: SymbolIndex, maxFrames = 64): RuntimeFrame[] {
  const regs = [...Array.from(state.r, (v) => v >>> 0), state.eip >>> 0, state.eflags >>> 0];
  const result = unwind(images, regs, memoryReader(memory), { maxFrames });
  const frames: RuntimeFrame[] = result.frames.map((f) => ({
    kind: 'frame',
    level: f.level,
    pc: f.pc,
    symbol: symbols.symbolize(f.pc) ?? hex(f.pc),
    image: symbols.imageAt(f.pc),
    cfa: f.cfa,
    row: f.cfi ? formatRow(f.cfi.row) : f.sigtramp ? `${f.sigtramp.kind} frame: sigcontext at ${hex(f.sigtramp.sigcontext)}` : undefined,
    registers: DWARF_NAMES.map((name, i) => ({ name, value: f.registers[i], origin: f.origins[i] ?? 'unspecified' })),
    signalFrame: f.signalFrame,
  }));
  frames.push({ kind: 'label', level: frames.length, text: `unwinding stopped: ${describeStop(result.stop)}` });
  return frames;
}

function hexBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Decodes one instruction at `address` (an unreadable line when no byte can be read). */
export function lineAt(memory: Memory, address: number, symbols: SymbolIndex): DisassembledLine {
  const bytes = readUpTo(memory, address, MAX_INSTRUCTION_LENGTH);
  if (bytes.length === 0) return { address: address >>> 0, bytes: '', text: '??', symbol: symbols.symbolize(address), unreadable: true };
  const insn = decode(bytes, 0, address >>> 0);
  const length = Math.max(1, Math.min(insn.length, bytes.length));
  const text = insn.status === DecodeStatus.Truncated ? '(bad)' : formatAtt(insn, { symbolize: (a) => symbols.symbolize(a) });
  return { address: address >>> 0, bytes: hexBytes(bytes.subarray(0, length)), text, symbol: symbols.symbolize(address), unreadable: false };
}

function lengthOf(line: DisassembledLine): number {
  return line.unreadable ? 1 : line.bytes.split(' ').length;
}

/**
 * `count` instructions starting `instructionOffset` instructions from `address` (negative:
 * before it). Backwards, decoding starts at the covering symbol's start when it is near,
 * else a few bytes back; where nothing decodes into place, unreadable filler lines stand in.
 */
export function disassemble(memory: Memory, symbols: SymbolIndex, address: number, instructionOffset: number, count: number): DisassembledLine[] {
  const n = Math.max(0, Math.min(count, 4096));
  let start = address >>> 0;
  const before: DisassembledLine[] = [];
  if (instructionOffset < 0) {
    const back = Math.min(-instructionOffset, 4096);
    const named = symbols.symbolize(address);
    const m = named ? /\+0x([0-9a-f]+)$/.exec(named) : null;
    const distance = named && !m ? 0 : m ? parseInt(m[1]!, 16) : Infinity;
    let anchor = distance <= MAX_ANCHOR_DISTANCE ? address - distance : address - back * MAX_INSTRUCTION_LENGTH;
    anchor = Math.max(0, anchor);
    const seen: DisassembledLine[] = [];
    for (let at = anchor, guard = 0; at < address && guard < MAX_ANCHOR_DISTANCE; guard++) {
      const line = lineAt(memory, at, symbols);
      seen.push(line);
      at += lengthOf(line);
    }
    before.push(...seen.filter((l) => l.address < address).slice(-back));
    while (before.length < back) {
      const at = (before.length ? before[0]!.address : address) - 1;
      before.unshift({ address: at >>> 0, bytes: '', text: '??', symbol: undefined, unreadable: true });
    }
    start = before.length ? before[0]!.address : address;
    if (before.length >= n) return before.slice(0, n);
  } else {
    for (let k = 0; k < instructionOffset && k < 4096; k++) start += lengthOf(lineAt(memory, start, symbols));
  }
  const out = instructionOffset < 0 ? before : [];
  let at = instructionOffset < 0 ? address : start;
  while (out.length < n) {
    const line = lineAt(memory, at, symbols);
    out.push(line);
    at = (at + lengthOf(line)) >>> 0;
  }
  return out;
}

// Owns reading a stopped process for the debugger: the registers, the stack as the CFI
// unwinder finds it (each frame's pc, symbol+offset, CFA, the CFI row and the recovered
// registers; the unwinder's stop reason as one label frame), memory reads that stop at the
// first unreadable byte.
import { describeStop, unwind } from '../../toolchain/dwarf/unwind';
import type { MemoryReader, UnwindImage } from '../../toolchain/dwarf/unwind-types';
import type { Memory } from '../memory/memory';
import type { CpuState } from '../x86/state';
import { formatRow } from '../check/step-trace';
import { frameName } from './frame-names';
import type { SymbolIndex } from './symbols';
import type { NamedValue, RuntimeFrame } from './types';

export const GPR_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
/** DWARF i386 register numbers 0..9. */
const DWARF_NAMES = [...GPR_NAMES, 'eip', 'eflags'] as const;
const SEGMENT_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

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
    symbol: frameName(f, symbols),
    image: symbols.imageAt(f.pc),
    cfa: f.cfa,
    row: f.cfi ? formatRow(f.cfi.row) : f.sigtramp ? `${f.sigtramp.kind} frame: sigcontext at ${hex(f.sigtramp.sigcontext)}` : undefined,
    registers: DWARF_NAMES.map((name, i) => ({ name, value: f.registers[i], origin: f.origins[i] ?? 'unspecified' })),
    signalFrame: f.signalFrame,
  }));
  frames.push({ kind: 'label', level: frames.length, text: `unwinding stopped: ${describeStop(result.stop)}` });
  return frames;
}

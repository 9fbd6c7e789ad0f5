// Owns how a stack frame is named, as gdb names it: the nearest function symbol (global or
// local FUNC, never a `.L` label) found at the frame's lookup pc (pc - 1 for a caller, so a
// call at the end of a function is not named after the next one), shown with the offset of
// the real pc; a frame of the sigreturn trampoline is `<signal handler called>`.
import type { UnwindFrame } from '../../toolchain/dwarf/unwind-types';
import type { SymbolIndex } from './symbols';

export const SIGNAL_FRAME_NAME = '<signal handler called>';

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);

export function frameName(f: UnwindFrame, symbols: SymbolIndex): string {
  if (f.signalFrame) return SIGNAL_FRAME_NAME;
  const fn = symbols.functionAt(f.lookupPc);
  if (fn) return f.pc === fn.start ? fn.name : `${fn.name}+${hex(f.pc - fn.start)}`;
  return symbols.symbolize(f.pc) ?? hex(f.pc);
}

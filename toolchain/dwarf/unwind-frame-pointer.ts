// Owns the frame-pointer guess, used only when the caller asks: the caller of a frame whose
// ebp holds a standard `push %ebp; mov %esp,%ebp` frame has eip = [ebp + 4], ebp = [ebp]
// and esp = ebp + 8 (also taken as the CFA). Nothing says where other registers were
// saved, so they are left unknown; frames found this way are marked guessed.
import { UNWIND_REGISTER_COUNT, type MemoryReader, type RegisterOrigin, type RegisterValues } from './unwind-types';

const ESP = 4;
const EBP = 5;
const EIP = 8;

export type FramePointerStep =
  | { readonly ok: true; readonly cfa: number; readonly caller: RegisterValues; readonly origins: readonly RegisterOrigin[] }
  | { readonly ok: false; readonly reason: 'no-frame-pointer' }
  | { readonly ok: false; readonly reason: 'unreadable'; readonly address: number };

export function framePointerStep(regs: RegisterValues, memory: MemoryReader): FramePointerStep {
  const ebp = regs[EBP];
  const esp = regs[ESP];
  // A frame pointer below the stack pointer, or null, is not a frame.
  if (ebp === undefined || ebp === 0 || (esp !== undefined && ebp < esp)) return { ok: false, reason: 'no-frame-pointer' };
  const savedEbp = memory.readMemory(ebp, 4);
  if (savedEbp === undefined) return { ok: false, reason: 'unreadable', address: ebp };
  const ra = memory.readMemory((ebp + 4) >>> 0, 4);
  if (ra === undefined) return { ok: false, reason: 'unreadable', address: (ebp + 4) >>> 0 };
  const caller: (number | undefined)[] = new Array(UNWIND_REGISTER_COUNT).fill(undefined);
  const origins: RegisterOrigin[] = new Array(UNWIND_REGISTER_COUNT).fill('undefined');
  const cfa = (ebp + 8) >>> 0;
  caller[ESP] = cfa;
  caller[EBP] = savedEbp >>> 0;
  caller[EIP] = ra >>> 0;
  origins[ESP] = origins[EBP] = origins[EIP] = 'frame-pointer';
  return { ok: true, cfa, caller, origins };
}

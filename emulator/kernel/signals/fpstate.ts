// Owns the x87 state in i386 signal frames as Linux writes and reads it for a CPU with FXSR
// and no XSAVE (fpu__alloc_mathframe, copy_fpstate_to_sigframe, __fpu_restore_sig): above
// the frame, a 64-byte aligned fxsave image, with struct _fpstate_32's fsave-format part (the
// 28-byte environment with the reserved halves set, the eight registers in ST order, the
// status word and magic 0 = "fxsave image follows") just below it; sigcontext.fpstate points
// at that part. sigreturn restores from it (the fsave part wins over the fxsave one, mxcsr
// comes from the fxsave one); a null fpstate resets the FPU.
import type { FpuState } from '../../x86/fpu/state';

/** sizeof(struct fregs_state): the fsave-format part before the fxsave image. */
export const FREGS_SIZE = 112;
export const FXSAVE_SIZE = 512;
/** X86_FXSR_MAGIC in _fpstate_32.magic: an fxsave image follows. */
const FXSR_MAGIC = 0x0000;

export interface MathFrame {
  /** Address of the fsave-format part (sigcontext.fpstate); the frame goes below it. */
  readonly address: number;
  readonly bytes: Uint8Array;
}

/** The math frame for a stack pointer `sp` (before the signal frame is placed below it). */
export function buildMathFrame(fpu: FpuState, sp: number): MathFrame {
  const bufFx = ((sp - FXSAVE_SIZE) >>> 0) & ~63;
  const address = (bufFx - FREGS_SIZE) >>> 0;
  const bytes = new Uint8Array(FREGS_SIZE + FXSAVE_SIZE);
  bytes.set(fpu.saveArea(4), 0);
  const status = fpu.status;
  bytes[108] = status & 0xff;
  bytes[109] = status >> 8;
  bytes[110] = FXSR_MAGIC & 0xff;
  bytes[111] = FXSR_MAGIC >> 8;
  bytes.set(fpu.fxsaveArea(), FREGS_SIZE);
  return { address, bytes };
}

/** The bytes sigreturn reads at sigcontext.fpstate. */
export const MATH_FRAME_SIZE = FREGS_SIZE + FXSAVE_SIZE;

/** Restores the FPU from a math frame read back from user memory (convert_to_fxsr). */
export function restoreMathFrame(fpu: FpuState, bytes: Uint8Array): void {
  const fx = bytes.subarray(FREGS_SIZE);
  const mxcsr = (fx[24]! | (fx[25]! << 8) | (fx[26]! << 16) | (fx[27]! << 24)) >>> 0;
  fpu.loadSaveArea(bytes.subarray(0, 108), 4);
  // Reserved mxcsr bits are dropped (the kernel masks with mxcsr_feature_mask).
  fpu.mxcsr = mxcsr & 0xffff;
}

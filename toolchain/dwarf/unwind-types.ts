// Owns the shapes the CFI unwinder takes and gives: the images of a stopped process with
// their frame tables, the memory reader, the frames (pc, CFA, recovered registers, where
// each register came from, the image/FDE/row used) and the reason the walk stopped.
import type { EhFrameHdr } from './eh-frame-hdr';
import type { Fde, FrameSection, Row, RowTable } from './types';

/** The registers a frame carries: the i386 DWARF numbers 0-9 (eax ecx edx ebx esp ebp esi edi eip eflags). */
export const UNWIND_REGISTER_COUNT = 10;

/** Values by DWARF register number (0..9); undefined: not known in this frame. */
export type RegisterValues = readonly (number | undefined)[];

/** Where one register's value in a frame came from. */
export type RegisterOrigin =
  /** Frame 0: as the caller of unwind() gave it. */
  | 'given'
  /** No rule in the CFI row: the value the callee had (gdb's treatment of an unspecified register). */
  | 'unspecified'
  /** esp with no rule: the CFA (the stack pointer before the call). */
  | 'cfa'
  /** The CFI row's rule of this kind. */
  | 'same_value' | 'undefined' | 'offset' | 'val_offset' | 'register' | 'expression' | 'val_expression'
  /** Read from a sigcontext found by recognizing the sigreturn code (no CFI there). */
  | 'sigcontext'
  /** Guessed by the frame-pointer walk. */
  | 'frame-pointer';

/** Reads guest memory; undefined when the range is not readable. */
export interface MemoryReader {
  /** `size` (1, 2 or 4) bytes little-endian at `address`. */
  readMemory(address: number, size: number): number | undefined;
}

/** One loaded image (the program, the vDSO...) and its frame tables, addresses as linked. */
export interface UnwindImage {
  /** Shown in frames ("vdso", the program's path). */
  readonly name: string;
  /** Load bias: run-time address = link-time address + base (0 for ET_EXEC). */
  readonly base: number;
  readonly ehFrame: FrameSection | undefined;
  /** When present, FDEs in .eh_frame are found through its search table. */
  readonly ehFrameHdr: EhFrameHdr | undefined;
  /** Searched when .eh_frame has no FDE for the pc. */
  readonly debugFrame: FrameSection | undefined;
}

/** The CFI that unwound a frame: which image, section, FDE and row. */
export interface FrameCfi {
  readonly image: UnwindImage;
  readonly section: 'eh_frame' | 'debug_frame';
  readonly fde: Fde;
  readonly table: RowTable;
  readonly row: Row;
  /** The link-time address looked up (pc or pc - 1, minus the image's base). */
  readonly lookupAddress: number;
}

/** A frame recognized by the Linux i386 sigreturn code at its pc, with no CFI there. */
export interface FrameSigtramp {
  readonly kind: 'sigreturn' | 'rt_sigreturn';
  /** Address of the struct sigcontext the registers were read from. */
  readonly sigcontext: number;
}

export interface UnwindFrame {
  /** 0 for the innermost frame. */
  readonly level: number;
  readonly pc: number;
  /** The run-time address whose CFI was used: pc for frame 0 and after a signal frame, else pc - 1. */
  readonly lookupPc: number;
  /** This frame's CFA (undefined when nothing describes this frame). */
  readonly cfa: number | undefined;
  /** This frame's registers, indexed by DWARF number 0..9. */
  readonly registers: RegisterValues;
  readonly origins: readonly RegisterOrigin[];
  /** The CFI row that describes this frame (its CFA and its caller's registers), if any. */
  readonly cfi: FrameCfi | undefined;
  readonly sigtramp: FrameSigtramp | undefined;
  /** True for a signal frame (its CIE has the 'S' augmentation, or a recognized sigreturn). */
  readonly signalFrame: boolean;
  /**
   * True when this frame's registers come from the frame-pointer (ebp chain) walk, directly
   * or through a guessed callee: its pc and registers may be wrong.
   */
  readonly guessed: boolean;
}

/** Why the walk ended after the last frame. */
export type UnwindStop =
  | { readonly kind: 'no-cfi'; readonly pc: number; readonly lookupPc: number }
  /** The return-address rule is "undefined": the outermost frame (glibc's _start). */
  | { readonly kind: 'outermost' }
  | { readonly kind: 'return-address-zero' }
  | { readonly kind: 'cfa-not-increasing'; readonly cfa: number; readonly callerCfa: number }
  | { readonly kind: 'unreadable-memory'; readonly address: number; readonly size: number; readonly what: string }
  | { readonly kind: 'unknown-register'; readonly reg: number; readonly what: string }
  | { readonly kind: 'bad-expression'; readonly detail: string; readonly what: string }
  /** The FDE covering the pc could not be read (its instructions are decoded when first stepped through). */
  | { readonly kind: 'bad-cfi'; readonly pc: number; readonly detail: string }
  | { readonly kind: 'depth-limit'; readonly limit: number };

export interface UnwindResult {
  readonly frames: readonly UnwindFrame[];
  readonly stop: UnwindStop;
}

export interface UnwindOptions {
  /** Frames at most (default 256). */
  readonly maxFrames?: number;
  /**
   * 'never' (default): CFI only. 'fallback': where no CFI covers a pc, walk the ebp chain
   * (frames marked guessed). 'only': ebp chain for every frame.
   */
  readonly framePointer?: 'never' | 'fallback' | 'only';
  /** Recognize Linux i386 sigreturn code where no CFI covers a pc (default true), as gdb does. */
  readonly sigtramps?: boolean;
}

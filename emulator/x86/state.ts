// Owns the architectural state of one guest thread: general registers, eip, EFLAGS (the six
// status flags lazily, as a record; the other bits directly), segment selectors with the
// fs/gs bases, the instruction count, and the CPU model and kernel mode that gate sysenter,
// syscall and cpuid. The kernel model reads and writes registers only through this.
import { AF, CF, DF, IF, OF, PF, SF, STATUS_FLAGS, TF, ZF } from '../../toolchain/isa/ops';
import { computeFlags, FK } from './flags';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';
import { FpuState } from './fpu/state';

export const NT = 0x4000;
export const RF = 0x10000;
export const AC = 0x40000;
export const ID = 0x200000;
/** EFLAGS bits popf may change at CPL 3 with IOPL 0 (IF and IOPL are silently kept). */
export const USER_WRITABLE_FLAGS = STATUS_FLAGS | TF | DF | NT | AC | ID;

export { AF, CF, DF, IF, OF, PF, SF, TF, ZF };

/** Segment register indices (modrm Sw order). */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

const NATIVE32_USER: { readonly code: number; readonly data: number } = Object.freeze({ code: 0x73, data: 0x7b });
const COMPAT64_USER: { readonly code: number; readonly data: number } = Object.freeze({ code: 0x23, data: 0x2b });

/** User selectors: i386 kernel (GDT 14/15) and x86-64 kernel compat (GDT 4/5); shared, never written (every system call's exit reads them). */
export function userSelectors(kernel: KernelKind): { readonly code: number; readonly data: number } {
  return kernel === 'native32' ? NATIVE32_USER : COMPAT64_USER;
}

export class CpuState {
  /** eax ecx edx ebx esp ebp esi edi, as int32. */
  readonly r = new Int32Array(8);
  /**
   * eip as an int32 (an address at or above 2^31 is negative): compiled blocks and the run loop
   * use it, so that V8 keeps the field a small integer instead of a heap number converted at each
   * dispatch (docs/speed-and-exactness.md); everything else reads and writes `eip`.
   */
  pc = 0;
  /** Lazy status flags: kind/width, operands, result, extra (see flags.ts). */
  fop = 0;
  fa = 0;
  fb = 0;
  fr = 0;
  fc = 0;
  /** EFLAGS except the six status bits (bit 1 always set). */
  flagsOther = 0x202;
  /** Selectors es cs ss ds fs gs. */
  readonly seg = new Uint16Array(6);
  fsBase = 0;
  gsBase = 0;
  /** Instructions retired since the CPU was created (rdtsc reads it). */
  icount = 0;
  /** Set for one instruction after mov/pop to ss: no #DB single-step trap after it. */
  inhibitTrap = false;
  /** The x87 FPU. */
  fpu = new FpuState();
  /** IA32_TSC_AUX, which rdtscp returns in ecx: Linux keeps (node << 12) | cpu there (CPU 0 here). */
  tscAux = 0;
  /** UMIP (CR4.UMIP as the kernel sets it where the CPU has it): SGDT/SIDT/SLDT/STR/SMSW trap at CPL 3. */
  umip = true;

  constructor(
    readonly model: CpuModel = 'intel',
    readonly kernel: KernelKind = 'compat64',
  ) {
    const sel = userSelectors(kernel);
    this.seg[CS] = sel.code;
    this.seg[DS] = this.seg[ES] = this.seg[SS] = sel.data;
  }

  /**
   * Takes every register of `other` (a fork's or a new thread's CPU starts as its parent's):
   * field by field, nested state (the FPU) included, so that state added later is copied too.
   */
  copyFrom(other: CpuState): void {
    copyFields(this as unknown as Record<string, unknown>, other as unknown as Record<string, unknown>, new Set(['model', 'kernel']));
  }

  /** The address of the next instruction (unsigned). */
  get eip(): number {
    return this.pc >>> 0;
  }

  set eip(v: number) {
    this.pc = v | 0;
  }

  /** The six status flags, computed from the lazy record. */
  statusFlags(): number {
    return computeFlags(this.fop, this.fa, this.fb, this.fr, this.fc);
  }

  get eflags(): number {
    return (this.statusFlags() | this.flagsOther | 2) >>> 0;
  }

  /** Sets every EFLAGS bit (the debugger, signal return); the caller applies privilege rules. */
  set eflags(v: number) {
    this.fop = FK.Explicit << 2;
    this.fa = v & STATUS_FLAGS;
    this.flagsOther = ((v & ~STATUS_FLAGS) | 2) >>> 0;
  }

  /** popf at CPL 3 with IOPL 0: only USER_WRITABLE_FLAGS change (16 bits for popfw). */
  popFlags(v: number, width: 2 | 4): void {
    const mask = width === 2 ? USER_WRITABLE_FLAGS & 0xffff : USER_WRITABLE_FLAGS;
    this.eflags = ((this.eflags & ~mask) | (v & mask)) >>> 0;
  }
}

/**
 * Copies `from`'s own fields into `to`: typed arrays and arrays element by element in `to`'s
 * own (the elements are immutable values), objects field by field (keeping `to`'s own object
 * and its class), anything else by assignment.
 */
function copyFields(to: Record<string, unknown>, from: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): void {
  for (const [key, value] of Object.entries(from)) {
    if (skip.has(key)) continue;
    const mine = to[key];
    if (ArrayBuffer.isView(mine) && ArrayBuffer.isView(value)) (mine as Uint8Array).set(value as Uint8Array);
    else if (Array.isArray(value) && Array.isArray(mine)) mine.splice(0, mine.length, ...(value as unknown[]));
    else if (Array.isArray(value)) to[key] = [...(value as unknown[])];
    else if (typeof value === 'object' && value !== null && typeof mine === 'object' && mine !== null) copyFields(mine as Record<string, unknown>, value as Record<string, unknown>);
    else to[key] = value;
  }
}

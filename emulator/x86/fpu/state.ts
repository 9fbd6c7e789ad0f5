// Owns the architectural state of the x87 FPU of one guest thread (eight physical data
// registers, TOP, the control, status and tag words, the last instruction and data
// pointers and opcode) and its memory images, byte for byte: the protected-mode 32-bit and
// 16-bit environments (fnstenv/fldenv), the save area (fnsave/frstor: environment then
// ST(0)..ST(7)), and the 512-byte fxsave area. The signal frame's fpstate is built from these.
import { Class, classify, fromBytes, toBytes, type F80, ZERO } from './float80';

/** Status-word bits. */
export const SW_ES = 0x80;
export const SW_C0 = 0x100;
export const SW_C1 = 0x200;
export const SW_C2 = 0x400;
export const SW_C3 = 0x4000;
export const SW_B = 0x8000;
export const SW_CC = SW_C0 | SW_C1 | SW_C2 | SW_C3;

/** Tag values of the full tag word. */
export const TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

export const FNINIT_CW = 0x37f;
export const MXCSR_DEFAULT = 0x1f80;

export class FpuState {
  /** Physical registers R0..R7. */
  readonly regs: F80[] = new Array<F80>(8).fill(ZERO);
  /** True for an empty physical register. */
  readonly empty: boolean[] = new Array<boolean>(8).fill(true);
  top = 0;
  cw = FNINIT_CW;
  /** Status word without TOP (bits 11-13 are taken from `top`). */
  sw = 0;
  /** Last non-control instruction: offset, selector, opcode (11 bits); last data operand. */
  fip = 0;
  fcs = 0;
  fop = 0;
  fdp = 0;
  fds = 0;
  mxcsr = MXCSR_DEFAULT;

  init(): void {
    this.cw = FNINIT_CW;
    this.sw = 0;
    this.top = 0;
    this.empty.fill(true);
    this.fip = this.fcs = this.fop = this.fdp = this.fds = 0;
  }

  /** The full status word (TOP in bits 11-13). */
  get status(): number {
    return (this.sw & ~0x3800) | (this.top << 11);
  }

  set status(v: number) {
    this.sw = v & ~0x3800 & 0xffff;
    this.top = (v >> 11) & 7;
  }

  phys(i: number): number {
    return (this.top + i) & 7;
  }

  st(i: number): F80 {
    return this.regs[this.phys(i)]!;
  }

  isEmpty(i: number): boolean {
    return this.empty[this.phys(i)]!;
  }

  setSt(i: number, v: F80): void {
    const p = this.phys(i);
    this.regs[p] = v;
    this.empty[p] = false;
  }

  push(v: F80): void {
    this.top = (this.top - 1) & 7;
    this.regs[this.top] = v;
    this.empty[this.top] = false;
  }

  pop(): void {
    this.empty[this.top] = true;
    this.top = (this.top + 1) & 7;
  }

  /** The tag of a physical register as fnstenv reports it (computed from its contents). */
  tag(p: number): number {
    if (this.empty[p]) return TAG_EMPTY;
    const c = classify(this.regs[p]!);
    if (c === Class.Zero) return TAG_ZERO;
    if (c === Class.Normal) return TAG_VALID;
    return TAG_SPECIAL;
  }

  get tagWord(): number {
    let t = 0;
    for (let p = 0; p < 8; p++) t |= this.tag(p) << (2 * p);
    return t;
  }

  /** Only "empty or not" survives a load of the tag word (the rest is recomputed from the registers). */
  set tagWord(t: number) {
    for (let p = 0; p < 8; p++) this.empty[p] = ((t >> (2 * p)) & 3) === TAG_EMPTY;
  }

  /** The abridged tag byte of fxsave: bit p set when R(p) is not empty. */
  get abridgedTag(): number {
    let t = 0;
    for (let p = 0; p < 8; p++) if (!this.empty[p]) t |= 1 << p;
    return t;
  }

  /** ES and B follow the exception flags that the control word leaves unmasked. */
  updateSummary(): void {
    if (this.sw & ~this.cw & 0x3f) this.sw |= SW_ES | SW_B;
    else this.sw &= ~(SW_ES | SW_B);
  }

  // ---- memory images ----

  /** fnstenv: 28 bytes (32-bit operand size) or 14 (16-bit), protected mode. */
  environment(size: 2 | 4): Uint8Array {
    if (size === 2) {
      const b = new Uint8Array(14);
      const v = new DataView(b.buffer);
      v.setUint16(0, this.cw, true);
      v.setUint16(2, this.status, true);
      v.setUint16(4, this.tagWord, true);
      v.setUint16(6, this.fip & 0xffff, true);
      v.setUint16(8, this.fcs, true);
      v.setUint16(10, this.fdp & 0xffff, true);
      v.setUint16(12, this.fds, true);
      return b;
    }
    const b = new Uint8Array(28);
    const v = new DataView(b.buffer);
    // The reserved upper halves read as ones (as Intel parts and Linux's fpstate write them).
    v.setUint32(0, (0xffff0000 | this.cw) >>> 0, true);
    v.setUint32(4, (0xffff0000 | this.status) >>> 0, true);
    v.setUint32(8, (0xffff0000 | this.tagWord) >>> 0, true);
    v.setUint32(12, this.fip >>> 0, true);
    v.setUint32(16, (this.fcs | ((this.fop & 0x7ff) << 16)) >>> 0, true);
    v.setUint32(20, this.fdp >>> 0, true);
    v.setUint32(24, (0xffff0000 | this.fds) >>> 0, true);
    return b;
  }

  /** fldenv. */
  loadEnvironment(b: Uint8Array, size: 2 | 4): void {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (size === 2) {
      this.cw = v.getUint16(0, true);
      this.status = v.getUint16(2, true);
      this.tagWord = v.getUint16(4, true);
      this.fip = v.getUint16(6, true);
      this.fcs = v.getUint16(8, true);
      this.fdp = v.getUint16(10, true);
      this.fds = v.getUint16(12, true);
    } else {
      this.cw = v.getUint16(0, true);
      this.status = v.getUint16(4, true);
      this.tagWord = v.getUint16(8, true);
      this.fip = v.getUint32(12, true);
      this.fcs = v.getUint16(16, true);
      this.fop = v.getUint16(18, true) & 0x7ff;
      this.fdp = v.getUint32(20, true);
      this.fds = v.getUint16(24, true);
    }
    this.updateSummary();
  }

  /** fnsave: the environment then ST(0)..ST(7), 10 bytes each (108 or 94 bytes). */
  saveArea(size: 2 | 4): Uint8Array {
    const env = this.environment(size);
    const b = new Uint8Array(env.length + 80);
    b.set(env);
    for (let i = 0; i < 8; i++) toBytes(this.st(i), b, env.length + 10 * i);
    return b;
  }

  /** frstor. */
  loadSaveArea(b: Uint8Array, size: 2 | 4): void {
    const n = size === 2 ? 14 : 28;
    this.loadEnvironment(b.subarray(0, n), size);
    for (let i = 0; i < 8; i++) this.regs[this.phys(i)] = fromBytes(b, n + 10 * i);
  }

  /** fxsave: the first 288 bytes of the 512-byte area (legacy x87 part and eight zero xmm registers). */
  fxsaveArea(): Uint8Array {
    const b = new Uint8Array(288);
    const v = new DataView(b.buffer);
    v.setUint16(0, this.cw, true);
    v.setUint16(2, this.status, true);
    b[4] = this.abridgedTag;
    v.setUint16(6, this.fop & 0x7ff, true);
    v.setUint32(8, this.fip >>> 0, true);
    v.setUint16(12, this.fcs, true);
    v.setUint32(16, this.fdp >>> 0, true);
    v.setUint16(20, this.fds, true);
    v.setUint32(24, this.mxcsr >>> 0, true);
    v.setUint32(28, 0xffff, true);
    for (let i = 0; i < 8; i++) toBytes(this.st(i), b, 32 + 16 * i);
    return b;
  }

  /** fxrstor (the caller has checked the mxcsr reserved bits). */
  loadFxsaveArea(b: Uint8Array): void {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.cw = v.getUint16(0, true);
    this.status = v.getUint16(2, true);
    const t = b[4]!;
    for (let p = 0; p < 8; p++) this.empty[p] = ((t >> p) & 1) === 0;
    this.fop = v.getUint16(6, true) & 0x7ff;
    this.fip = v.getUint32(8, true);
    this.fcs = v.getUint16(12, true);
    this.fdp = v.getUint32(16, true);
    this.fds = v.getUint16(20, true);
    this.mxcsr = v.getUint32(24, true);
    for (let i = 0; i < 8; i++) this.regs[this.phys(i)] = fromBytes(b, 32 + 16 * i);
    this.updateSummary();
  }

  /** A copy (fork, the debugger's snapshots). */
  clone(): FpuState {
    const f = new FpuState();
    for (let p = 0; p < 8; p++) { f.regs[p] = this.regs[p]!; f.empty[p] = this.empty[p]!; }
    f.top = this.top; f.cw = this.cw; f.sw = this.sw; f.fip = this.fip; f.fcs = this.fcs; f.fop = this.fop;
    f.fdp = this.fdp; f.fds = this.fds; f.mxcsr = this.mxcsr;
    return f;
  }
}

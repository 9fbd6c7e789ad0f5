// Owns bounded little-endian reading of one DWARF section's bytes: fixed-size integers,
// LEB128, NUL-terminated strings. Every read past the end throws an InputError naming
// the file, the section and the offset; nothing here can loop without consuming input.
import { InputError, hex } from '../errors';

export class ByteReader {
  /** Offset of the next byte, relative to the section start. */
  pos: number;

  /**
   * @param bytes   the section's bytes
   * @param file    the file name for errors
   * @param section the section name for errors (".eh_frame")
   * @param start   first offset to read
   * @param end     offset one past the last readable byte
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly section: string,
    start = 0,
    public end = bytes.length,
  ) {
    this.pos = start;
  }

  /** A reader over [start, end) of the same section, for a nested block. */
  sub(start: number, end: number): ByteReader {
    if (start < 0 || end > this.end || start > end) this.fail(start, `block 0x${start.toString(16)}..0x${end.toString(16)} exceeds its container`);
    return new ByteReader(this.bytes, this.file, this.section, start, end);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(at: number, detail: string): never {
    throw new InputError(this.file, `section ${this.section} offset ${hex(at)}`, detail);
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) this.fail(this.pos, `${what} runs past the end of its block`);
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  s8(what = 'byte'): number {
    return (this.u8(what) << 24) >> 24;
  }

  u16(what = 'value'): number {
    this.need(2, what);
    const b = this.bytes, p = this.pos;
    this.pos += 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  s16(what = 'value'): number {
    return (this.u16(what) << 16) >> 16;
  }

  u32(what = 'value'): number {
    this.need(4, what);
    const b = this.bytes, p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  s32(what = 'value'): number {
    return this.u32(what) | 0;
  }

  u64(what = 'value'): bigint {
    const lo = this.u32(what);
    const hi = this.u32(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  s64(what = 'value'): bigint {
    return BigInt.asIntN(64, this.u64(what));
  }

  /** Unsigned fixed-size integer of 1, 2, 4 or 8 bytes as a bigint. */
  unsigned(size: number, what = 'value'): bigint {
    switch (size) {
      case 1: return BigInt(this.u8(what));
      case 2: return BigInt(this.u16(what));
      case 4: return BigInt(this.u32(what));
      case 8: return this.u64(what);
      default: return this.fail(this.pos, `unsupported ${size}-byte ${what}`);
    }
  }

  signed(size: number, what = 'value'): bigint {
    return BigInt.asIntN(size * 8, this.unsigned(size, what));
  }

  /** ULEB128 as a 64-bit unsigned bigint (bits past 64 are dropped, as readelf does). */
  ulebBig(what = 'ULEB128'): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) this.fail(start, `${what} runs past the end of its block`);
      const byte = this.bytes[this.pos++]!;
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) break;
    }
    return BigInt.asUintN(64, result);
  }

  /** SLEB128 as a 64-bit signed bigint. */
  slebBig(what = 'SLEB128'): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    let byte = 0;
    for (;;) {
      if (this.pos >= this.end) this.fail(start, `${what} runs past the end of its block`);
      byte = this.bytes[this.pos++]!;
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) break;
    }
    if (shift < 64n && (byte & 0x40) !== 0) result |= -(1n << shift);
    return BigInt.asIntN(64, result);
  }

  /** ULEB128 that must fit a safe integer (lengths, register numbers, factors). */
  uleb(what = 'ULEB128'): number {
    const b = this.bytes;
    const p = this.pos;
    // Fast path: one or two bytes.
    if (p < this.end && b[p]! < 0x80) {
      this.pos = p + 1;
      return b[p]!;
    }
    const start = p;
    const v = this.ulebBig(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(start, `${what} ${v} is too large`);
    return Number(v);
  }

  /** SLEB128 that must fit a safe integer. */
  sleb(what = 'SLEB128'): number {
    const b = this.bytes;
    const p = this.pos;
    if (p < this.end && b[p]! < 0x80) {
      this.pos = p + 1;
      const v = b[p]!;
      return v & 0x40 ? v - 0x80 : v;
    }
    const start = p;
    const v = this.slebBig(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(start, `${what} ${v} is too large`);
    return Number(v);
  }

  /** A NUL-terminated string (Latin-1), the NUL consumed. */
  cstring(what = 'string'): string {
    const start = this.pos;
    let i = start;
    while (i < this.end && this.bytes[i] !== 0) i++;
    if (i >= this.end) this.fail(start, `${what} has no terminating NUL`);
    this.pos = i + 1;
    let s = '';
    for (let j = start; j < i; j++) s += String.fromCharCode(this.bytes[j]!);
    return s;
  }

  bytesView(n: number, what = 'block'): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

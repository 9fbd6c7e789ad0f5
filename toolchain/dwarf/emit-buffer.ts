// Owns the growable little-endian byte sink the section emitters (CFI, line table, debug
// info) write into: fixed-size integers, LEB128, strings, patching a length field after
// the fact, padding, and the REL relocations that go with the bytes.
import type { Relocation } from '../asm/module';
import { objectList } from '../object-list';

export { R_386_32, R_386_PC32, R_386_16, R_386_PC16, R_386_8, R_386_PC8 } from '../elf/relocations';

export class EmitBuffer {
  private data = new Uint8Array(256);
  private used = 0;
  readonly relocations = objectList<Relocation>();

  /**
   * @param base offset of this buffer's first byte in its section (non-zero when the
   *             bytes are appended to a section that already has contents)
   */
  constructor(readonly base = 0) {}

  /** Offset in the section of the next byte. */
  get offset(): number {
    return this.base + this.used;
  }

  get length(): number {
    return this.used;
  }

  private grow(n: number): void {
    if (this.used + n <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.used + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.data.subarray(0, this.used));
    this.data = next;
  }

  u8(v: number): void {
    this.grow(1);
    this.data[this.used++] = v & 0xff;
  }

  u16(v: number): void {
    this.u8(v);
    this.u8(v >>> 8);
  }

  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16((v >>> 16) & 0xffff);
  }

  /** A little-endian value of `size` bytes (1, 2, 4 or 8); 8-byte values are sign-extended from 32 bits. */
  sized(v: number, size: number): void {
    if (size === 1) this.u8(v);
    else if (size === 2) this.u16(v);
    else if (size === 4) this.u32(v);
    else {
      this.u32(v);
      this.u32(v < 0 ? 0xffffffff : 0);
    }
  }

  uleb(v: number): void {
    let n = Math.floor(v);
    for (let i = 0; i < 10; i++) {
      const byte = n % 128;
      n = Math.floor(n / 128);
      if (n === 0) {
        this.u8(byte);
        return;
      }
      this.u8(byte | 0x80);
    }
  }

  sleb(v: number): void {
    let n = Math.trunc(v);
    for (let i = 0; i < 10; i++) {
      const byte = ((n % 128) + 128) % 128;
      n = Math.floor(n / 128);
      const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
      if (done) {
        this.u8(byte);
        return;
      }
      this.u8(byte | 0x80);
    }
  }

  bytes(b: Uint8Array): void {
    this.grow(b.length);
    this.data.set(b, this.used);
    this.used += b.length;
  }

  /** A NUL-terminated string (UTF-8, as GAS writes names). */
  cstring(s: string): void {
    this.bytes(new TextEncoder().encode(s));
    this.u8(0);
  }

  /** Overwrites a 32-bit field at a section offset already written. */
  patch32(sectionOffset: number, v: number): void {
    const at = sectionOffset - this.base;
    for (let i = 0; i < 4; i++) this.data[at + i] = (v >>> (8 * i)) & 0xff;
  }

  /** Pads with `fill` up to a multiple of `align` (section offsets). */
  align(align: number, fill: number): void {
    while (this.offset % align !== 0) this.u8(fill);
  }

  /** Records a relocation at the current offset (the caller then writes the in-place addend). */
  relocate(type: number, symbol: string, symbolIsSection: boolean): void {
    this.relocations.push({ offset: this.offset, type, symbol, symbolIsSection });
  }

  result(): Uint8Array {
    return this.data.slice(0, this.used);
  }
}

// Owns bounds-checked little-endian reads from a file's bytes for the ELF reader: every
// read either lands inside the file or throws an InputError naming the file and offset.
import { InputError, hex } from '../errors';

export class FileBytes {
  private readonly view: DataView;

  constructor(
    readonly fileName: string,
    readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  fail(offset: number, what: string): never {
    throw new InputError(this.fileName, `offset ${hex(offset)}`, what);
  }

  /** Throws unless [offset, offset + size) lies inside the file. */
  need(offset: number, size: number, what: string): void {
    if (offset < 0 || size < 0 || offset + size > this.bytes.length) {
      this.fail(offset, `${what}: ${hex(size)} bytes from ${hex(offset)} run past the end of the file (size ${hex(this.bytes.length)})`);
    }
  }

  u8(offset: number): number {
    return this.bytes[offset]!;
  }

  /** Unchecked 16-bit read: callers check the range with need() first. */
  u16(offset: number): number {
    return this.view.getUint16(offset, true);
  }

  /** Unchecked 32-bit read: callers check the range with need() first. */
  u32(offset: number): number {
    return this.view.getUint32(offset, true);
  }

  /** A view (no copy) of [offset, offset + size), checked; an empty range is never out of the file. */
  slice(offset: number, size: number, what: string): Uint8Array {
    if (size === 0) return this.bytes.subarray(0, 0);
    this.need(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }
}

/** A name as it may appear inside a one-line message: control and non-ASCII bytes as \\xNN, at most 64 characters. */
export function printable(name: string): string {
  const shown = name.length > 64 ? name.slice(0, 64) + '...' : name;
  return shown.replace(/[^\x20-\x7e]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

const ascii = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
/** Total bytes of non-ASCII names one table may decode: more means names overlap absurdly. */
const UTF8_BUDGET = 16 << 20;

/**
 * A string table (.strtab, .dynstr, .shstrtab) read in O(1) per string: the table is
 * decoded once, each NUL position is precomputed, and an ASCII name is a substring of the
 * decoded whole. So thousands of names that point into one long unterminated run cost
 * no more than the table's size (a hostile file cannot make lookups quadratic).
 */
export class StringTable {
  private text = '';
  /** nextNul[i]: index of the first NUL at or after i, or -1. */
  private nextNul: Int32Array | undefined;
  /** highBytes[i]: number of bytes >= 0x80 before i. */
  private highBytes: Int32Array | undefined;
  private utf8Decoded = 0;

  constructor(
    private readonly file: FileBytes,
    readonly data: Uint8Array,
    /** The table's offset in the file, for error places. */
    readonly fileOffset: number,
  ) {}

  private index(): void {
    const d = this.data;
    const next = new Int32Array(d.length);
    const high = new Int32Array(d.length + 1);
    let nul = -1;
    for (let i = d.length - 1; i >= 0; i--) {
      if (d[i] === 0) nul = i;
      next[i] = nul;
    }
    for (let i = 0; i < d.length; i++) high[i + 1] = high[i]! + (d[i]! >= 0x80 ? 1 : 0);
    this.nextNul = next;
    this.highBytes = high;
    this.text = ascii.decode(d);
  }

  /** The NUL-terminated string at `index`; `what` names it in the error when it is out of range. */
  get(index: number, what: string): string {
    const d = this.data;
    if (index >= d.length) {
      this.file.fail(this.fileOffset + index, `${what}: string offset ${hex(index)} is outside its string table (size ${hex(d.length)})`);
    }
    if (!this.nextNul) this.index();
    const end = this.nextNul![index]!;
    if (end < 0) this.file.fail(this.fileOffset + index, `${what}: string at ${hex(index)} is not NUL-terminated inside its string table`);
    if (this.highBytes![end] === this.highBytes![index]) return this.text.substring(index, end);
    this.utf8Decoded += end - index;
    if (this.utf8Decoded > UTF8_BUDGET) {
      this.file.fail(this.fileOffset + index, `${what}: the string table's names overlap too much (over ${UTF8_BUDGET} bytes of non-ASCII names)`);
    }
    return utf8.decode(d.subarray(index, end));
  }
}

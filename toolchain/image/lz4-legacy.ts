// Owns LZ4 decompression of the "legacy" frame format (magic 02 21 4c 18) that Linux
// uses for LZ4-compressed kernels: a sequence of independent blocks, each preceded by
// its compressed size, each decompressing to at most 8 MiB; the kernel's build appends
// the uncompressed size as 4 more bytes. Every read is bounds-checked; corrupt data
// gives a one-line InputError.
import { InputError, hex } from '../errors';

export const LZ4_LEGACY_MAGIC = 0x184c2102;
/** The fixed decompressed size of every block but the last. */
const LEGACY_BLOCK_SIZE = 8 << 20;
/** LZ4_compressBound(8 MiB): no valid block's compressed form is larger. */
const MAX_COMPRESSED_BLOCK = LEGACY_BLOCK_SIZE + Math.floor(LEGACY_BLOCK_SIZE / 255) + 16;

/**
 * Decodes one LZ4 block of `input` into `out` (starting at 0, at most out.length bytes).
 * Returns the number of bytes produced. `base` is the block's offset in `fileName` for errors.
 */
export function decodeLz4Block(input: Uint8Array, out: Uint8Array, fileName: string, base: number): number {
  let ip = 0;
  let op = 0;
  const fail = (detail: string): never => {
    throw new InputError(fileName, `offset ${hex(base + ip)}`, `corrupt LZ4 block: ${detail}`);
  };
  const readLength = (start: number): number => {
    let length = start;
    if (start !== 15) return length;
    for (;;) {
      if (ip >= input.length) fail('length runs past the end of the block');
      const b = input[ip++]!;
      length += b;
      if (b !== 255) return length;
    }
  };
  while (ip < input.length) {
    const token = input[ip++]!;
    const literals = readLength(token >> 4);
    if (literals > input.length - ip) fail(`${literals} literal bytes run past the end of the block`);
    if (literals > out.length - op) fail(`literals overflow the ${out.length}-byte block limit`);
    out.set(input.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip === input.length) return op;
    if (input.length - ip < 2) fail('match offset runs past the end of the block');
    const offset = input[ip]! | (input[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) fail(`match offset ${offset} points before the start of the block`);
    const length = readLength(token & 15) + 4;
    if (length > out.length - op) fail(`match overflows the ${out.length}-byte block limit`);
    if (offset >= length) {
      out.copyWithin(op, op - offset, op - offset + length);
      op += length;
    } else {
      for (let i = 0; i < length; i++, op++) out[op] = out[op - offset]!;
    }
  }
  return fail(op === 0 ? 'empty block' : 'block ends with a match instead of literals');
}

/**
 * Decompresses a whole LZ4 legacy stream (one or more frames). `maxOutput` bounds the total.
 * A trailing 4-byte little-endian size (the kernel's size_append) is checked when present.
 */
export function decompressLz4Legacy(input: Uint8Array, fileName: string, base = 0, maxOutput = 1 << 30): Uint8Array {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (input.length < 4 || view.getUint32(0, true) !== LZ4_LEGACY_MAGIC) {
    throw new InputError(fileName, `offset ${hex(base)}`, 'not an LZ4 legacy frame (no magic 02 21 4c 18)');
  }
  const blocks: Uint8Array[] = [];
  let total = 0;
  let pos = 4;
  while (pos < input.length) {
    const remaining = input.length - pos;
    if (remaining < 4) throw new InputError(fileName, `offset ${hex(base + pos)}`, `LZ4 stream truncated: ${remaining} stray bytes after the last block`);
    const size = view.getUint32(pos, true);
    if (size === LZ4_LEGACY_MAGIC) {
      pos += 4;
      continue;
    }
    if (remaining === 4 && blocks.length > 0) {
      if (size !== total % 2 ** 32) {
        throw new InputError(fileName, `offset ${hex(base + pos)}`, `LZ4 stream size trailer says ${size} bytes but the blocks hold ${total} (truncated or corrupt)`);
      }
      break;
    }
    if (size === 0 || size > MAX_COMPRESSED_BLOCK) {
      throw new InputError(fileName, `offset ${hex(base + pos)}`, `corrupt LZ4 stream: block size ${size} is not in 1..${MAX_COMPRESSED_BLOCK}`);
    }
    if (size > remaining - 4) {
      throw new InputError(fileName, `offset ${hex(base + pos)}`, `LZ4 stream truncated: block of ${size} bytes but only ${remaining - 4} remain`);
    }
    const limit = Math.min(LEGACY_BLOCK_SIZE, maxOutput - total);
    if (limit <= 0) throw new InputError(fileName, `offset ${hex(base + pos)}`, `LZ4 stream decompresses to more than ${maxOutput} bytes`);
    const out = new Uint8Array(limit);
    const produced = decodeLz4Block(input.subarray(pos + 4, pos + 4 + size), out, fileName, base + pos + 4);
    blocks.push(out.subarray(0, produced));
    total += produced;
    pos += 4 + size;
  }
  if (blocks.length === 0) throw new InputError(fileName, `offset ${hex(base)}`, 'LZ4 stream holds no blocks');
  const result = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    result.set(b, at);
    at += b.length;
  }
  return result;
}

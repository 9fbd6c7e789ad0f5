// Owns recognising how a kernel payload is compressed (by its magic bytes) and
// decompressing the kinds this project supports: gzip (node:zlib) and LZ4 legacy frames
// (lz4-legacy.ts). Every other kind the kernel can use gets a one-line error naming it.
import { gunzipSync } from 'node:zlib';
import { InputError, hex } from '../errors';
import { decompressLz4Legacy } from './lz4-legacy';

export type Compression = 'gzip' | 'lz4-legacy' | 'lz4-frame' | 'xz' | 'zstd' | 'bzip2' | 'lzma' | 'lzo' | 'none';

/** Upper bound on a decompressed kernel (a real vmlinux is tens of MiB). */
export const MAX_KERNEL_SIZE = 1 << 30;

const MAGICS: readonly { kind: Compression; bytes: readonly number[] }[] = [
  { kind: 'gzip', bytes: [0x1f, 0x8b] },
  { kind: 'lz4-legacy', bytes: [0x02, 0x21, 0x4c, 0x18] },
  { kind: 'lz4-frame', bytes: [0x04, 0x22, 0x4d, 0x18] },
  { kind: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { kind: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { kind: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { kind: 'lzma', bytes: [0x5d, 0x00, 0x00] },
  { kind: 'lzo', bytes: [0x89, 0x4c, 0x5a, 0x4f] },
  { kind: 'none', bytes: [0x7f, 0x45, 0x4c, 0x46] },
];

/** The compression whose magic starts `data`, or undefined. */
export function detectCompression(data: Uint8Array): Compression | undefined {
  return MAGICS.find((m) => m.bytes.length <= data.length && m.bytes.every((b, i) => data[i] === b))?.kind;
}

/**
 * Decompresses a kernel payload (or returns it as is when it is already an ELF vmlinux).
 * `base` is the payload's offset in `fileName`, for error places.
 */
export function decompressPayload(data: Uint8Array, fileName: string, base: number): { kind: Compression; bytes: Uint8Array } {
  const kind = detectCompression(data);
  const place = `offset ${hex(base)}`;
  switch (kind) {
    case 'none':
      return { kind, bytes: data };
    case 'lz4-legacy':
      return { kind, bytes: decompressLz4Legacy(data, fileName, base, MAX_KERNEL_SIZE) };
    case 'gzip':
      try {
        return { kind, bytes: new Uint8Array(gunzipSync(data, { maxOutputLength: MAX_KERNEL_SIZE })) };
      } catch (e) {
        const reason = ((e as Error).message ?? String(e)).split('\n')[0];
        throw new InputError(fileName, place, `corrupt gzip payload: ${reason}`);
      }
    case 'lz4-frame':
      throw new InputError(fileName, place, 'payload is in the LZ4 frame format, not supported (only LZ4 legacy frames and gzip are)');
    case 'xz':
    case 'zstd':
    case 'bzip2':
    case 'lzma':
    case 'lzo':
      throw new InputError(fileName, place, `payload is ${kind}-compressed, not supported (only LZ4 legacy frames and gzip are)`);
    case undefined: {
      const head = Array.from(data.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new InputError(fileName, place, `payload compression not recognised (starts ${head || 'empty'})`);
    }
  }
}

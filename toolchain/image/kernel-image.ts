// Owns the one entry point for reading an x86 kernel image of any supported shape (a
// bzImage, a raw vmlinux ELF, or a bare compressed payload) down to its vDSO images.
import { InputError } from '../errors';
import { parseBzImage, isBzImage } from './bzimage';
import { decompressPayload, detectCompression, type Compression } from './decompress';
import { findVdsoImages, type EmbeddedImage } from './find-vdso';

export interface KernelVdsos {
  /** How the file was laid out: 'bzImage', 'vmlinux' (an ELF) or 'payload' (bare compressed data). */
  readonly container: 'bzImage' | 'vmlinux' | 'payload';
  readonly compression: Compression;
  /** The kernel version from the bzImage setup header (first word of kernel_version), if any. */
  readonly kernelVersion?: string;
  /** Size of the decompressed kernel. */
  readonly vmlinuxSize: number;
  readonly vdso32: EmbeddedImage;
  readonly vdso64?: EmbeddedImage;
}

/** Decompresses `data` (the contents of `fileName`) as needed and returns the vDSO images in it. */
export function extractVdsos(data: Uint8Array, fileName: string): KernelVdsos {
  if (data.length === 0) throw new InputError(fileName, '', 'empty file, not a kernel image');
  let container: KernelVdsos['container'];
  let payload: Uint8Array;
  let base: number;
  let kernelVersion: string | undefined;
  if (isBzImage(data)) {
    const header = parseBzImage(data, fileName);
    container = 'bzImage';
    base = header.payloadOffset;
    payload = data.subarray(base, base + header.payloadLength);
    kernelVersion = header.version?.split(' ')[0];
  } else {
    const kind = detectCompression(data);
    if (kind === undefined) {
      throw new InputError(fileName, 'offset 0x0', 'not a kernel image: no bzImage setup header ("HdrS" at 0x202), no ELF header, no known compression magic');
    }
    container = kind === 'none' ? 'vmlinux' : 'payload';
    base = 0;
    payload = data;
  }
  const { kind, bytes } = decompressPayload(payload, fileName, base);
  const { vdso32, vdso64 } = findVdsoImages(bytes, fileName);
  return {
    container,
    compression: kind,
    ...(kernelVersion ? { kernelVersion } : {}),
    vmlinuxSize: bytes.length,
    vdso32,
    ...(vdso64 ? { vdso64 } : {}),
  };
}

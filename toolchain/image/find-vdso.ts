// Owns finding the vDSO images embedded in a decompressed kernel (vmlinux): the kernel
// links each vDSO in whole (vdso_image_32 / vdso_image_64), so an ELF ET_DYN image for
// EM_386 (and one for EM_X86_64) sits in it at a page-aligned offset.
import { InputError } from '../errors';
import { checkElfImage, isVdso32, isVdso64, type ElfImageInfo } from './elf-image';

const PAGE = 4096;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export interface EmbeddedImage {
  /** Offset of the image in the decompressed kernel. */
  readonly offset: number;
  readonly info: ElfImageInfo;
  /** The image's exact bytes (a copy). */
  readonly bytes: Uint8Array;
}

/** Every well-formed ELF image that starts at a page-aligned offset of `vmlinux` (the vmlinux's own header excluded). */
export function findEmbeddedImages(vmlinux: Uint8Array): EmbeddedImage[] {
  const haystack = Buffer.from(vmlinux.buffer, vmlinux.byteOffset, vmlinux.byteLength);
  const found: EmbeddedImage[] = [];
  // Each step moves past the previous hit, so this visits at most length/4 positions.
  for (let at = haystack.indexOf(ELF_MAGIC, 1); at >= 0; at = haystack.indexOf(ELF_MAGIC, at + 1)) {
    if (at % PAGE !== 0) continue;
    const check = checkElfImage(vmlinux, at);
    if (check.ok) found.push({ offset: at, info: check.info, bytes: vmlinux.slice(at, at + check.info.size) });
  }
  return found;
}

function pickOne(images: readonly EmbeddedImage[], what: string, fileName: string): EmbeddedImage | undefined {
  const first = images[0];
  if (!first) return undefined;
  const differs = images.find((i) => Buffer.compare(Buffer.from(i.bytes), Buffer.from(first.bytes)) !== 0);
  if (differs) {
    throw new InputError(fileName, '', `the kernel holds several different ${what} images (at 0x${first.offset.toString(16)} and 0x${differs.offset.toString(16)})`);
  }
  return first;
}

/** The 32-bit vDSO (required) and the 64-bit one (if present) in a decompressed kernel. */
export function findVdsoImages(vmlinux: Uint8Array, fileName: string): { vdso32: EmbeddedImage; vdso64?: EmbeddedImage } {
  const images = findEmbeddedImages(vmlinux);
  const vdso32 = pickOne(images.filter((i) => isVdso32(i.info)), 'i386 vDSO', fileName);
  if (!vdso32) {
    throw new InputError(fileName, '', 'no 32-bit vDSO (ELF32 ET_DYN EM_386 at a page-aligned offset) in the decompressed kernel (built without CONFIG_IA32_EMULATION?)');
  }
  const vdso64 = pickOne(images.filter((i) => isVdso64(i.info)), 'x86-64 vDSO', fileName);
  return vdso64 ? { vdso32, vdso64 } : { vdso32 };
}

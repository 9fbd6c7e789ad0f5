// Owns recognising a whole ELF shared-object image (a vDSO) that starts at some offset in
// a larger buffer, and computing its exact length from its own headers: the larger of the
// end of the section header table and the end of the last PT_LOAD's file bytes, the same
// rule the capture program (toolchain/capture/) applies to the mapped [vdso].
import { InputError, hex } from '../errors';
import { PT_LOAD, SHT_NOBITS } from '../elf/sections';
import { EM_386, EM_X86_64, ET_DYN } from '../elf/types';
/** No vDSO comes near this; anything larger is not one. */
export const MAX_VDSO_SIZE = 1 << 20;

export interface ElfImageInfo {
  /** 32 or 64. */
  readonly bits: 32 | 64;
  readonly type: number;
  readonly machine: number;
  /** Exact length of the image in bytes. */
  readonly size: number;
}

type Check = { ok: true; info: ElfImageInfo } | { ok: false; at: number; reason: string };

/**
 * Checks that an ELF image starts at `offset` (little-endian, version 1, sane header sizes,
 * program and section headers and every section inside the image, which ends inside `data`).
 * Never throws; `at` in a failure is the offset of the offending field.
 */
export function checkElfImage(data: Uint8Array, offset: number): Check {
  const bad = (at: number, reason: string): Check => ({ ok: false, at: offset + at, reason });
  const avail = data.length - offset;
  if (avail < 52) return bad(0, `only ${Math.max(avail, 0)} bytes, shorter than an ELF header`);
  if (data[offset] !== 0x7f || data[offset + 1] !== 0x45 || data[offset + 2] !== 0x4c || data[offset + 3] !== 0x46) return bad(0, 'no ELF magic');
  const cls = data[offset + 4];
  if (cls !== 1 && cls !== 2) return bad(4, `ELF class ${cls} is neither 32- nor 64-bit`);
  if (data[offset + 5] !== 1) return bad(5, 'not little-endian');
  if (data[offset + 6] !== 1) return bad(6, `ELF version ${data[offset + 6]} is not 1`);
  const bits = cls === 1 ? 32 : 64;
  const view = new DataView(data.buffer, data.byteOffset + offset, avail);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const word = (at: number) => (bits === 32 ? u32(at) : Number(view.getBigUint64(at, true)));
  if (bits === 64 && avail < 64) return bad(0, `only ${avail} bytes, shorter than an ELF64 header`);
  const [ehsizeAt, phoffAt, shoffAt] = bits === 32 ? [40, 28, 32] : [52, 32, 40];
  const type = u16(16);
  const machine = u16(18);
  const ehsize = u16(ehsizeAt);
  const phoff = word(phoffAt);
  const shoff = word(shoffAt);
  const phentsize = u16(ehsizeAt + 2);
  const phnum = u16(ehsizeAt + 4);
  const shentsize = u16(ehsizeAt + 6);
  const shnum = u16(ehsizeAt + 8);
  const shstrndx = u16(ehsizeAt + 10);
  const [wantEh, wantPh, wantSh] = bits === 32 ? [52, 32, 40] : [64, 56, 64];
  if (u32(20) !== 1) return bad(20, `e_version ${u32(20)} is not 1`);
  if (ehsize !== wantEh) return bad(ehsizeAt, `e_ehsize ${ehsize} is not ${wantEh}`);
  if (phentsize !== wantPh) return bad(ehsizeAt + 2, `e_phentsize ${phentsize} is not ${wantPh}`);
  if (phnum === 0 || phnum > 64) return bad(ehsizeAt + 4, `e_phnum ${phnum} is not in 1..64`);
  if (shnum !== 0 && shentsize !== wantSh) return bad(ehsizeAt + 6, `e_shentsize ${shentsize} is not ${wantSh}`);
  if (shnum > 256) return bad(ehsizeAt + 8, `e_shnum ${shnum} is more than 256`);
  if (shnum !== 0 && shstrndx >= shnum) return bad(ehsizeAt + 10, `e_shstrndx ${shstrndx} is not below e_shnum ${shnum}`);
  const phEnd = phoff + phnum * phentsize;
  if (phoff < ehsize || phEnd > MAX_VDSO_SIZE) return bad(phoffAt, `program headers at ${hex(phoff)} are not inside a vDSO-sized image`);
  // e_shoff + e_shnum * e_shentsize even when e_shnum is 0, as the capture program computes it.
  const shEnd = shoff + shnum * shentsize;
  if ((shnum !== 0 && shoff < ehsize) || shEnd > MAX_VDSO_SIZE) return bad(shoffAt, `section headers at ${hex(shoff)} are not inside a vDSO-sized image`);
  if (phEnd > avail) return bad(phoffAt, `program headers end at ${hex(phEnd)}, past the end of the data`);
  let size = shEnd;
  let loads = 0;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (u32(ph) !== PT_LOAD) continue;
    loads++;
    const [pOffset, pFilesz] = bits === 32 ? [u32(ph + 4), u32(ph + 16)] : [word(ph + 8), word(ph + 32)];
    if (pOffset + pFilesz > MAX_VDSO_SIZE) return bad(ph, `PT_LOAD ${i} ends at ${hex(pOffset + pFilesz)}, too large for a vDSO`);
    size = Math.max(size, pOffset + pFilesz);
  }
  if (loads === 0) return bad(phoffAt, 'no PT_LOAD program header');
  if (size < phEnd) return bad(phoffAt, 'program headers lie outside the loaded image');
  if (size > avail) return bad(0, `image of ${hex(size)} bytes runs past the end of the data`);
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    const shType = u32(sh + 4);
    const [sOffset, sSize] = bits === 32 ? [u32(sh + 16), u32(sh + 20)] : [word(sh + 24), word(sh + 32)];
    if (shType !== SHT_NOBITS && sOffset + sSize > size) return bad(sh, `section ${i} ends at ${hex(sOffset + sSize)}, past the image's end ${hex(size)}`);
  }
  return { ok: true, info: { bits, type, machine, size } };
}

/** True when `info` describes an i386 vDSO (ELF32, ET_DYN, EM_386). */
export function isVdso32(info: ElfImageInfo): boolean {
  return info.bits === 32 && info.type === ET_DYN && info.machine === EM_386;
}

/** True when `info` describes an x86-64 vDSO (ELF64, ET_DYN, EM_X86_64). */
export function isVdso64(info: ElfImageInfo): boolean {
  return info.bits === 64 && info.type === ET_DYN && info.machine === EM_X86_64;
}

/**
 * Checks that `data` is exactly one i386 vDSO image (ELF32 ET_DYN EM_386, exactly as long
 * as its headers say); throws InputError naming the place otherwise.
 */
export function validateVdso32(data: Uint8Array, fileName: string): ElfImageInfo {
  const check = checkElfImage(data, 0);
  if (!check.ok) throw new InputError(fileName, `offset ${hex(check.at)}`, check.reason);
  const { info } = check;
  if (!isVdso32(info)) {
    throw new InputError(fileName, 'offset 0x10', `not an i386 vDSO (ELF${info.bits}, e_type ${info.type}, e_machine ${info.machine}; want ELF32 ET_DYN EM_386)`);
  }
  if (data.length !== info.size) {
    throw new InputError(fileName, `offset ${hex(info.size)}`, `${data.length - info.size} bytes beyond the ${info.size}-byte image its headers describe`);
  }
  return info;
}

// Owns writing the smallest runnable programs: an ELF32 (i386) or ELF64 (x86-64) ET_EXEC
// file with one read+execute PT_LOAD that maps the whole file (headers included) at a
// fixed address, the code right after the headers, and the entry point at its first byte.
import { EHDR_SIZE, PHDR_SIZE } from './header';
import { PF_R, PF_X, PT_LOAD } from './sections';
import { EM_386, ET_EXEC } from './types';

/** Where the file is mapped (the traditional i386 link address). */
export const EXEC_BASE = 0x08048000;
/** Offset of the code in the file (and of the entry point from EXEC_BASE). */
export const EXEC_CODE_OFFSET = EHDR_SIZE + PHDR_SIZE;

/** Builds the executable's bytes for position-independent or EXEC_BASE-relative `code`. */
export function writeExec(code: Uint8Array): Uint8Array {
  const size = EXEC_CODE_OFFSET + code.length;
  const file = new Uint8Array(size);
  const v = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */, 0 /* ELFOSABI_SYSV */]);
  v.setUint16(16, ET_EXEC, true); // e_type
  v.setUint16(18, EM_386, true); // e_machine
  v.setUint32(20, 1, true); // e_version
  v.setUint32(24, EXEC_BASE + EXEC_CODE_OFFSET, true); // e_entry
  v.setUint32(28, EHDR_SIZE, true); // e_phoff
  v.setUint32(32, 0, true); // e_shoff: no section headers
  v.setUint32(36, 0, true); // e_flags
  v.setUint16(40, EHDR_SIZE, true); // e_ehsize
  v.setUint16(42, PHDR_SIZE, true); // e_phentsize
  v.setUint16(44, 1, true); // e_phnum
  v.setUint16(46, 40, true); // e_shentsize
  v.setUint16(48, 0, true); // e_shnum
  v.setUint16(50, 0, true); // e_shstrndx
  const ph = EHDR_SIZE;
  v.setUint32(ph + 0, PT_LOAD, true); // p_type
  v.setUint32(ph + 4, 0, true); // p_offset
  v.setUint32(ph + 8, EXEC_BASE, true); // p_vaddr
  v.setUint32(ph + 12, EXEC_BASE, true); // p_paddr
  v.setUint32(ph + 16, size, true); // p_filesz
  v.setUint32(ph + 20, size, true); // p_memsz
  v.setUint32(ph + 24, PF_R | PF_X, true); // p_flags
  v.setUint32(ph + 28, 0x1000, true); // p_align
  file.set(code, EXEC_CODE_OFFSET);
  return file;
}

/** Where the x86-64 file is mapped. */
export const EXEC64_BASE = 0x400000;
/** Offset of the code in an x86-64 file (ELF64 header + one program header). */
export const EXEC64_CODE_OFFSET = 64 + 56;
const EM_X86_64 = 62;

/** Builds an x86-64 executable's bytes for position-independent or EXEC64_BASE-relative `code`. */
export function writeExec64(code: Uint8Array): Uint8Array {
  const size = EXEC64_CODE_OFFSET + code.length;
  const file = new Uint8Array(size);
  const v = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */, 0 /* ELFOSABI_SYSV */]);
  v.setUint16(16, ET_EXEC, true); // e_type
  v.setUint16(18, EM_X86_64, true); // e_machine
  v.setUint32(20, 1, true); // e_version
  v.setBigUint64(24, BigInt(EXEC64_BASE + EXEC64_CODE_OFFSET), true); // e_entry
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setBigUint64(40, 0n, true); // e_shoff: no section headers
  v.setUint32(48, 0, true); // e_flags
  v.setUint16(52, 64, true); // e_ehsize
  v.setUint16(54, 56, true); // e_phentsize
  v.setUint16(56, 1, true); // e_phnum
  v.setUint16(58, 64, true); // e_shentsize
  v.setUint16(60, 0, true); // e_shnum
  v.setUint16(62, 0, true); // e_shstrndx
  const ph = 64;
  v.setUint32(ph + 0, PT_LOAD, true); // p_type
  v.setUint32(ph + 4, PF_R | PF_X, true); // p_flags
  v.setBigUint64(ph + 8, 0n, true); // p_offset
  v.setBigUint64(ph + 16, BigInt(EXEC64_BASE), true); // p_vaddr
  v.setBigUint64(ph + 24, BigInt(EXEC64_BASE), true); // p_paddr
  v.setBigUint64(ph + 32, BigInt(size), true); // p_filesz
  v.setBigUint64(ph + 40, BigInt(size), true); // p_memsz
  v.setBigUint64(ph + 48, 0x1000n, true); // p_align
  file.set(code, EXEC64_CODE_OFFSET);
  return file;
}

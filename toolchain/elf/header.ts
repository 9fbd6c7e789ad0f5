// Owns the ELF header: checks that a file is ELF32 little-endian i386 of a kind we read
// (ET_REL, ET_EXEC, ET_DYN) and decodes its fields.
import type { FileBytes } from './bytes';
import { EM_386, ET_DYN, ET_EXEC, ET_REL, type ElfHeader } from './types';

export const EHDR_SIZE = 52;
export const PHDR_SIZE = 32;
export const SHDR_SIZE = 40;

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  2: 'SPARC', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM',
  50: 'IA-64', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V',
};

export function parseHeader(file: FileBytes): ElfHeader {
  const b = file.bytes;
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) {
    file.fail(0, 'not an ELF file (bad magic)');
  }
  if (b.length < 16) file.fail(b.length, 'truncated ELF identification (file is shorter than 16 bytes)');
  const cls = b[4]!;
  if (cls === 2) file.fail(4, 'ELF64 is not supported (only ELF32 i386)');
  if (cls !== 1) file.fail(4, `bad ELF class ${cls}`);
  const data = b[5]!;
  if (data === 2) file.fail(5, 'big-endian ELF is not supported (only little-endian i386)');
  if (data !== 1) file.fail(5, `bad ELF data encoding ${data}`);
  if (b.length < EHDR_SIZE) file.fail(b.length, `truncated ELF header (file has ${b.length} bytes, the header needs ${EHDR_SIZE})`);
  const type = file.u16(16);
  const machine = file.u16(18);
  if (machine !== EM_386) {
    const name = MACHINE_NAMES[machine];
    file.fail(18, `machine ${machine}${name ? ` (${name})` : ''} is not i386 (EM_386)`);
  }
  if (type !== ET_REL && type !== ET_EXEC && type !== ET_DYN) {
    file.fail(16, `ELF type ${type}${type === 4 ? ' (core file)' : ''} is not supported (only relocatable, executable and shared object)`);
  }
  const header: ElfHeader = {
    class: cls,
    osabi: b[7]!,
    abiVersion: b[8]!,
    type,
    machine,
    version: file.u32(20),
    entry: file.u32(24),
    phoff: file.u32(28),
    shoff: file.u32(32),
    flags: file.u32(36),
    ehsize: file.u16(40),
    phentsize: file.u16(42),
    phnum: file.u16(44),
    shentsize: file.u16(46),
    shnum: file.u16(48),
    shstrndx: file.u16(50),
  };
  if (header.phnum !== 0 && header.phentsize !== PHDR_SIZE) {
    file.fail(42, `program header entry size ${header.phentsize} is not ${PHDR_SIZE}`);
  }
  if ((header.shnum !== 0 || header.shoff !== 0) && header.shentsize !== SHDR_SIZE) {
    file.fail(46, `section header entry size ${header.shentsize} is not ${SHDR_SIZE}`);
  }
  return header;
}


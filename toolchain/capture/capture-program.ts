// Owns the i386 capture program: position-independent machine code that walks past argv
// and envp to the aux vector, finds AT_SYSINFO_EHDR (the [vdso] mapping), measures the
// image from its own headers (the larger of the end of the section header table and the
// end of the last PT_LOAD's file bytes: the rule of toolchain/image/elf-image.ts) and
// write(2)s exactly that many bytes to stdout. Each failure has its own exit status.
import { writeExec } from '../elf/write-exec';
import { CodeBuilder, type MachineCode } from './machine-code';

/** The capture program's exit statuses. */
export const CAPTURE_EXIT = {
  ok: 0,
  /** The aux vector ended (AT_NULL) without AT_SYSINFO_EHDR: the kernel maps no vDSO. */
  noSysinfoEhdr: 3,
  /** AT_SYSINFO_EHDR is 0 or does not point at an ELF32 little-endian header. */
  notElf: 4,
  /** write(2) to stdout failed. */
  writeFailed: 5,
  /** The size the headers give is 0 or more than 1 MiB. */
  badSize: 6,
  /** No end of envp and the aux vector within 0x100000 words of the stack. */
  noAuxv: 7,
} as const;

/** Largest image the program will write (1 MiB, as MAX_VDSO_SIZE). */
const MAX_SIZE_MINUS_1 = 0xfffff;
const AT_SYSINFO_EHDR = 33;

/** Builds the capture program's machine code with its listing. */
export function captureCode(): MachineCode {
  const c = new CodeBuilder();
  // At entry: (%esp) = argc, then argv[0..argc-1], NULL, envp..., NULL, auxv pairs.
  c.op([0x8b, 0x0c, 0x24], 'mov (%esp),%ecx', 'ecx = argc');
  c.op([0x8d, 0x74, 0x8c, 0x08], 'lea 0x8(%esp,%ecx,4),%esi', 'esi = &envp[0] (past argc, argv and its NULL)');
  c.op([0xb9, 0x00, 0x00, 0x10, 0x00], 'mov $0x100000,%ecx', 'ecx = bound on the words read from the stack');
  c.label('env_loop');
  c.op([0x49], 'dec %ecx', 'one word fewer allowed');
  c.jump(0x74, 'je', 'no_auxv', 'bound reached: give up');
  c.op([0xad], 'lods %ds:(%esi),%eax', 'eax = next envp entry, esi += 4');
  c.op([0x85, 0xc0], 'test %eax,%eax', 'the NULL ending envp?');
  c.jump(0x75, 'jne', 'env_loop', 'no: keep walking');
  c.label('auxv_loop');
  c.op([0x49], 'dec %ecx', 'one pair fewer allowed');
  c.jump(0x74, 'je', 'no_auxv', 'bound reached: give up');
  c.op([0xad], 'lods %ds:(%esi),%eax', 'eax = a_type');
  c.op([0x89, 0xc2], 'mov %eax,%edx', 'edx = a_type');
  c.op([0xad], 'lods %ds:(%esi),%eax', 'eax = a_val');
  c.op([0x83, 0xfa, AT_SYSINFO_EHDR], 'cmp $0x21,%edx', 'AT_SYSINFO_EHDR?');
  c.jump(0x74, 'je', 'found', 'yes: eax is the vDSO base');
  c.op([0x85, 0xd2], 'test %edx,%edx', 'AT_NULL?');
  c.jump(0x75, 'jne', 'auxv_loop', 'no: next pair');
  c.op([0xbb, CAPTURE_EXIT.noSysinfoEhdr, 0, 0, 0], 'mov $0x3,%ebx', 'status: no AT_SYSINFO_EHDR');
  c.jmpNear('exit', 'to the common exit');
  c.label('no_auxv');
  c.op([0xbb, CAPTURE_EXIT.noAuxv, 0, 0, 0], 'mov $0x7,%ebx', 'status: aux vector not found');
  c.jmpNear('exit', 'to the common exit');
  c.label('found');
  c.op([0x89, 0xc3], 'mov %eax,%ebx', 'ebx = base of the vDSO ELF header');
  c.op([0x85, 0xdb], 'test %ebx,%ebx', 'a null base?');
  c.jump(0x74, 'je', 'not_elf', 'yes: not an image');
  c.op([0x81, 0x3b, 0x7f, 0x45, 0x4c, 0x46], 'cmpl $0x464c457f,(%ebx)', 'e_ident starts "\\x7fELF"?');
  c.jump(0x75, 'jne', 'not_elf', 'no: not an image');
  c.op([0x66, 0x81, 0x7b, 0x04, 0x01, 0x01], 'cmpw $0x101,0x4(%ebx)', 'ELFCLASS32 and ELFDATA2LSB?');
  c.jump(0x75, 'jne', 'not_elf', 'no: not an i386 image');
  c.op([0x8b, 0x7b, 0x20], 'mov 0x20(%ebx),%edi', 'edi = e_shoff');
  c.op([0x0f, 0xb7, 0x43, 0x30], 'movzwl 0x30(%ebx),%eax', 'eax = e_shnum');
  c.op([0x0f, 0xb7, 0x53, 0x2e], 'movzwl 0x2e(%ebx),%edx', 'edx = e_shentsize');
  c.op([0x0f, 0xaf, 0xc2], 'imul %edx,%eax', 'eax = size of the section header table');
  c.op([0x01, 0xc7], 'add %eax,%edi', 'edi = end of the section header table (size so far)');
  c.op([0x8b, 0x73, 0x1c], 'mov 0x1c(%ebx),%esi', 'esi = e_phoff');
  c.op([0x01, 0xde], 'add %ebx,%esi', 'esi = first program header');
  c.op([0x0f, 0xb7, 0x4b, 0x2c], 'movzwl 0x2c(%ebx),%ecx', 'ecx = e_phnum (bounds the loop)');
  c.op([0x0f, 0xb7, 0x53, 0x2a], 'movzwl 0x2a(%ebx),%edx', 'edx = e_phentsize');
  c.label('ph_loop');
  c.jump(0xe3, 'jecxz', 'ph_done', 'no program headers left');
  c.op([0x83, 0x3e, 0x01], 'cmpl $0x1,(%esi)', 'p_type == PT_LOAD?');
  c.jump(0x75, 'jne', 'ph_next', 'no: skip it');
  c.op([0x8b, 0x46, 0x04], 'mov 0x4(%esi),%eax', 'eax = p_offset');
  c.op([0x03, 0x46, 0x10], 'add 0x10(%esi),%eax', 'eax = p_offset + p_filesz');
  c.op([0x39, 0xf8], 'cmp %edi,%eax', 'past the size so far?');
  c.jump(0x76, 'jbe', 'ph_next', 'no: keep the size');
  c.op([0x89, 0xc7], 'mov %eax,%edi', 'yes: size = end of this PT_LOAD');
  c.label('ph_next');
  c.op([0x01, 0xd6], 'add %edx,%esi', 'esi = next program header');
  c.op([0x49], 'dec %ecx', 'one header fewer');
  c.jump(0xeb, 'jmp', 'ph_loop', 'next program header');
  c.label('ph_done');
  c.op([0x8d, 0x47, 0xff], 'lea -0x1(%edi),%eax', 'eax = size - 1 (0 wraps to 0xffffffff)');
  c.op([0x3d, 0xff, 0xff, 0x0f, 0x00], `cmp $0x${MAX_SIZE_MINUS_1.toString(16)},%eax`, 'size in 1..1 MiB?');
  c.jump(0x77, 'ja', 'bad_size', 'no: refuse');
  c.op([0x89, 0xd9], 'mov %ebx,%ecx', 'ecx = buffer: the image');
  c.op([0x89, 0xfa], 'mov %edi,%edx', 'edx = bytes left to write');
  c.label('write_loop');
  c.op([0xb8, 0x04, 0x00, 0x00, 0x00], 'mov $0x4,%eax', 'eax = __NR_write');
  c.op([0xbb, 0x01, 0x00, 0x00, 0x00], 'mov $0x1,%ebx', 'ebx = fd 1 (stdout)');
  c.op([0xcd, 0x80], 'int $0x80', 'write(1, ecx, edx)');
  c.op([0x85, 0xc0], 'test %eax,%eax', 'error (< 0) or nothing written?');
  c.jump(0x7e, 'jle', 'write_failed', 'yes: fail');
  c.op([0x01, 0xc1], 'add %eax,%ecx', 'advance the buffer');
  c.op([0x29, 0xc2], 'sub %eax,%edx', 'fewer bytes left');
  c.jump(0x75, 'jne', 'write_loop', 'more to write');
  c.op([0x31, 0xdb], 'xor %ebx,%ebx', 'status 0');
  c.jump(0xeb, 'jmp', 'exit', 'to the common exit');
  c.label('not_elf');
  c.op([0xbb, CAPTURE_EXIT.notElf, 0, 0, 0], 'mov $0x4,%ebx', 'status: not an ELF32 LE image');
  c.jump(0xeb, 'jmp', 'exit', 'to the common exit');
  c.label('write_failed');
  c.op([0xbb, CAPTURE_EXIT.writeFailed, 0, 0, 0], 'mov $0x5,%ebx', 'status: write failed');
  c.jump(0xeb, 'jmp', 'exit', 'to the common exit');
  c.label('bad_size');
  c.op([0xbb, CAPTURE_EXIT.badSize, 0, 0, 0], 'mov $0x6,%ebx', 'status: implausible size');
  c.label('exit');
  c.op([0xb8, 0x01, 0x00, 0x00, 0x00], 'mov $0x1,%eax', 'eax = __NR_exit');
  c.op([0xcd, 0x80], 'int $0x80', 'exit(ebx)');
  c.op([0xf4], 'hlt', 'never reached (faults if it were)');
  return c.build();
}

/** The capture program as a runnable i386 ELF executable. */
export function captureExecutable(): Uint8Array {
  return writeExec(captureCode().code);
}

// Owns the x86-64 launcher that runs the capture program with a bare execve(2). Node's
// child_process (libuv, glibc execvp) hands a file the kernel refuses with ENOEXEC to
// /bin/sh as a script, which hides "Exec format error"; this launcher instead exits with
// 100 + errno when execve(argv[1], argv + 1, envp) fails, so the CLI can say why.
import { writeExec64 } from '../elf/write-exec';
import { CodeBuilder, type MachineCode } from './machine-code';

/** The launcher's status when execve fails is LAUNCH_ERRNO_BASE + errno. */
export const LAUNCH_ERRNO_BASE = 100;
export const ENOEXEC = 8;

/** Builds the launcher's x86-64 machine code with its listing. */
export function launcherCode(): MachineCode {
  const c = new CodeBuilder();
  // At entry: (%rsp) = argc, then argv[0..argc-1], NULL, envp..., NULL.
  c.op([0x48, 0x8b, 0x04, 0x24], 'mov (%rsp),%rax', 'rax = argc');
  c.op([0x48, 0x8d, 0x74, 0x24, 0x10], 'lea 0x10(%rsp),%rsi', 'rsi = &argv[1]: the program and its arguments');
  c.op([0x48, 0x8b, 0x3e], 'mov (%rsi),%rdi', 'rdi = argv[1]: the program to run');
  c.op([0x48, 0x8d, 0x54, 0xc4, 0x10], 'lea 0x10(%rsp,%rax,8),%rdx', 'rdx = envp (past argc, argv and its NULL)');
  c.op([0xb8, 0x3b, 0x00, 0x00, 0x00], 'mov $0x3b,%eax', 'eax = __NR_execve');
  c.op([0x0f, 0x05], 'syscall', 'execve(rdi, rsi, rdx): returns only on failure');
  c.op([0xf7, 0xd8], 'neg %eax', 'eax = errno');
  c.op([0x8d, 0x78, LAUNCH_ERRNO_BASE], `lea 0x${LAUNCH_ERRNO_BASE.toString(16)}(%rax),%edi`, 'status = 100 + errno');
  c.op([0xb8, 0x3c, 0x00, 0x00, 0x00], 'mov $0x3c,%eax', 'eax = __NR_exit');
  c.op([0x0f, 0x05], 'syscall', 'exit(edi)');
  c.op([0xf4], 'hlt', 'never reached (faults if it were)');
  return c.build();
}

/** The launcher as a runnable x86-64 ELF executable. */
export function launcherExecutable(): Uint8Array {
  return writeExec64(launcherCode().code);
}

// Owns capturing the running kernel's 32-bit vDSO: the project's own i386 capture program
// (capture-program.ts) is written to a temporary folder and run (through the x86-64 exec
// launcher on a 64-bit host, directly on an i386 one, or through a runner such as an
// emulator); what it writes to stdout is the image. A failure that is not a bug is a
// CaptureFailure with one line saying why (no 32-bit compat mode, no vDSO mapped...).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURE_EXIT, captureExecutable } from './capture-program';
import { ENOEXEC, LAUNCH_ERRNO_BASE, launcherExecutable } from './exec-launcher';

/** The name the running kernel's image goes by in messages. */
export const RUNNING = 'running kernel [vdso]';
/** Longest the capture program may run. */
const CAPTURE_TIMEOUT_MS = 20_000;

/** A reason the capture failed that is not a bug: printed as one line, exit status 2. */
export class CaptureFailure extends Error {}

function errnoName(errno: number): string {
  const entry = Object.entries(osConstants.errno).find(([, value]) => value === errno);
  return entry ? entry[0] : `errno ${errno}`;
}

function explainStatus(status: number, viaLauncher: boolean): string {
  if (viaLauncher && status === LAUNCH_ERRNO_BASE + ENOEXEC) {
    return 'this host cannot run i386 programs (execve: Exec format error; a kernel without 32-bit compat support): extract the vDSO from a kernel image with --kernel-image VMLINUZ';
  }
  if (viaLauncher && status > LAUNCH_ERRNO_BASE) {
    return `cannot start the i386 capture program (execve: ${errnoName(status - LAUNCH_ERRNO_BASE)}): try --kernel-image VMLINUZ`;
  }
  switch (status) {
    case CAPTURE_EXIT.noSysinfoEhdr:
      return 'the capture program found no AT_SYSINFO_EHDR in its aux vector: this kernel (or emulator) maps no 32-bit vDSO; try --kernel-image VMLINUZ';
    case CAPTURE_EXIT.notElf:
      return 'AT_SYSINFO_EHDR does not point at an ELF32 little-endian header';
    case CAPTURE_EXIT.writeFailed:
      return 'the capture program could not write the image to its stdout';
    case CAPTURE_EXIT.badSize:
      return 'the vDSO headers give a size of 0 or more than 1 MiB';
    case CAPTURE_EXIT.noAuxv:
      return 'the capture program found no aux vector on its stack';
    default:
      return `the capture program exited with unexpected status ${status}`;
  }
}

/** Runs the capture program (through the x86-64 launcher, directly, or through `runner`) and returns its stdout. */
export function captureRunning(runner: string | undefined): Uint8Array {
  const direct = process.arch === 'ia32';
  if (runner === undefined && !direct && process.arch !== 'x64') {
    throw new CaptureFailure(`capturing the running kernel's vDSO needs an x86 host (this one is ${process.arch}): use --kernel-image VMLINUZ`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-capture-'));
  try {
    const program = join(dir, 'capture-vdso32');
    writeFileSync(program, captureExecutable());
    chmodSync(program, 0o755);
    let command = program;
    let args: string[] = [];
    const viaLauncher = runner === undefined && !direct;
    if (runner !== undefined) {
      command = runner;
      args = [program];
    } else if (viaLauncher) {
      command = join(dir, 'launch');
      writeFileSync(command, launcherExecutable());
      chmodSync(command, 0o755);
      args = [program];
    }
    const r = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 4 << 20, timeout: CAPTURE_TIMEOUT_MS });
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code ?? r.error.message;
      throw new CaptureFailure(`cannot run ${runner === undefined ? 'the capture program' : `'${runner}'`}: ${code}`);
    }
    if (r.signal) throw new CaptureFailure(`the capture program was killed by ${r.signal}`);
    if (r.status !== CAPTURE_EXIT.ok) throw new CaptureFailure(explainStatus(r.status ?? -1, viaLauncher));
    return new Uint8Array(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

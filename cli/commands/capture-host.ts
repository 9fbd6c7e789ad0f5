// Owns `vdso-lab capture-host -o FILE [--kernel-image VMLINUZ] [--runner CMD] [--json]`:
// saves a real i386 vDSO image to FILE, either the running kernel's (by running the
// project's own i386 capture program, toolchain/capture/) or the one inside a kernel image
// (toolchain/image/). FILE is written atomically: it never exists half-written.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readInputFile } from '../../toolchain/input-file';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeOutputFile } from '../output-file';
import { EXIT_OK, EXIT_USAGE, UsageError, flag, stringOption, type CliIo, type Command, type ParsedArgs } from '../command';
import { CAPTURE_EXIT, captureExecutable } from '../../toolchain/capture/capture-program';
import { ENOEXEC, LAUNCH_ERRNO_BASE, launcherExecutable } from '../../toolchain/capture/exec-launcher';
import { extractVdsos } from '../../toolchain/image/kernel-image';
import { validateVdso32 } from '../../toolchain/image/elf-image';

/** The name the running kernel's image goes by in messages. */
const RUNNING = 'running kernel [vdso]';
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

interface CaptureResult {
  readonly source: 'running-kernel' | 'kernel-image';
  readonly bytes: Uint8Array;
  readonly details: Record<string, string | number>;
}

function fromKernelImage(image: string, cwd: string): CaptureResult {
  const path = resolve(cwd, image);
  const found = extractVdsos(readInputFile(path, image, { kind: 'kernel-image' }), image);
  validateVdso32(found.vdso32.bytes, image);
  return {
    source: 'kernel-image',
    bytes: found.vdso32.bytes,
    details: {
      kernelImage: image,
      ...(found.kernelVersion ? { kernelVersion: found.kernelVersion } : {}),
      container: found.container,
      compression: found.compression,
      vmlinuxOffset: found.vdso32.offset,
    },
  };
}

export const captureHostCommand: Command = {
  name: 'capture-host',
  summary: "save a real 32-bit vDSO: the running kernel's, or the one inside a kernel image",
  usage: '-o FILE [--kernel-image VMLINUZ] [--runner CMD] [--json]',
  options: {
    output: { type: 'string', short: 'o', valueName: 'FILE', help: 'where to write the vdso32.so image (required)' },
    'kernel-image': { type: 'string', valueName: 'VMLINUZ', help: 'extract from this kernel image (bzImage, vmlinux, gzip/LZ4 payload) instead' },
    runner: { type: 'string', valueName: 'CMD', help: "run the i386 capture program as 'CMD PROGRAM' (e.g. an emulator)" },
    json: { type: 'boolean', help: 'print what was written as JSON' },
  },
  positionals: [0, 0],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const output = stringOption(args, 'output');
    if (!output) throw new UsageError('missing -o FILE (where to write the image)');
    const image = stringOption(args, 'kernel-image');
    const runner = stringOption(args, 'runner');
    if (image !== undefined && runner !== undefined) throw new UsageError('--runner and --kernel-image cannot be used together');
    let result: CaptureResult;
    if (image !== undefined) {
      result = fromKernelImage(image, io.cwd);
    } else {
      let bytes: Uint8Array;
      try {
        bytes = captureRunning(runner);
      } catch (e) {
        if (!(e instanceof CaptureFailure)) throw e;
        io.err(`vdso-lab capture-host: ${e.message}\n`);
        return EXIT_USAGE;
      }
      validateVdso32(bytes, RUNNING);
      result = { source: 'running-kernel', bytes, details: {} };
    }
    writeOutputFile(resolve(io.cwd, output), output, result.bytes);
    const sha256 = createHash('sha256').update(result.bytes).digest('hex');
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ output, source: result.source, size: result.bytes.length, sha256, ...result.details }) + '\n');
    } else {
      const from = result.source === 'running-kernel' ? 'the running kernel' : `${image}${result.details.kernelVersion ? ` (${result.details.kernelVersion})` : ''}`;
      io.out(`wrote ${output}: ${result.bytes.length}-byte i386 vDSO from ${from}\n`);
    }
    return EXIT_OK;
  },
};

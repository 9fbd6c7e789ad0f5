// Owns `vdso-lab capture-host -o FILE [--kernel-image VMLINUZ] [--runner CMD] [--json]`:
// saves a real i386 vDSO image to FILE, either the running kernel's (by running the
// project's own i386 capture program, toolchain/capture/) or the one inside a kernel image
// (toolchain/image/). FILE is written atomically: it never exists half-written.
import { createHash } from 'node:crypto';
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { writeOutputFile } from '../output-file';
import { EXIT_OK, EXIT_USAGE, UsageError, flag, stringOption, type CliIo, type Command, type ParsedArgs } from '../command';
import { CaptureFailure, RUNNING, captureRunning } from '../../toolchain/capture/running';
import { extractVdsos } from '../../toolchain/image/kernel-image';
import { validateVdso32 } from '../../toolchain/image/elf-image';

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

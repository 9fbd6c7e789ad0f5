// Shared by the kernel-process tests: builds a C program written by a test with
// gcc -m32 -static, runs it under qemu-i386 (the oracle: this host cannot run i386 itself)
// and under `vdso-lab run` through runCli, and returns stdout, stderr and the exit status.
import { buildC, scratch } from '../support/oracles';

export { runLab, runQemu, type RunOutput } from '../support/run-program';

/** gcc -m32 -static -O1 -o NAME; returns the program's path. */
export function buildStatic(name: string, source: string, dir = scratch()): string {
  return buildC(name, source, ['-static', '-O1', '-w'], dir);
}

// Owns what a --vdso value (the `vdso` launch attribute) stands for, resolved once for the
// CLI and the debugger: a shipped design (built for the CPU and kernel kind), `none`, `host`
// (the running kernel's vDSO, captured by the i386 capture program; where this host cannot
// run it, the distribution kernel's, fetched once into the cache folder; a line says which
// was used), the path of a built vdso32 .so, or a stub's .S (built as the designs are, with
// its line table). Bad values are one-line InputErrors.
import { InputError } from '../errors';
import { CaptureFailure, RUNNING, captureRunning } from '../capture/running';
import { DistroKernelUnavailable, distroVdso } from '../capture/distro-kernel';
import { validateVdso32 } from '../image/elf-image';
import { designImage } from './kept-images';
import { buildStubFile } from './user-stub';
import { VDSO_HOST, VDSO_NONE, isKernelAbi, type CpuModel, type KernelKind } from './options';

export interface VdsoImage {
  readonly bytes: Uint8Array;
  /** How messages and the mapping name it: vdso/DESIGN, the host's, or the file's path. */
  readonly name: string;
}

export interface VdsoSpecContext {
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
  /** Where a relative path starts. */
  resolvePath(path: string): string;
  /** The file's bytes; throws a one-line InputError naming it. */
  readFile(path: string, what: string): Uint8Array;
  /** A line for the user: which vDSO `host` used, a download's progress. */
  note(line: string): void;
}

/**
 * --vdso host: the running kernel's own 32-bit vDSO, or, where it cannot be captured here
 * (no 32-bit compat mode, not x86), the distribution kernel's; `note` says which.
 * `capture`: how the running kernel's is taken (tests give one that fails as such a host's).
 */
export function hostVdso(
  note: (line: string) => void,
  capture: () => Uint8Array = () => captureRunning(undefined),
): VdsoImage & { readonly source: 'running kernel' | 'distribution kernel' } {
  let why: string;
  try {
    const bytes = capture();
    validateVdso32(bytes, RUNNING);
    note(`--vdso host: the running kernel's vDSO (captured by the i386 capture program)`);
    return { bytes, name: 'host', source: 'running kernel' };
  } catch (e) {
    if (!(e instanceof CaptureFailure) && !(e instanceof InputError)) throw e;
    why = e.message.replace(/: (?:extract|try|use) .*$/, '');
  }
  try {
    const distro = distroVdso(note);
    note(`--vdso host: cannot capture the running kernel's vDSO (${why}); using the distribution kernel's, ${distro.path} instead`);
    return { bytes: distro.bytes, name: distro.path, source: 'distribution kernel' };
  } catch (e) {
    if (!(e instanceof DistroKernelUnavailable)) throw e;
    throw new InputError('--vdso host', '', `cannot capture the running kernel's vDSO (${why}) and ${e.message}; give a vdso32 .so instead (vdso-lab capture-host --kernel-image VMLINUZ makes one)`);
  }
}

/** The vDSO image a --vdso value names, or undefined for none. */
export function resolveVdso(spec: string, ctx: VdsoSpecContext): VdsoImage | undefined {
  if (spec === VDSO_NONE) return undefined;
  if (isKernelAbi(spec)) return { bytes: designImage(spec, ctx.kernel, { cpu: ctx.cpu }), name: `vdso/${spec}` };
  if (spec === VDSO_HOST) return hostVdso(ctx.note);
  const path = ctx.resolvePath(spec);
  if (/\.[sS]$/.test(path)) return { bytes: buildStubFile(path, ctx.kernel), name: spec };
  return { bytes: ctx.readFile(path, 'the vDSO image'), name: spec };
}

// Owns the contract checker's vocabulary: the seven checks (a-g) and their names, a
// configuration of the matrix (CPU model x kernel kind x kind of caller), a finding (what
// failed, where: address, symbol+offset, source file:line, expected and actual), and one
// cell's result as the matrix, `vdso-lab check --json` and the tests read it.
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';

export type CheckId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

export const CHECK_IDS: readonly CheckId[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

export const CHECK_NAMES: Readonly<Record<CheckId, string>> = {
  a: 'arguments',
  b: 'preservation',
  c: 'unwinding',
  d: 'restart',
  e: 'single-step',
  f: 'signals',
  g: 'exit path',
};

/**
 * How the guest finds the stub: `sysinfo` calls AT_SYSINFO (as glibc does); `dynsym` looks
 * __kernel_vsyscall up in the mapped image's dynamic symbol table and calls it, falling back
 * to a plain int $0x80 when the symbol is absent; `dynsym-dropped` is the same caller on an
 * auxv kernel that dropped the symbol instead of rewriting it.
 */
export type CallerKind = 'sysinfo' | 'dynsym' | 'dynsym-dropped';

export interface CheckConfig {
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
  readonly caller: CallerKind;
}

/** Where in the guest something was seen. */
export interface Place {
  readonly address: number;
  /** `__kernel_vsyscall+0x9`, or `caller+0x5`. */
  readonly symbol: string;
  /** `vdso/upstream.S:42` when the stub was built from a source. */
  readonly source?: string;
}

export interface Finding {
  readonly check: CheckId;
  /** What does not hold, one line. */
  readonly what: string;
  readonly where?: Place;
  readonly expected: string;
  readonly actual: string;
}

export interface CheckOutcome {
  readonly check: CheckId;
  readonly pass: boolean;
  /** One line on what was checked (cases, points, paths), shown with the verdict. */
  readonly summary: string;
  readonly findings: readonly Finding[];
}

/** The checks for one configuration (one row of the matrix). */
export interface CellResult {
  readonly config: CheckConfig;
  /** The entry the caller reached and the instruction that entered the kernel there. */
  readonly entry: string;
  readonly outcomes: readonly CheckOutcome[];
}

export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

export function hex8(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

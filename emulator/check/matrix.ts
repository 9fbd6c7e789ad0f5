// Owns running the checks over a matrix: for a subject, every CPU model and kernel kind
// asked for, and every kind of caller (AT_SYSINFO; the __kernel_vsyscall dynamic symbol;
// for the auxv ABI also the symbol dropped), each cell running checks a-g on fresh
// processes. A check that throws is reported as failed with the error, never as a crash.
import { CPU_MODELS, KERNEL_KINDS, type CpuModel, type KernelKind } from '../../toolchain/designs/options';
import { InputError } from '../../toolchain/errors';
import { checkArguments } from './check-arguments';
import { checkExitPath } from './check-exit-path';
import { checkPreservation } from './check-preservation';
import { checkRestart } from './check-restart';
import { checkSignals } from './check-signals';
import { checkSingleStep } from './check-single-step';
import { checkUnwind } from './check-unwind';
import { CellContext, type Check } from './context';
import type { KernelHooks } from './session';
import type { StubSubject } from './subject';
import { CHECK_IDS, type CallerKind, type CellResult, type CheckId, type CheckOutcome } from './types';

export const CHECKS: Readonly<Record<CheckId, Check>> = {
  a: checkArguments, b: checkPreservation, c: checkUnwind, d: checkRestart, e: checkSingleStep, f: checkSignals, g: checkExitPath,
};


export interface MatrixOptions {
  readonly cpus?: readonly CpuModel[];
  readonly kernels?: readonly KernelKind[];
  readonly callers?: readonly CallerKind[];
  readonly checks?: readonly CheckId[];
  readonly hooks?: KernelHooks;
}

export interface SubjectResult {
  readonly subject: string;
  readonly abi: string;
  readonly cells: readonly CellResult[];
  /** Set when the subject could not be built or loaded at all. */
  readonly error?: string;
  /** Where the stub could not be built (file, place, what), for a one-line report. */
  readonly errorAt?: { readonly file: string; readonly place: string; readonly detail: string };
}

export function callersFor(abi: string): CallerKind[] {
  return abi === 'auxv' ? ['sysinfo', 'dynsym', 'dynsym-dropped'] : ['sysinfo', 'dynsym'];
}

function runCheck(check: CheckId, ctx: CellContext): CheckOutcome {
  try {
    return CHECKS[check](ctx);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { check, pass: false, summary: 'the check could not run', findings: [{ check, what: 'the check could not run', expected: 'a run', actual: message }] };
  }
}

/** What one configuration (CPU model x kernel kind) of a subject gave: its cells, or why its image could not be built. */
export type ConfigurationResult =
  | { readonly cells: readonly CellResult[] }
  | { readonly error: string; readonly errorAt: { readonly file: string; readonly place: string; readonly detail: string } };

/** Runs the checks for every kind of caller on one configuration of `subject`. */
export function checkConfiguration(subject: StubSubject, cpu: CpuModel, kernel: KernelKind, options: MatrixOptions = {}): ConfigurationResult {
  let image;
  try {
    image = subject.image(cpu, kernel);
  } catch (e) {
    if (e instanceof InputError) return { error: e.message, errorAt: { file: e.file, place: e.place, detail: e.detail } };
    throw e;
  }
  const cells: CellResult[] = [];
  for (const caller of options.callers ?? callersFor(subject.abi)) {
    const config = { cpu, kernel, caller };
    const ctx = new CellContext({ image, abi: subject.abi, cpu, kernel, caller, hooks: options.hooks });
    let entry: string;
    try {
      const plain = ctx.plain();
      const rec = plain.record;
      entry = rec ? `${rec.entry.via === 'int' ? 'int80' : rec.entry.via} at ${plain.session.symbolize(rec.entry.address)}` : 'no entry';
    } catch (e) {
      entry = `cannot run: ${e instanceof Error ? e.message : String(e)}`;
    }
    const outcomes = (options.checks ?? CHECK_IDS).map((id) => runCheck(id, ctx));
    cells.push({ config, entry, outcomes });
  }
  return { cells };
}

/** The configurations of a matrix in the order the results list them (CPU model, then kernel kind). */
export function configurations(options: MatrixOptions = {}): Array<{ cpu: CpuModel; kernel: KernelKind }> {
  return (options.cpus ?? CPU_MODELS).flatMap((cpu) => (options.kernels ?? KERNEL_KINDS).map((kernel) => ({ cpu, kernel })));
}

/** A subject's result from its configurations' results in order: up to the first that could not be built. */
export function subjectResult(subject: StubSubject, results: Iterable<ConfigurationResult>): SubjectResult {
  const cells: CellResult[] = [];
  for (const r of results) {
    if ('error' in r) return { subject: subject.name, abi: subject.abi, cells, error: r.error, errorAt: r.errorAt };
    cells.push(...r.cells);
  }
  return { subject: subject.name, abi: subject.abi, cells };
}

/** Runs the checks on every configuration of `subject`, one after another. */
export function checkSubject(subject: StubSubject, options: MatrixOptions = {}): SubjectResult {
  function* each(): Generator<ConfigurationResult> {
    for (const { cpu, kernel } of configurations(options)) yield checkConfiguration(subject, cpu, kernel, options);
  }
  return subjectResult(subject, each());
}

export function failedChecks(results: readonly SubjectResult[]): CheckId[] {
  const ids = new Set<CheckId>();
  for (const r of results) for (const c of r.cells) for (const o of c.outcomes) if (!o.pass) ids.add(o.check);
  return CHECK_IDS.filter((id) => ids.has(id));
}

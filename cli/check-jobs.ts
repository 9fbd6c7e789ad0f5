// Owns running the check matrix on several cores: the configurations (subject x CPU model x
// kernel kind) are split into one contiguous run per thread, kernel kind before CPU model so
// that a thread builds few images; the first run is checked in this thread (its subjects are
// built and its code is warm), each other one in a worker thread (dist/check-worker.js), and
// the results are put back in the matrix's own order, so the output is identical to one
// thread's. One thread (no worker bundle next to this one, one core, --jobs 1, or a single
// configuration) runs all of them in place.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { callersFor, checkConfiguration, checkSubject, configurations, subjectResult, type ConfigurationResult, type SubjectResult } from '../emulator/check/matrix';
import type { CpuModel, KernelAbi, KernelKind } from '../toolchain/designs/options';
import { subjectsFor } from './check-subjects';

/** What names the subjects and the configurations: every worker rebuilds the same subjects from it. */
export interface MatrixRequest {
  /** --vdso: a design, a .S or a built image (undefined: every shipped design). */
  readonly spec: string | undefined;
  readonly abi: KernelAbi | undefined;
  readonly cwd: string;
  readonly cpus: readonly CpuModel[] | undefined;
  readonly kernels: readonly KernelKind[] | undefined;
}

/** One configuration for a worker: the subject by its index in subjectsFor's list. */
export interface ConfigurationUnit {
  readonly subject: number;
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
}

/** What a worker posts back: its units' results in its order, or the message of an unexpected error. */
export type WorkerReply = { readonly results: readonly ConfigurationResult[] } | { readonly crashed: string };

export const WORKER_FILE = 'check-worker.js';

/** Threads worth running the checks on on this machine (this one and the workers): one per core, at most 4. */
export function defaultJobs(): number {
  return Math.min(4, availableParallelism());
}

function runWorker(file: string, request: MatrixRequest, units: readonly ConfigurationUnit[]): Promise<readonly ConfigurationResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: { request, units } });
    let reply: WorkerReply | undefined;
    worker.once('message', (m: WorkerReply) => { reply = m; });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (reply && 'results' in reply && reply.results.length === units.length) resolve(reply.results);
      else reject(new Error(reply && 'crashed' in reply ? reply.crashed : `a check worker exited with code ${code} before it answered`));
    });
  });
}

/** Splits `units` into at most `jobs` contiguous runs of about equal weight (cells per unit). */
function split(units: readonly ConfigurationUnit[], weight: (u: ConfigurationUnit) => number, jobs: number): ConfigurationUnit[][] {
  const total = units.reduce((s, u) => s + weight(u), 0);
  const runs: ConfigurationUnit[][] = [[]];
  let done = 0;
  for (const u of units) {
    const run = runs[runs.length - 1]!;
    if (run.length > 0 && done >= (total * runs.length) / jobs) runs.push([u]);
    else run.push(u);
    done += weight(u);
  }
  return runs;
}

/** The check matrix for `request`, on `jobs` threads (this one and workers) when `jobs` > 1 and the worker bundle is there. */
export async function checkMatrix(request: MatrixRequest, jobs = defaultJobs(), workerDir = __dirname): Promise<SubjectResult[]> {
  const subjects = subjectsFor(request.spec, request.abi, request.cwd);
  const options = { cpus: request.cpus, kernels: request.kernels };
  const file = join(workerDir, WORKER_FILE);
  const configs = configurations(options);
  const units: ConfigurationUnit[] = subjects.flatMap((_, subject) => configs.map(({ cpu, kernel }) => ({ subject, cpu, kernel })));
  if (jobs <= 1 || units.length <= 1 || !existsSync(file)) return subjects.map((s) => checkSubject(s, options));

  const order = (u: ConfigurationUnit): string => `${String(u.subject).padStart(4, '0')} ${u.kernel} ${configs.findIndex((c) => c.cpu === u.cpu)}`;
  const sorted = [...units].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const runs = split(sorted, (u) => callersFor(subjects[u.subject]!.abi).length, Math.min(jobs, sorted.length));
  // The workers start first; this thread checks the first run meanwhile (their events wait until it is done).
  const others = Promise.all(runs.slice(1).map((run) => runWorker(file, request, run)));
  // Handled here too, so that a worker's failure while this thread's checks throw is no unhandled rejection.
  others.catch(() => undefined);
  const here = runs[0]!.map((u) => checkConfiguration(subjects[u.subject]!, u.cpu, u.kernel, options));
  const replies = [here, ...(await others)];
  const byUnit = new Map<string, ConfigurationResult>();
  runs.forEach((run, k) => run.forEach((u, i) => byUnit.set(order(u), replies[k]![i]!)));
  return subjects.map((s, subject) => subjectResult(s, units.filter((u) => u.subject === subject).map((u) => byUnit.get(order(u))!)));
}

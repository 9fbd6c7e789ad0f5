// Owns running the check matrix on several cores: the configurations (subject x CPU model x
// kernel kind), kernel kind before CPU model, are handed out one at a time, this thread taking
// them from the front (its subjects are built and its code is warm) and each worker thread
// (dist/check-worker.js), once it has built the subjects, from the back, so that a worker slow
// to start costs nothing and each thread builds few images. The results are put back in the
// matrix's own order, so the output is identical to one thread's. One thread (no worker bundle
// next to this one, one core, --jobs 1, or a single configuration) runs all of them in place.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkConfiguration, checkSubject, configurations, subjectResult, type ConfigurationResult, type SubjectResult } from '../emulator/check/matrix';
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

/** What a worker posts: ready (its subjects built), the result of the configuration it was given last, or the message of an unexpected error. */
export type WorkerMessage = { readonly ready: true } | { readonly result: ConfigurationResult } | { readonly crashed: string };

/** What a worker is given: the next configuration, or null when there is none left (it then ends). */
export interface WorkerTask {
  readonly unit: ConfigurationUnit | null;
}

export const WORKER_FILE = 'check-worker.js';

/** Threads worth running the checks on on this machine (this one and the workers): one per core, at most 4. */
export function defaultJobs(): number {
  return Math.min(4, availableParallelism());
}

/**
 * One worker thread checking the configurations `take` hands it (until it hands none), each
 * result given to `put`; settles when the worker has ended.
 */
export function runWorker(file: string, request: MatrixRequest, take: () => ConfigurationUnit | undefined, put: (u: ConfigurationUnit, r: ConfigurationResult) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: { request } });
    let given: ConfigurationUnit | undefined;
    let crashed: string | undefined;
    let finished = false;
    worker.on('message', (m: WorkerMessage) => {
      if ('crashed' in m) {
        crashed = m.crashed;
        return;
      }
      if ('result' in m && given !== undefined) put(given, m.result);
      given = take();
      finished = given === undefined;
      const task: WorkerTask = { unit: given ?? null };
      worker.postMessage(task);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (crashed === undefined && finished) resolve();
      else reject(new Error(crashed ?? `a check worker exited with code ${code} before it answered`));
    });
  });
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
  const queue = [...units].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const byUnit = new Map<string, ConfigurationResult>();
  const put = (u: ConfigurationUnit, r: ConfigurationResult): void => void byUnit.set(order(u), r);
  const others = Promise.all(Array.from({ length: Math.min(jobs, queue.length) - 1 }, () => runWorker(file, request, () => queue.pop(), put)));
  // Handled here too, so that a worker's failure while this thread's checks throw is no unhandled rejection.
  others.catch(() => undefined);
  for (let u = queue.shift(); u !== undefined; u = queue.shift()) {
    put(u, checkConfiguration(subjects[u.subject]!, u.cpu, u.kernel, options));
    // Lets the workers' messages in between configurations.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await others;
  return subjects.map((s, subject) => subjectResult(s, units.filter((u) => u.subject === subject).map((u) => byUnit.get(order(u))!)));
}

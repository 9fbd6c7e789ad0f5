// Owns the fuzzing inside a worker thread: jobs posted to it one at a time (inputs start..end
// of one target; a worker that finished one takes the next, of any target, so that a run
// starts a worker per hang or crash rather than per target), each input marked in shared
// memory before it runs (so the main thread can tell which one hung or exhausted the worker's
// memory), judged by the target's contract; failures and slow inputs are posted back with
// their index. The entry files (fuzz.test.ts, main.ts) call runFuzzWorker when they find
// themselves started as a worker.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { InputMaker } from './inputs';
import { TARGETS } from './targets/index';
import { exitRequests } from './targets/servers';
import type { Seed } from './target';

/** What the worker is started with: the mark that it is one, and the state its jobs share. */
export interface WorkerStart {
  readonly fuzzWorker: true;
  /** [index of the input running, 1 while one runs]. */
  readonly state: SharedArrayBuffer;
}

/** One job, posted to the worker. */
export interface WorkerJob {
  readonly target: string;
  readonly seeds: Seed[];
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  /** Date.now() after which no new input starts. */
  readonly deadline: number;
  /** Replay these bytes instead (npm run fuzz -- --replay FILE). */
  readonly replay?: Uint8Array;
}

export type WorkerMessage =
  | { kind: 'failure'; index: number; message: string }
  | { kind: 'slow'; index: number; ms: number }
  | { kind: 'done'; inputs: number; accepted: number; rejected: number; next: number };

export function isFuzzWorker(): boolean {
  return (workerData as Partial<WorkerStart> | null)?.fuzzWorker === true;
}

/** Takes the jobs posted to this worker, each after the one before has finished. */
export function runFuzzWorker(): void {
  // A server asking the process to exit (an LSP `exit` notification) must not end the worker.
  process.exit = ((): void => {
    exitRequests.count++;
  }) as typeof process.exit;
  // The code under test may print (a guest's output, a library's warning): not the harness's
  // business. Dropped here rather than piped to the main thread, whose end of such a pipe
  // would keep the process alive beside an idle worker (harness.ts keeps one).
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const state = new Int32Array((workerData as WorkerStart).state);
  let jobs = Promise.resolve();
  parentPort!.on('message', (job: WorkerJob) => {
    jobs = jobs.then(() => runJob(job, state));
  });
}

async function runJob(job: WorkerJob, state: Int32Array): Promise<void> {
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
  const target = TARGETS.find((t) => t.name === job.target)!;
  const maker = new InputMaker(target, job.seeds, job.seed);
  const context = await target.prepare?.(job.seeds);
  const limit = target.limitMs ?? 2000;
  let accepted = 0;
  let rejected = 0;
  let index = job.start;
  for (; index < job.end && (index === job.start || Date.now() < job.deadline); index++) {
    const input = job.replay ?? maker.input(index);
    Atomics.store(state, 0, index);
    Atomics.store(state, 1, 1);
    const t0 = performance.now();
    try {
      if ((await target.run(input, context as never)) === 'accepted') accepted++;
      else rejected++;
    } catch (e) {
      const err = e as Error;
      const message = err?.name === 'Violation' ? err.message : `threw ${err?.stack ?? String(e)}`;
      post({ kind: 'failure', index, message });
    }
    Atomics.store(state, 1, 0);
    const ms = performance.now() - t0;
    if (ms > limit) post({ kind: 'slow', index, ms });
    if (job.replay) {
      index++;
      break;
    }
  }
  post({ kind: 'done', inputs: index - job.start, accepted, rejected, next: index });
}

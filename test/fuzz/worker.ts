// Owns the fuzzing inside a worker thread: inputs start..end of one target, each marked in
// shared memory before it runs (so the main thread can tell which one hung or exhausted the
// worker's memory), judged by the target's contract; failures and slow inputs are posted
// back with their index. The entry files (fuzz.test.ts, main.ts) call runFuzzWorker when
// they find themselves started as a worker.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { InputMaker } from './inputs';
import { TARGETS } from './targets/index';
import { exitRequests } from './targets/servers';
import type { Seed } from './target';

export interface WorkerJob {
  readonly fuzzWorker: true;
  readonly target: string;
  readonly seeds: Seed[];
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  /** Date.now() after which no new input starts. */
  readonly deadline: number;
  /** [index of the input running, 1 while one runs]. */
  readonly state: SharedArrayBuffer;
  /** Replay these bytes instead (npm run fuzz -- --replay FILE). */
  readonly replay?: Uint8Array;
}

export type WorkerMessage =
  | { kind: 'failure'; index: number; message: string }
  | { kind: 'slow'; index: number; ms: number }
  | { kind: 'done'; inputs: number; accepted: number; rejected: number; next: number };

export function isFuzzWorker(): boolean {
  return (workerData as Partial<WorkerJob> | null)?.fuzzWorker === true;
}

export async function runFuzzWorker(): Promise<void> {
  const job = workerData as WorkerJob;
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
  // A server asking the process to exit (an LSP `exit` notification) must not end the worker.
  process.exit = ((): void => {
    exitRequests.count++;
  }) as typeof process.exit;
  const target = TARGETS.find((t) => t.name === job.target)!;
  const maker = new InputMaker(target, job.seeds, job.seed);
  const context = await target.prepare?.(job.seeds);
  const state = new Int32Array(job.state);
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

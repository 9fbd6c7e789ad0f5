// Owns running fuzz targets: the seeds (test/fuzz/corpus/NAME/ plus what the oracles make),
// a worker thread fed inputs start..end of one target after another until the time is up (a
// new one only after a hang or a crash), a watchdog that ends a worker whose input runs past
// 3x the target's limit (a hang) and a memory cap whose breach ends it too (the input that
// was running is the culprit), and the failing inputs
// written to test/fuzz/crashes/ with the seed and index that make them again. npm run fuzz
// (test/fuzz/main.ts) and npm test (test/fuzz/fuzz.test.ts) both run through here.
import { Worker } from 'node:worker_threads';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputMaker } from './inputs';
import { TARGETS } from './targets/index';
import type { FuzzTarget, Seed } from './target';
import type { WorkerJob, WorkerMessage, WorkerStart } from './worker';

export interface FuzzOptions {
  readonly seconds: number;
  readonly seed: number;
  /** Target names (default all). */
  readonly targets?: readonly string[];
  /** At most this many inputs per target (default unbounded: the time decides). */
  readonly maxInputs?: number;
  /** Where failing inputs go (default test/fuzz/crashes under the repository). */
  readonly crashes?: string;
  /** Whether an input slower than its target's limit is a failure (default true); a hang (3x the limit) always is. */
  readonly slowFails?: boolean;
  /** The worker's heap cap in MiB (default 1024). */
  readonly memoryMb?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface FuzzFailure {
  readonly index: number;
  readonly message: string;
  /** The input's file under crashes/. */
  readonly file: string;
}

export interface TargetReport {
  readonly target: string;
  readonly seeds: number;
  inputs: number;
  accepted: number;
  rejected: number;
  readonly failures: FuzzFailure[];
}

/** The repository: the nearest folder above this module (or the working directory) with test/fuzz/corpus. */
export function repositoryRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'test', 'fuzz', 'corpus'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return process.cwd();
}

/** The checked-in corpus of a target, then what its `made` builds in `scratch`. */
export function seedsOf(target: FuzzTarget<never>, scratch: string): Seed[] {
  const dir = join(repositoryRoot(), 'test', 'fuzz', 'corpus', target.name);
  const stored = existsSync(dir) ? readdirSync(dir).sort().map((name) => ({ name: join(dir, name), bytes: new Uint8Array(readFileSync(join(dir, name))) })) : [];
  return [...stored, ...(target.made?.(scratch) ?? [])];
}

export function targetsNamed(names: readonly string[] | undefined): FuzzTarget<never>[] {
  if (!names || names.length === 0) return [...TARGETS];
  return names.map((n) => {
    const t = TARGETS.find((x) => x.name === n);
    if (!t) throw new Error(`no fuzz target '${n}' (the targets: ${TARGETS.map((x) => x.name).join(', ')})`);
    return t;
  });
}

let scratchFolder: string | undefined;
/** One folder per process for the seeds the oracles make (targets share what they build there). */
function scratch(): string {
  scratchFolder ??= mkdtempSync(join(tmpdir(), 'vdso-lab-fuzz-'));
  return scratchFolder;
}

type WorkerEnd = { kind: 'done'; next: number } | { kind: 'lost'; index: number; why: string };

/** A worker thread on this file and the state its jobs mark their inputs in. */
interface FuzzWorker {
  readonly worker: Worker;
  readonly view: Int32Array;
  readonly memoryMb: number;
}

/**
 * The worker that finished its last job, kept for the next (unreferenced, so it keeps no
 * process alive): starting one loads this whole file again, about 0.3 s of CPU and 6 K page
 * faults, more than most targets' inputs at the quick scale (docs/speed-and-exactness.md).
 */
let idle: FuzzWorker | undefined;

function startWorker(memoryMb: number): FuzzWorker {
  const state = new SharedArrayBuffer(8);
  const worker = new Worker(__filename, {
    workerData: { state, fuzzWorker: true } satisfies WorkerStart,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 64 },
  });
  const started: FuzzWorker = { worker, view: new Int32Array(state), memoryMb };
  worker.once('exit', () => {
    if (idle === started) idle = undefined;
  });
  return started;
}

/** One job on a worker (the idle one when its memory cap is `memoryMb`), inputs from `start`; resolves when it finishes, hangs or dies. */
function runWorker(target: FuzzTarget<never>, job: WorkerJob, memoryMb: number, onMessage: (m: WorkerMessage) => void): Promise<WorkerEnd> {
  const taken = idle?.memoryMb === memoryMb ? idle : startWorker(memoryMb);
  if (idle && idle !== taken) void idle.worker.terminate();
  idle = undefined;
  const { worker, view } = taken;
  Atomics.store(view, 0, job.start);
  Atomics.store(view, 1, 0);
  worker.ref();
  const hangMs = Math.max(5000, 3 * (target.limitMs ?? 2000));
  return new Promise((resolve) => {
    let settled = false;
    let watched = -1;
    let since = Date.now();
    const finish = (end: WorkerEnd): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      worker.off('message', message).off('error', error).off('exit', exit);
      if (end.kind === 'done') {
        worker.unref();
        idle = taken;
      } else void worker.terminate();
      resolve(end);
    };
    const watchdog = setInterval(() => {
      const index = Atomics.load(view, 0);
      if (Atomics.load(view, 1) === 0 || index !== watched) {
        watched = index;
        since = Date.now();
        return;
      }
      if (Date.now() - since > hangMs) finish({ kind: 'lost', index, why: `hung: still running after ${hangMs} ms` });
    }, 100);
    const message = (m: WorkerMessage): void => {
      onMessage(m);
      if (m.kind === 'done') finish({ kind: 'done', next: m.next });
    };
    const error = (e: Error & { code?: string }): void => {
      const why = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (the cap is ${memoryMb} MiB)` : `an uncaught exception: ${e.stack ?? String(e)}`;
      finish({ kind: 'lost', index: Atomics.load(view, 0), why });
    };
    const exit = (code: number): void => finish({ kind: 'lost', index: Atomics.load(view, 0), why: `the worker exited with status ${code}` });
    worker.on('message', message).on('error', error).on('exit', exit);
    worker.postMessage(job);
  });
}

function writeCrash(dir: string, target: FuzzTarget<never>, seed: number, index: number, input: Uint8Array, message: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${target.name}-seed${seed}-input${index}.${target.kind === 'text' ? 'S' : 'bin'}`);
  writeFileSync(file, input);
  writeFileSync(`${file}.txt`, `target ${target.name}, seed ${seed}, input ${index}\n${message}\nagain: npm run fuzz -- --target ${target.name} --replay ${file}\n`);
  return file;
}

/** Fuzzes each target for `seconds` (or `maxInputs` inputs) from `seed`; failing inputs are written to the crashes folder. */
export async function runFuzz(options: FuzzOptions): Promise<TargetReport[]> {
  const log = options.log ?? (() => undefined);
  const crashes = options.crashes ?? join(repositoryRoot(), 'test', 'fuzz', 'crashes');
  const reports: TargetReport[] = [];
  for (const target of targetsNamed(options.targets)) {
    const seeds = seedsOf(target, scratch());
    const maker = new InputMaker(target, seeds, options.seed);
    const report: TargetReport = { target: target.name, seeds: seeds.length, inputs: 0, accepted: 0, rejected: 0, failures: [] };
    const fail = (index: number, message: string, input = maker.input(index)): void => {
      const file = writeCrash(crashes, target, options.seed, index, input, message);
      report.failures.push({ index, message, file });
      log(`${target.name}: input ${index} FAILED: ${message.split('\n')[0]} (${file})`);
    };
    const deadline = Date.now() + options.seconds * 1000;
    const end = options.maxInputs ?? Number.MAX_SAFE_INTEGER;
    for (let start = 0; start < end && (start === 0 || Date.now() < deadline);) {
      const r = await runWorker(target, { target: target.name, seeds, seed: options.seed, start, end, deadline }, options.memoryMb ?? 1024, (m) => {
        if (m.kind === 'failure') fail(m.index, m.message);
        else if (m.kind === 'slow') {
          if (options.slowFails !== false) fail(m.index, `slow: ${m.ms.toFixed(0)} ms, the limit is ${target.limitMs ?? 2000} ms`);
        }
        else {
          report.inputs += m.inputs;
          report.accepted += m.accepted;
          report.rejected += m.rejected;
        }
      });
      if (r.kind === 'done') break;
      fail(r.index, r.why);
      report.inputs += r.index - start + 1;
      start = r.index + 1;
    }
    log(`${target.name}: ${report.inputs} inputs from ${seeds.length} seeds (${report.accepted} accepted, ${report.rejected} rejected), ${report.failures.length} failures`);
    reports.push(report);
  }
  return reports;
}

/** Runs one stored input through a target (npm run fuzz -- --replay FILE): its failure, or undefined when it passes. */
export async function replay(targetName: string, file: string): Promise<string | undefined> {
  const target = targetsNamed([targetName])[0]!;
  const seeds = seedsOf(target, scratch());
  let failure: string | undefined;
  const r = await runWorker(target, { target: target.name, seeds, seed: 0, start: 0, end: 1, deadline: 0, replay: new Uint8Array(readFileSync(file)) }, 1024, (m) => {
    if (m.kind === 'failure') failure = m.message;
    if (m.kind === 'slow') failure = `slow: ${m.ms.toFixed(0)} ms`;
  });
  return r.kind === 'lost' ? r.why : failure;
}

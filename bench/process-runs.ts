// Owns timing an executable the way every benchmark here does: best wall time of several
// runs and its exit status, or one line saying why it cannot run (not installed, or a host
// that cannot run i386 programs); and the one way the bench runs vdso-lab itself in a
// process of its own (selfCommand, runSelf).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/** The command line of `vdso-lab ARGS` in a process of its own: this node and the CLI bundle it runs. */
export function selfCommand(args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [process.argv[1]!, ...args] };
}

export interface SelfRun {
  /** The best wall time of the runs, start-up included. */
  readonly seconds: number;
  /** The last run's exit status (null when a signal ended it), the signal, and its output. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vdso-lab ARGS` in a process of its own `runs` times (default once), `env` added to this process's environment. */
export function runSelf(args: readonly string[], options: { runs?: number; env?: Readonly<Record<string, string>> } = {}): SelfRun {
  const self = selfCommand(args);
  let best = Infinity;
  let last: SpawnSyncReturns<string> | undefined;
  for (let k = 0; k < (options.runs ?? 1); k++) {
    const t0 = process.hrtime.bigint();
    last = spawnSync(self.command, self.args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...options.env } });
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: best, status: last?.status ?? null, signal: last?.signal ?? null, stdout: last?.stdout ?? '', stderr: last?.stderr ?? '' };
}

/** Runs an executable `runs` times; best wall time and exit status, or the reason it cannot run. */
export function processRuns(command: string, args: string[], runs: number): { seconds: number; status: number } | string {
  let best = Infinity;
  let status = -1;
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(command, args, { stdio: 'ignore' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return `${command} is not installed`;
      if (code === 'ENOEXEC') return 'host cannot run i386 programs';
      return `${command}: ${r.error.message}`;
    }
    if (r.status === null) return `${command} died of signal ${r.signal}`;
    status = r.status;
    best = Math.min(best, seconds);
  }
  return { seconds: best, status };
}


// Owns timing an executable the way every benchmark here does: best wall time of several
// runs and its exit status, or one line saying why it cannot run (not installed, or a host
// that cannot run i386 programs).
import { spawnSync } from 'node:child_process';

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


// Owns running an i386 program under qemu-i386's gdbstub with gdb driving it through a
// Python script (the unwinding and stepping oracle on a host that cannot run i386 code):
// a random loopback port, the script's CONFIG file, bounded time, qemu always killed, and a
// missing oracle named as what .ci/run must install. The script writes one JSON line per stop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from './oracles';

export interface GdbScriptRun {
  readonly program: string;
  /** Python for gdb; it reads CONFIG (a JSON file path) holding `config` plus `out` and `port`. */
  readonly script: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly maxBuffer?: number;
}

/** The JSON lines the script wrote, and qemu's pid (the guest's getpid under qemu). */
export function runGdbScript(run: GdbScriptRun): { lines: string[]; qemuPid: number } {
  const dir = scratch('vdso-lab-gdb-');
  const out = join(dir, 'stops.jsonl');
  const config = join(dir, 'config.json');
  const script = join(dir, 'drive.py');
  const port = 20000 + Math.floor(Math.random() * 30000);
  writeFileSync(config, JSON.stringify({ ...run.config, out, port }));
  writeFileSync(script, `CONFIG = ${JSON.stringify(config)}\n${run.script}`);
  const qemu = spawn('qemu-i386', ['-g', String(port), run.program], { stdio: 'ignore' });
  let qemuError: Error | undefined;
  qemu.on('error', (e) => { qemuError = e; });
  try {
    const gdb = spawnSync('gdb', ['-nx', '-batch', '-ex', 'set auto-load off', '-ex', `file ${run.program}`, '-x', script],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: run.maxBuffer ?? 16 << 20 });
    if (gdb.error) {
      const code = (gdb.error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? "oracle 'gdb' is not installed: .ci/run must install it" : `gdb: ${gdb.error.message}`);
    }
    if (qemuError) {
      const code = (qemuError as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? "oracle 'qemu-i386' is not installed: .ci/run must install it (qemu-user)" : `qemu-i386: ${qemuError.message}`);
    }
    const text = existsSync(out) ? readFileSync(out, 'utf8').trim() : '';
    if (!text) throw new Error(`gdb recorded no stop: ${gdb.stdout}\n${gdb.stderr}`);
    return { lines: text.split('\n'), qemuPid: qemu.pid ?? -1 };
  } finally {
    if (qemu.exitCode === null) qemu.kill('SIGKILL');
  }
}

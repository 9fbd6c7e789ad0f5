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
  /**
   * Python for gdb; it reads CONFIG (a JSON file path) holding `config` plus `out` and `port`,
   * and calls connect(port) to attach to qemu's gdbstub (retried while qemu starts listening).
   */
  readonly script: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly maxBuffer?: number;
}

/** Python defining connect(port): `target remote` retried for up to 5 s while qemu-i386 opens its port. */
const CONNECT = String.raw`
import gdb, time
def connect(port):
    for i in range(100):
        try:
            gdb.execute('target remote :%d' % port, to_string=True)
            return
        except gdb.error:
            time.sleep(0.05)
`;

/** The JSON lines the script wrote, and qemu's pid (the guest's getpid under qemu). */
export function runGdbScript(run: GdbScriptRun): { lines: string[]; qemuPid: number } {
  const dir = scratch('vdso-lab-gdb-');
  const out = join(dir, 'stops.jsonl');
  const config = join(dir, 'config.json');
  const script = join(dir, 'drive.py');
  const port = 20000 + Math.floor(Math.random() * 30000);
  writeFileSync(config, JSON.stringify({ ...run.config, out, port }));
  writeFileSync(script, `CONFIG = ${JSON.stringify(config)}\n${CONNECT}\n${run.script}`);
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

/**
 * A script for runGdbScript: a breakpoint on `line` of prog.c, continue, then `command`
 * (next or step) up to `steps` times, one JSON line per stop ({function, line, pc}), until
 * the stop leaves `function` (untilLeaving) or reaches it (not untilLeaving).
 */
export const GDB_LINE_STEPS = String.raw`
import gdb, json, time
cfg = json.load(open(CONFIG))
out = open(cfg['out'], 'w')
connect(cfg['port'])
gdb.execute('break prog.c:%d' % cfg['line'], to_string=True)
gdb.execute('continue', to_string=True)
def where():
    f = gdb.newest_frame()
    sal = f.find_sal()
    return {'function': f.name(), 'line': sal.line, 'pc': f.pc()}
out.write(json.dumps(where()) + '\n')
for i in range(cfg['steps']):
    try:
        gdb.execute(cfg['command'], to_string=True)
    except gdb.error:
        break
    w = where()
    out.write(json.dumps(w) + '\n')
    if (w['function'] != cfg['function']) == cfg['untilLeaving']:
        break
out.close()
try:
    gdb.execute('kill')
except gdb.error:
    pass
`;

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
  return runGdbScripts([run.program], run.script, [run.config], run.maxBuffer)[0]!;
}

/**
 * runGdbScript for several programs in one gdb (a gdb start is about 0.15 s of CPU and 3 K page
 * faults): each under a qemu-i386 of its own, the script run for each in turn with its own
 * CONFIG (`configs[i]` plus its `out` and `port`), the breakpoints of the one before deleted.
 */
export function runGdbScripts(programs: readonly string[], script: string, configs: readonly Readonly<Record<string, unknown>>[], maxBuffer = 16 << 20): Array<{ lines: string[]; qemuPid: number }> {
  const dir = scratch('vdso-lab-gdb-');
  const runs = programs.map((program, i) => {
    const out = join(dir, `stops-${i}.jsonl`);
    const config = join(dir, `config-${i}.json`);
    const port = 20000 + Math.floor(Math.random() * 30000);
    writeFileSync(config, JSON.stringify({ ...configs[i], out, port }));
    return { program, out, config, port };
  });
  const driver = join(dir, 'drive.py');
  writeFileSync(join(dir, 'script.py'), script);
  writeFileSync(driver, [
    CONNECT,
    `SCRIPT = open(${JSON.stringify(join(dir, 'script.py'))}).read()`,
    `for CONFIG, PROGRAM in ${JSON.stringify(runs.map((r) => [r.config, r.program]))}:`,
    "    gdb.execute('delete', to_string=True)",
    "    gdb.execute('file %s' % PROGRAM, to_string=True)",
    '    exec(SCRIPT, dict(globals(), CONFIG=CONFIG))',
    '',
  ].join('\n'));
  const qemus = runs.map((r) => spawn('qemu-i386', ['-g', String(r.port), r.program], { stdio: 'ignore' }));
  let qemuError: Error | undefined;
  for (const qemu of qemus) qemu.on('error', (e) => { qemuError = e; });
  try {
    const gdb = spawnSync('gdb', ['-nx', '-batch', '-ex', 'set auto-load off', '-ex', 'set confirm off', '-x', driver],
      { encoding: 'utf8', timeout: 60_000 * runs.length, maxBuffer });
    if (gdb.error) {
      const code = (gdb.error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? "oracle 'gdb' is not installed: .ci/run must install it" : `gdb: ${gdb.error.message}`);
    }
    if (qemuError) {
      const code = (qemuError as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? "oracle 'qemu-i386' is not installed: .ci/run must install it (qemu-user)" : `qemu-i386: ${qemuError.message}`);
    }
    return runs.map((r, i) => {
      const text = existsSync(r.out) ? readFileSync(r.out, 'utf8').trim() : '';
      if (!text) throw new Error(`gdb recorded no stop for ${r.program}: ${gdb.stdout}\n${gdb.stderr}`);
      return { lines: text.split('\n'), qemuPid: qemus[i]!.pid ?? -1 };
    });
  } finally {
    for (const qemu of qemus) if (qemu.exitCode === null) qemu.kill('SIGKILL');
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

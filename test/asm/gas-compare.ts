// Owns running one source through `as --32` and `vdso-lab asm -c` (runCli in this process, with
// the bytes a process would write: test/asm/cli.test.ts covers the executable itself) and
// asserting the same outcome: the same standard output (what `.print` writes), the same messages on the same lines (vdso-lab adds a column after the line; where
// GAS names no line, the text alone), the matching exit status (vdso-lab exits 2 where GAS
// exits 1: README, an input error) and, when both write one, the same object.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { run, scratch } from '../support/oracles';

const dir = scratch('vdso-lab-gas-compare-');

export interface Outcome { readonly status: number | null; readonly messages: string[]; readonly stdout: Buffer; readonly object?: Buffer }

/** `LINE: Error: TEXT` per message, or `Error: TEXT` when GAS names no line. */
function messages(stderr: string, file: string): string[] {
  return stderr.split('\n').flatMap((line) => {
    const m = new RegExp(`^${file.replace('.', '\\.')}:(?:(\\d+)(?::\\d+)?:)? (.*)$`).exec(line);
    return m && !m[2]!.startsWith('Assembler messages') ? [m[1] ? `${m[1]}: ${m[2]}` : m[2]!] : [];
  });
}

/** What one assembler did with NAME.s in `dir`: its exit status, output and the object's path. */
export interface AssemblerRun { readonly status: number | null; readonly stdout: Buffer; readonly stderr: string; readonly path: string }

function gasRun(name: string): AssemblerRun {
  const path = join(dir, `${name}.gas.o`);
  const r = spawnSync('as', ['--32', `${name}.s`, '-o', path], { cwd: dir });
  if (r.error) {
    // A missing `as` fails with what .ci/run must install (run's message), not as a mismatch.
    run('as', ['--version']);
    throw r.error;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8'), path };
}

/** `vdso-lab asm NAME.s -c -o OBJ` from `dir`, its output as the executable writes it (text as UTF-8). */
async function labRun(name: string): Promise<AssemblerRun> {
  const path = join(dir, `${name}.lab.o`);
  const stdout: Buffer[] = [];
  let stderr = '';
  const io = {
    cwd: dir,
    out: (text: string) => void stdout.push(Buffer.from(text)),
    err: (text: string) => void (stderr += text),
    outBytes: (bytes: Uint8Array) => (stdout.push(Buffer.from(bytes)), bytes.length),
  };
  const status = await runCli(['asm', `${name}.s`, '-c', '-o', path], io);
  return { status, stdout: Buffer.concat(stdout), stderr, path };
}

/** Writes `source` to NAME.s and assembles it with as --32 and with vdso-lab asm -c. */
export async function assembleWithBoth(name: string, source: string): Promise<{ gas: AssemblerRun; lab: AssemblerRun }> {
  writeFileSync(join(dir, `${name}.s`), source);
  return { gas: gasRun(name), lab: await labRun(name) };
}

function outcome(r: AssemblerRun, name: string): Outcome {
  return { status: r.status, messages: messages(r.stderr, `${name}.s`), stdout: r.stdout, object: r.status === 0 && existsSync(r.path) ? readFileSync(r.path) : undefined };
}


/** Both assemblers on `source`; asserts the same messages, the matching exit status and the same object. */
export function compareWithGas(name: string, source: string): Promise<Outcome> {
  return compareOutcomes(name, source, true);
}

/** As compareWithGas, but for a source whose objects differ where docs/gas-differences.md says: messages and exit status only. */
export function compareMessagesWithGas(name: string, source: string): Promise<Outcome> {
  return compareOutcomes(name, source, false);
}

async function compareOutcomes(name: string, source: string, objects: boolean): Promise<Outcome> {
  const runs = await assembleWithBoth(name, source);
  const gas = outcome(runs.gas, name);
  const lab = outcome(runs.lab, name);
  // Where GAS names no line, ours does: compare the text alone.
  const lineless = new Set(gas.messages.filter((m) => !/^\d+: /.test(m)));
  assert.deepEqual(lab.messages.map((m) => (lineless.has(m.replace(/^\d+: /, '')) ? m.replace(/^\d+: /, '') : m)), gas.messages);
  assert.equal(lab.status, gas.status === 0 ? 0 : 2);
  assert.ok(lab.stdout.equals(gas.stdout), `standard output: ${JSON.stringify(lab.stdout.toString('latin1'))}, GNU as: ${JSON.stringify(gas.stdout.toString('latin1'))}`);
  assert.equal(lab.object === undefined, gas.object === undefined, `object written: ${lab.object !== undefined}`);
  if (objects && lab.object && gas.object) assert.ok(lab.object.equals(gas.object), `${name}: the objects differ`);
  return gas;
}

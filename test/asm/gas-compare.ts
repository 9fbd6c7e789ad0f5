// Owns running one source through `as --32` and `vdso-lab asm -c` and asserting the same
// outcome: the same standard output (what `.print` writes), the same messages on the same lines (vdso-lab adds a column after the line; where
// GAS names no line, the text alone), the matching exit status (vdso-lab exits 2 where GAS
// exits 1: README, an input error) and, when both write one, the same object.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

function outcome(cmd: string, args: string[], name: string, obj: string): Outcome {
  const r = spawnSync(cmd, args, { cwd: dir });
  return { status: r.status, messages: messages(r.stderr.toString('utf8'), `${name}.s`), stdout: r.stdout, object: r.status === 0 && existsSync(obj) ? readFileSync(obj) : undefined };
}

/** Both assemblers on `source`; asserts the same messages, the matching exit status and the same object. */
export function compareWithGas(name: string, source: string): Outcome {
  return compareOutcomes(name, source, true);
}

/** As compareWithGas, but for a source whose objects differ where docs/gas-differences.md says: messages and exit status only. */
export function compareMessagesWithGas(name: string, source: string): Outcome {
  return compareOutcomes(name, source, false);
}

function compareOutcomes(name: string, source: string, objects: boolean): Outcome {
  run('as', ['--version']);
  writeFileSync(join(dir, `${name}.s`), source);
  const gasObj = join(dir, `${name}.gas.o`);
  const labObj = join(dir, `${name}.lab.o`);
  const gas = outcome('as', ['--32', `${name}.s`, '-o', gasObj], name, gasObj);
  const lab = outcome(process.execPath, [resolve('dist/cli.js'), 'asm', `${name}.s`, '-c', '-o', labObj], name, labObj);
  // Where GAS names no line, ours does: compare the text alone.
  const lineless = new Set(gas.messages.filter((m) => !/^\d+: /.test(m)));
  assert.deepEqual(lab.messages.map((m) => (lineless.has(m.replace(/^\d+: /, '')) ? m.replace(/^\d+: /, '') : m)), gas.messages);
  assert.equal(lab.status, gas.status === 0 ? 0 : 2);
  assert.ok(lab.stdout.equals(gas.stdout), `standard output: ${JSON.stringify(lab.stdout.toString('latin1'))}, GNU as: ${JSON.stringify(gas.stdout.toString('latin1'))}`);
  assert.equal(lab.object === undefined, gas.object === undefined, `object written: ${lab.object !== undefined}`);
  if (objects && lab.object && gas.object) assert.ok(lab.object.equals(gas.object), `${name}: the objects differ`);
  return gas;
}

// Owns `vdso-lab alternatives FILE --cpu C --kernel K --json` as the language-server tests read
// it: the CLI's own run (cli/run-cli.ts) in this process, which its tests are not about; the
// CLI's process is tested in test/cli. A status other than 0 fails with the CLI's stderr.
import assert from 'node:assert/strict';
import { runCli } from '../../cli/run-cli';

export interface AlternativesJson {
  readonly entries: Array<{ index: number; site: number; replacement: number; originalBytes: string; replacementBytes: string }>;
  readonly patches: Array<{ address: number; after: string }>;
}

export async function cliAlternatives(file: string, cpu: string, kernel: string): Promise<AlternativesJson> {
  let out = '';
  let err = '';
  const status = await runCli(['alternatives', file, '--cpu', cpu, '--kernel', kernel, '--json'], { out: (t) => void (out += t), err: (t) => void (err += t), cwd: process.cwd() });
  assert.equal(status, 0, err);
  return JSON.parse(out) as AlternativesJson;
}

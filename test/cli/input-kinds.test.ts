// Every file the project reads is checked before it is read (toolchain/input-file.ts):
// /dev/zero, a FIFO with no writer and a folder given to each file-reading command give one
// line and status 2 promptly, with the CLI's heap capped at 512 MB. At full scale each
// command line runs in a process of its own; quick runs take each input and each command at
// least once and run those command lines as one batch in one child under the same heap cap
// (test/cli/cli-batch.ts): its bounds, not the test's process, meet a read without end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { combinations, TEST_SCALE } from '../support/scale';
import { answerBatch, isBatchChild, runBatch, type BatchOutcome } from './cli-batch';
import type { Invocation } from './invoke';
import { nonFileInputs } from './non-file-inputs';

/** Generous bound per command line: a read without end or a wait would run into it; a check answers at once. */
const BOUND_MS = 10_000;
const NODE_OPTIONS = ['--max-old-space-size=512'];

if (isBatchChild) answerBatch();
else registerTests();

function registerTests(): void {
  const { dir, fifo, kinds: INPUTS } = nonFileInputs('vdso-lab-input-kinds-');
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(4096));

  const commands: Array<(file: string) => string[]> = [
    (f) => ['run', f],
    (f) => ['run', join(dir, 'big.bin'), '--vdso', f],
    (f) => ['disasm', f],
    (f) => ['symbols', f],
    (f) => ['frames', f],
    (f) => ['lines', f],
    (f) => ['check', '--vdso', f],
    (f) => ['alternatives', f],
    (f) => ['asm', f, '-o', join(dir, 'out.o')],
    (f) => ['capture-host', '--kernel-image', f, '-o', join(dir, 'out.so')],
  ];

  /** Each input with each command (quick runs: each input and each command at least once). */
  const PAIRS = combinations({ input: INPUTS, command: commands }).map(({ input, command }) => ({ file: input[0], args: command(input[0]) }));

  /** One command line in a process of its own. */
  function spawned(args: readonly string[]): Invocation & { readonly signal: NodeJS.Signals | null } {
    const r = spawnSync(process.execPath, [...NODE_OPTIONS, resolve('dist/cli.js'), ...args], { encoding: 'utf8', cwd: dir, timeout: BOUND_MS });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
  }
  let batch: BatchOutcome | undefined;
  /** Every pair's command line in one child, run on first use (quick runs). */
  const batched = (): BatchOutcome => (batch ??= runBatch(__filename, PAIRS.map((p) => p.args), dir, NODE_OPTIONS, BOUND_MS * PAIRS.length));

  for (const [file, kind] of INPUTS) {
    test(`${file === fifo ? 'a FIFO' : file.endsWith('folder') ? 'a folder' : file} as input: one line, status 2, for every command`, () => {
      for (const [i, pair] of PAIRS.entries()) {
        if (pair.file !== file) continue;
        const { args } = pair;
        let r: Invocation;
        if (TEST_SCALE >= 1) {
          const one = spawned(args);
          assert.equal(one.signal, null, `${args.join(' ')}: ended by ${one.signal} (hung or ran out of memory)`);
          r = one;
        } else {
          const { results, failure } = batched();
          assert.ok(results, `the batch of command lines (hung or ran out of memory?): ${failure}`);
          r = results[i]!;
        }
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, new RegExp(`^vdso-lab \\S+: [^\\n]*is ${kind}, not a file\\n$`), args.join(' '));
      }
    });
  }
}

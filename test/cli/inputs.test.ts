// Every file the project reads is checked before it is read (toolchain/input-file.ts):
// /dev/zero, a FIFO with no writer and a folder given as an #include, as --stdin's FIFO
// limit, and as the debugger's program, give one line and status 2 promptly, with the CLI's
// heap capped at 512 MB; sizes over the setting are refused (each file-reading command given
// them: test/cli/input-kinds.test.ts). At full scale each of those command lines runs in a
// process of its own; quick runs give them to one child under the same heap cap
// (test/cli/cli-batch.ts), each line with its own settings.
// --stdin naming a device or FIFO is read as the guest reads it, and gives what qemu-i386 gives
// (through test/cli/invoke.ts: what the guest reads is not about the CLI's process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_SCALE } from '../support/scale';
import { launchTarget } from '../../emulator/debug/launch';
import { nodeDebugHost } from '../../debug-adapter/node-host';
import { InputError } from '../../toolchain/errors';
import type { DebugLaunchOptions } from '../../emulator/debug/types';
import { buildBareGuest } from './bare-guest';
import { nonFileInputs } from './non-file-inputs';
import { answerBatch, isBatchChild, runBatch, type BatchOutcome } from './cli-batch';
import { cliArgs, vdsoLab, type Invocation } from './invoke';

/** The heap cap the command lines below run under. */
const NODE_OPTIONS = ['--max-old-space-size=512'];
/**
 * A bound for a read without end or a wait, which would run into it; a check answers at once
 * and a guest run takes seconds, more on a loaded machine (10 s was reached at load 15-20).
 */
const BOUND_MS = 60_000;

if (isBatchChild) answerBatch();
else registerTests();

function registerTests(): void {
  const { dir, fifo, kinds } = nonFileInputs('vdso-lab-inputs-');
  writeFileSync(join(dir, 'inc.S'), '#include "/dev/zero"\nnop\n');
  writeFileSync(join(dir, 'incfifo.S'), `.globl _start\n_start:\n#include "${fifo}"\n`);
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(4096));

  // A guest that reads stdin (up to argv[1] bytes, or to EOF) and prints the count and a hash of the bytes.
  // Without the C library (test/cli/bare-guest.ts): system call 3 is read.
  const reader = buildBareGuest(
    'reader',
    `int main(int argc, char **argv) {
  long want = argc > 1 ? number(argv[1]) : -1, got = 0;
  unsigned sum = 0;
  static unsigned char buf[65536];
  while (want < 0 || got < want) {
    long n = sys(3, 0, (long)buf, want < 0 || want - got > (long)sizeof buf ? (long)sizeof buf : want - got);
    if (n <= 0) break;
    for (long i = 0; i < n; i++) sum = sum * 31 + buf[i];
    got += n;
  }
  putNumber(1, got);
  put(1, " ");
  putUnsigned(1, sum);
  put(1, "\\n");
  return 0;
}
`,
    dir,
  );

  /** Each command line the tests below give the CLI under NODE_OPTIONS, with its settings. */
  const LINES = {
    include: { args: ['asm', 'inc.S', '-o', 'out.o'], env: {} },
    overLimit: { args: ['symbols', 'big.bin'], env: { VDSO_LAB_INPUT_LIMIT: '1K' } },
    badLimit: { args: ['symbols', 'big.bin'], env: { VDSO_LAB_INPUT_LIMIT: 'lots' } },
    endless: { args: ['run', reader, '--stdin', '/dev/zero'], env: { VDSO_LAB_INPUT_LIMIT: '1M' } },
  } as const;
  type Line = keyof typeof LINES;
  let batch: BatchOutcome | undefined;

  /** How the CLI ended `line`: in a process of its own at full scale, in the batch of all the lines (run on first use) at a smaller one. */
  function cli(line: Line): Invocation {
    const { args, env } = LINES[line];
    if (TEST_SCALE >= 1) {
      const r = spawnSync(process.execPath, [...cliArgs(...NODE_OPTIONS), ...args], { encoding: 'utf8', cwd: dir, timeout: BOUND_MS, env: { ...process.env, ...env } });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    }
    const lines = Object.values(LINES);
    batch ??= runBatch(__filename, lines, dir, cliArgs(...NODE_OPTIONS).slice(0, -1), BOUND_MS * lines.length);
    assert.ok(batch.results, `the batch of command lines (hung or ran out of memory?): ${batch.failure}`);
    return batch.results[Object.keys(LINES).indexOf(line)]!;
  }

  test('#include of a device is one line naming it, status 2', () => {
    const r = cli('include');
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'vdso-lab asm: /dev/zero: is a device, not a file\n');
  });

  test('a file over the input limit setting is refused before it is read', () => {
    const r = cli('overLimit');
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'vdso-lab symbols: big.bin: 4096 bytes is more than the limit of 1024 bytes\n');
    const bad = cli('badLimit');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^vdso-lab symbols: VDSO_LAB_INPUT_LIMIT: expected a size/);
  });

  test('--stdin naming a device is read as the guest reads it: 1 MiB of /dev/zero under a 256 MB heap', () => {
    const r = spawnSync(process.execPath, [...cliArgs('--max-old-space-size=256'), 'run', reader, '--stdin', '/dev/zero', '--', String(2 ** 20)], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
    assert.equal(r.signal, null, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${2 ** 20} 0\n`);
  });

  test('--stdin naming a device without end stops at the input limit with one line', () => {
    const r = cli('endless');
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'vdso-lab run: --stdin /dev/zero: more than the limit of 1 MiB (a stream without end?)\n');
  });

  test('--stdin naming a regular file or a FIFO gives what qemu-i386 gives with it as stdin', async () => {
    const input = join(dir, 'input.bin');
    writeFileSync(input, Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24)));
    const fd = openSync(input, 'r');
    const oracle = spawnSync('qemu-i386', [reader], { encoding: 'utf8', stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    assert.equal(oracle.status, 0, oracle.stderr);
    assert.match(oracle.stdout, /^300000 \d+\n$/);
    const file = await vdsoLab(['run', reader, '--stdin', input], dir);
    assert.equal(file.stderr, '');
    assert.equal(file.stdout, oracle.stdout);
    // The same bytes through a FIFO, written by another process while the guest reads.
    const stream = join(dir, 'stdin-fifo');
    spawnSync('mkfifo', [stream]);
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', input, stream]);
    const piped = await vdsoLab(['run', reader, '--stdin', stream], dir);
    writer.kill();
    assert.equal(piped.stderr, '');
    assert.equal(piped.stdout, oracle.stdout);
  });

  test("the debugger's program: a device, a FIFO or a folder is a one-line InputError", () => {
    for (const [program] of kinds) {
      assert.throws(
        () => launchTarget({ program } as DebugLaunchOptions, nodeDebugHost(() => dir), () => undefined),
        (e: unknown) => e instanceof InputError && /the program: is (a device|a FIFO|a folder), not a file$/.test(e.message),
        program,
      );
    }
    // A program given as its source, whose #include names a FIFO: the same line, not "no such file".
    assert.throws(
      () => launchTarget({ program: join(dir, 'incfifo.S') } as DebugLaunchOptions, nodeDebugHost(() => dir), () => undefined),
      (e: unknown) => e instanceof InputError && /fifo: an included file: is a FIFO, not a file$/.test(e.message),
    );
  });
}

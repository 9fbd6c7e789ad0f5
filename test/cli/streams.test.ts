// Output is streamed, not held: 100 MiB of guest stdout reaches `wc -c` in full with the
// CLI's peak memory under 300 MB; a closed pipe (`| head`) ends run, disasm and symbols
// quietly, and so does a closed stderr under `run --trace`; the guest sees EPIPE (SIGPIPE
// ignored) or dies of SIGPIPE as under qemu-i386;
// and `run --trace syscalls --json` writes one JSON object per line as it goes.
// Each program is built once for the file; quick runs flood a tenth of the output, sample the
// commands under | head and the closed-stderr cases, and read the JSON trace in process
// (test/cli/invoke.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildC, scratch } from '../support/oracles';
import { sampled, scaled } from '../support/scale';
import { buildBareGuest } from './bare-guest';
import { cliCommand, vdsoLab } from './invoke';
import { peakMemory } from './peak-memory';

const dir = scratch('vdso-lab-streams-');

// The guests are built without the C library (test/cli/bare-guest.ts): system call 4 is write,
// 67 sigaction (SIGPIPE, 13, set to SIG_IGN, 1), 20 getpid, 64 getppid, 24 getuid.
const FLOOD = String.raw`
static char buf[65536];
int main(int argc, char **argv) {
  long count = number(argv[1]);
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = 'x';
  for (long i = 0; i < count; i++) if (sys(4, 1, (long)buf, sizeof buf) != sizeof buf) return 3;
  return 0;
}
`;

const PIPE = String.raw`
int main(int argc, char **argv) {
  static unsigned long ignore[4] = { 1, 0, 0, 0 };
  if (argc > 1 && sys(67, 13, (long)ignore, 0) != 0) return 9;
  static char buf[4096];
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = 'y';
  for (int i = 0; i < 100000; i++) {
    long r = sys(4, 1, (long)buf, sizeof buf);
    if (r < 0) { put(2, r == -32 ? "write: EPIPE" : "write: error "); if (r != -32) putNumber(2, -r); put(2, "\n"); return 7; }
  }
  return 0;
}
`;

/** The program `build` makes, built on first use and shared by the file's tests. */
function builtOnce(build: () => string): () => string {
  let path: string | undefined;
  return () => (path ??= build());
}
const flood = builtOnce(() => buildBareGuest('flood', FLOOD, dir));
// A static glibc program, for output larger than a pipe holds: its symbols and its disassembly.
const large = builtOnce(() => buildC('large', 'int main(void) { return 3; }', ['-static', '-O1'], dir));
const exits3 = builtOnce(() => buildBareGuest('exits3', 'int main(void) { sys(20, 0, 0, 0); sys(64, 0, 0, 0); sys(24, 0, 0, 0); return 3; }', dir));
// Its trace is more than a pipe holds, so the CLI is still writing it when a reader that takes one byte goes.
const chatty = builtOnce(() => buildBareGuest('chatty', 'int main(void) { for (int i = 0; i < 5000; i++) sys(20, 0, 0, 0); return 3; }', dir));

function sh(command: string) {
  return spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
}

const cli = cliCommand();

/** How many 64 KiB writes the flood makes (100 MiB at full scale). */
const WRITES = scaled(1600);

test(`${WRITES / 16} MiB of guest output reaches wc -c in full, the CLI under 300 MB`, () => {
  const prog = flood();
  // The peak is written to a file at exit, not to the pipes under test.
  const peak = peakMemory(dir);
  const r = sh(`${cliCommand(peak.node)} run ${prog} -- ${WRITES} | wc -c`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(WRITES * 2 ** 16));
  const peakKb = peak.read();
  assert.ok(peakKb > 0 && peakKb < 300 * 1024, `peak ${peakKb} KB`);
});

test('| head ends run, disasm and symbols quietly', () => {
  // Quick runs: symbols alone (the EPIPE test below has run under | head too).
  for (const args of sampled([`symbols --all ${large()}`, `disasm ${large()}`, `run ${flood()} -- ${WRITES}`])) {
    const r = spawnSync('bash', ['-c', `${cli} ${args} | head -c 100 > /dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    assert.equal(r.stderr, '', args);
    assert.equal(r.stdout.trim(), '141', args);
  }
});

test('the guest sees EPIPE, or dies of SIGPIPE, as under qemu-i386', () => {
  const prog = buildBareGuest('pipe', PIPE, dir);
  for (const extra of ['', ' ignore']) {
    const q = spawnSync('bash', ['-c', `qemu-i386 ${prog}${extra} | head -c 1 > /dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 120_000 });
    const l = spawnSync('bash', ['-c', `${cli} run ${prog} --${extra} | head -c 1 > /dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(l.stdout, q.stdout, `status${extra}`);
    assert.equal(l.stderr, q.stderr, `stderr${extra}`);
  }
});

test('--trace syscalls --json: one JSON object per line, the outcome last', async () => {
  const r = await vdsoLab(['run', exits3(), '--trace', 'syscalls', '--json']);
  assert.equal(r.status, 3);
  const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines.pop()!;
  assert.equal(last.status, 3);
  assert.equal(last.events, lines.length);
  assert.ok(lines.length > 3);
  assert.equal(lines.at(-1)!.name, 'exit_group');
});

test('run --trace with stderr closed (2>&-) or its reader gone ends quietly with 141, as | head does', () => {
  const prog = exits3();
  const status = (redirect: string, guest = prog): string =>
    spawnSync('bash', ['-c', `${cli} run ${guest} --trace syscalls ${redirect}; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', cwd: dir, timeout: 120_000 }).stdout.trim();
  const cases: Array<[string, () => string, string]> = [
    ['2>&-', () => status('2>&-'), '141'],
    ['--json 2>&-', () => status('--json 2>&-'), '141'],
    ['reader gone', () => status('2>&1 >/dev/null | head -c 1 >/dev/null', chatty()), '141'],
    // Sent to /dev/null, the trace is written, not refused: the guest's status comes back.
    ['2>/dev/null', () => status('2>/dev/null'), '3'],
    // Without --trace, stderr carries only diagnostics, which a closed stderr drops.
    ['no --trace, 2>&-', () => spawnSync('bash', ['-c', `${cli} run ${prog} 2>&-; echo $?`], { encoding: 'utf8', cwd: dir }).stdout.trim(), '3'],
  ];
  // Quick runs: the first (closed); the status a closed stderr keeps without --trace is left to full scale.
  for (const [what, got, want] of sampled(cases)) assert.equal(got(), want, what);
});

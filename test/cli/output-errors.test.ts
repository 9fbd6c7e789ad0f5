// Output that cannot be written: with stdout closed at start (`>&-`) or on a full disk
// (`> /dev/full`), every command that writes there ends with one line on stderr and the
// status coreutils' `ls` gives in the same situation ("write error: " and strerror's text),
// the servers (`dap`, `lsp --stdio`) refuse to start; a guest run with stdout closed sees
// EBADF from its write, as under qemu-i386; and a reader that goes away mid-output (`| head`)
// ends `start` and the servers quietly with status 141, no stack trace; a stderr whose reader
// is gone costs the servers their log lines, not their answers. Quick runs sample the commands
// and servers (test/support/scale.ts) and leave `start | head` to full scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { scratch } from '../support/oracles';
import { sampled, TEST_SCALE } from '../support/scale';
import { within } from '../support/within';
import { buildBareGuest } from './bare-guest';
import { cliArgs, cliCommand } from './invoke';

const dir = scratch('vdso-lab-output-errors-');
const cli = cliCommand();

/** Runs a bash command line in the scratch folder; its stdout, stderr and status. */
function sh(line: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// Without the C library (test/cli/bare-guest.ts): system call 4 is write, and -9 is EBADF.
const WRITER = String.raw`
int main(void) {
  long r = sys(4, 1, (long)"out\n", 4);
  put(2, "write: ");
  if (r >= 0) { putNumber(2, r); put(2, " ok\n"); return 0; }
  put(2, "-1 ");
  if (r == -9) put(2, "EBADF"); else { put(2, "errno "); putNumber(2, -r); }
  put(2, "\n");
  return 4;
}
`;
let writer: string | undefined;
/** The WRITER program, built once for the file. */
const writerProgram = (): string => (writer ??= buildBareGuest('writer', WRITER, dir));

test('stdout closed at start or a full disk: one line "write error: ..." and the status ls gives, for every kind of command', () => {
  const prog = writerProgram();
  for (const redirect of ['>&-', '> /dev/full']) {
    const ls = sh(`ls / ${redirect}`);
    const reason = /^ls: (write error: .*)\n$/.exec(ls.stderr);
    assert.ok(reason, `ls ${redirect}: ${ls.stderr}`);
    // Quick runs take two of these, start not among them (it computes the whole check
    // matrix before its first write; the closed pipe below ends it at every scale): a help
    // text, and (>&-) a server or (/dev/full) a file's command.
    const cases: Array<[string, string]> = [
      ['--help', 'vdso-lab'],
      ['start', 'vdso-lab start'],
      ['disasm --help', 'vdso-lab disasm'],
      [`symbols --all ${prog}`, 'vdso-lab symbols'],
    ];
    if (redirect === '>&-') cases.push(['dap < /dev/null', 'vdso-lab dap'], ['lsp --stdio < /dev/null', 'vdso-lab lsp']);
    for (const [args, prefix] of sampled(cases, 2)) {
      const r = sh(`${cli} ${args} ${redirect}`);
      assert.deepEqual({ stderr: r.stderr, status: r.status }, { stderr: `${prefix}: ${reason[1]}\n`, status: ls.status }, `${args} ${redirect}`);
    }
  }
});

test('a guest whose stdout is closed gets EBADF from write, as under qemu-i386', () => {
  const prog = writerProgram();
  const q = sh(`qemu-i386 ${prog} >&-`);
  assert.match(q.stderr, /^write: -1 EBADF\n$/);
  const l = sh(`${cli} run ${prog} >&-`);
  assert.deepEqual({ stderr: l.stderr, status: l.status }, { stderr: q.stderr, status: q.status });
});

const LSP_INITIALIZE = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}';
const DAP_INITIALIZE = '{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"vdso-lab","pathFormat":"path"}}';
const SERVERS = [
  { server: ['lsp', '--stdio'], body: LSP_INITIALIZE, answer: /"id":1,"result":\{"capabilities"/ },
  { server: ['dap'], body: DAP_INITIALIZE, answer: /"command":"initialize","success":true/ },
] as const;
const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** A server of the CLI with its three pipes; `ended` resolves with its status (or the signal that ended it) within 20 s. */
function serve(args: readonly string[]) {
  const child = spawn(process.execPath, [...cliArgs(), ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.on('error', () => undefined);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const ended = within<number | string | null>(exited.then(([status, signal]) => status ?? signal), 20_000, () => {
    child.kill('SIGKILL');
    return 'still running after 20 s';
  });
  return { child, ended, stdout: () => stdout, stderr: () => stderr };
}

/** Resolves once `read()` matches `pattern`, or with what it holds when the process ends first. */
async function untilOutput(child: ChildProcess, stream: NodeJS.ReadableStream, read: () => string, pattern: RegExp): Promise<void> {
  while (!pattern.test(read()) && child.exitCode === null && child.signalCode === null) {
    await Promise.race([once(stream, 'data'), once(child, 'exit')]);
  }
}

test('a reader gone mid-output ends start and the servers quietly with 141', async () => {
  // Quick runs leave start to full scale: it computes the whole check matrix (about half of
  // this file's CPU) before its first write, whose failure goes the way every command's does
  // (cli/main.ts), as symbols | head (streams.test.ts) and the server below take it.
  if (TEST_SCALE >= 1) {
    const start = sh(`${cli} start | head -1 > /dev/null; echo "\${PIPESTATUS[0]}"`);
    assert.deepEqual({ stderr: start.stderr, status: start.stdout.trim() }, { stderr: '', status: '141' });
  }
  // Quick runs: the language server here, the debug adapter in the next test.
  for (const { server, body, answer } of sampled(SERVERS)) {
    // The first answer read, the reader goes (as head does); the second answer has nowhere to go. stdin stays open.
    const s = serve(server);
    s.child.stdin.write(frame(body));
    await untilOutput(s.child, s.child.stdout, s.stdout, answer);
    assert.match(s.stdout(), answer, server.join(' '));
    s.child.stdout.destroy();
    s.child.stdin.write(frame(body));
    assert.deepEqual({ stderr: s.stderr(), status: await s.ended }, { stderr: '', status: 141 }, server.join(' '));
  }
});

test('a stderr whose reader is gone: the servers drop their log lines and go on answering', async () => {
  for (const { server, body, answer } of sampled([...SERVERS].reverse())) {
    // stderr's reader goes before anything is written: the malformed frames' log lines fail (EPIPE).
    const s = serve(server);
    s.child.stderr.destroy();
    const bad = 'Content-Length: 5\r\n\r\n{{{{{';
    s.child.stdin.write(bad);
    s.child.stdin.write(bad + frame(body));
    await untilOutput(s.child, s.child.stdout, s.stdout, answer);
    assert.match(s.stdout(), answer, `${server.join(' ')}: ended ${String(s.child.exitCode ?? s.child.signalCode)}`);
    s.child.stdin.end();
    await s.ended;
  }
});

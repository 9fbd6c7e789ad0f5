// Output that cannot be written: with stdout closed at start (`>&-`) or on a full disk
// (`> /dev/full`), every command that writes there ends with one line on stderr and the
// status coreutils' `ls` gives in the same situation ("write error: " and strerror's text),
// the servers (`dap`, `lsp --stdio`) refuse to start; a guest run with stdout closed sees
// EBADF from its write, as under qemu-i386; and a reader that goes away mid-output (`| head`)
// ends `start` and the servers quietly with status 141, no stack trace; a stderr whose reader
// is gone costs the servers their log lines, not their answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { buildC, scratch } from '../support/oracles';

const dir = scratch('vdso-lab-output-errors-');
const cli = `${process.execPath} ${resolve('dist/cli.js')}`;

/** Runs a bash command line in the scratch folder; its stdout, stderr and status. */
function sh(line: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const WRITER = String.raw`#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  int r = write(1, "out\n", 4);
  fprintf(stderr, "write: %d %s\n", r, r < 0 ? strerrorname_np(errno) : "ok");
  return r < 0 ? 4 : 0;
}
`;

test('stdout closed at start or a full disk: one line "write error: ..." and the status ls gives, for every kind of command', () => {
  const prog = buildC('writer', WRITER, ['-static', '-O1', '-w'], dir);
  for (const redirect of ['>&-', '> /dev/full']) {
    const ls = sh(`ls / ${redirect}`);
    const reason = /^ls: (write error: .*)\n$/.exec(ls.stderr);
    assert.ok(reason, `ls ${redirect}: ${ls.stderr}`);
    const cases: Array<[string, string]> = [
      ['--help', 'vdso-lab'],
      ['disasm --help', 'vdso-lab disasm'],
      [`symbols --all ${prog}`, 'vdso-lab symbols'],
      ['start', 'vdso-lab start'],
    ];
    if (redirect === '>&-') cases.push(['dap < /dev/null', 'vdso-lab dap'], ['lsp --stdio < /dev/null', 'vdso-lab lsp']);
    for (const [args, prefix] of cases) {
      const r = sh(`${cli} ${args} ${redirect}`);
      assert.deepEqual({ stderr: r.stderr, status: r.status }, { stderr: `${prefix}: ${reason[1]}\n`, status: ls.status }, `${args} ${redirect}`);
    }
  }
});

test('a guest whose stdout is closed gets EBADF from write, as under qemu-i386', () => {
  const prog = buildC('writer', WRITER, ['-static', '-O1', '-w'], dir);
  const q = sh(`qemu-i386 ${prog} >&-`);
  assert.match(q.stderr, /^write: -1 EBADF\n$/);
  const l = sh(`${cli} run ${prog} >&-`);
  assert.deepEqual({ stderr: l.stderr, status: l.status }, { stderr: q.stderr, status: q.status });
});

test('a reader gone mid-output ends start and the servers quietly with 141', () => {
  const start = sh(`${cli} start | head -1 > /dev/null; echo "\${PIPESTATUS[0]}"`);
  assert.deepEqual({ stderr: start.stderr, status: start.stdout.trim() }, { stderr: '', status: '141' });
  const lsp = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}';
  const dap = '{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"vdso-lab"}}';
  for (const [server, body] of [['lsp --stdio', lsp], ['dap', dap]] as const) {
    // Two requests a second apart: head has gone when the second answer is written; stdin stays open after.
    const frame = `Content-Length: ${body.length}\\r\\n\\r\\n${body}`;
    const r = sh(`(printf '${frame}'; sleep 1; printf '${frame}'; sleep 2) | ${cli} ${server} | head -c 10 > /dev/null; echo "\${PIPESTATUS[1]}"`);
    assert.deepEqual({ stderr: r.stderr, status: r.stdout.trim() }, { stderr: '', status: '141' }, server);
  }
});

test('a stderr whose reader is gone: the servers drop their log lines and go on answering', () => {
  const lsp = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}';
  const dap = '{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"vdso-lab","pathFormat":"path"}}';
  for (const [server, body, answer] of [['lsp --stdio', lsp, /"id":1,"result":\{"capabilities"/], ['dap', dap, /"command":"initialize","success":true/]] as const) {
    // The malformed frame is logged after stderr's reader has exited: that write fails (EPIPE).
    const bad = 'Content-Length: 5\\r\\n\\r\\n{{{{{';
    const frame = `Content-Length: ${body.length}\\r\\n\\r\\n${body}`;
    const r = sh(`(sleep 0.5; printf '${bad}'; sleep 0.5; printf '${bad}${frame}'; sleep 1) | ${cli} ${server} 2> >(exit 0)`);
    // The answer comes after the failed log writes (an LSP server whose client leaves without `exit` ends with 1, as any).
    assert.match(r.stdout, answer, `${server}: status ${r.status}`);
  }
});

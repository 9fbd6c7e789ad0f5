// A process's end gives back its page references (exit_mmap): a program that forks and
// reaps 10,000 children, each of which writes a page and exits, ends holding each of its
// pages once and no more pages than before (the page count the model holds, read at a
// getppid the test watches, not a timing). Output and status are compared with qemu-i386's
// and, where this host runs i386 programs, native execution's, on 1,000 children (qemu forks
// slowly: 10,000 take it half a minute; a quick run compares 100, 1.5 s of qemu's CPU instead
// of 14); the 10,000 run's sum of statuses is the formula's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadProgram } from '../../emulator/kernel/loader';
import { RunLoop } from '../../emulator/kernel/run-loop';
import { SYSCALL_TABLE } from '../../emulator/kernel/syscalls/index';
import { row } from '../../emulator/kernel/syscalls/table';
import { hostRunsI386 } from '../support/oracles';
import { scaled } from '../support/scale';
import { runNative } from '../kernel-acceptance/support';
import { buildStatic, runQemu } from './support';

const SOURCE = String.raw`#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static char data[16 * 4096];
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  for (int i = 0; i < (int)sizeof data; i += 4096) data[i] = 1;
  syscall(SYS_getppid);
  long sum = 0;
  for (int i = 0; i < n; i++) {
    pid_t c = fork();
    if (c == 0) { data[4096] = 2; _exit(i & 0x7f); }
    int s;
    if (waitpid(c, &s, 0) != c) return 1;
    sum += WEXITSTATUS(s);
    data[i % sizeof data] = 3;
  }
  syscall(SYS_getppid);
  printf("children %d, statuses %ld\n", n, sum);
  return 0;
}
`;

/** Runs the program in the emulator with `n` children; what it printed and the parent's pages at each getppid. */
function runInLab(prog: string, n: number): { stdout: string; seen: Array<{ pages: number; refs: number; tasks: number }> } {
  let stdout = '';
  const seen: Array<{ pages: number; refs: number; tasks: number }> = [];
  const getppid = SYSCALL_TABLE.get(64)!;
  const table = new Map(SYSCALL_TABLE);
  table.set(64, row(64, 'getppid', '', (p, regs) => {
    seen.push({ pages: p.memory.pageCount(), refs: p.memory.pageReferences(), tasks: p.machine.tasks.length });
    return getppid.handler(p, regs);
  }));
  const { process: p } = loadProgram(new Uint8Array(readFileSync(prog)), prog, {
    options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
    host: { stdout: (b) => { stdout += new TextDecoder().decode(b); }, stderr: () => {}, report: () => {} },
  }, { argv: ['/fork-exit', String(n)], envp: [], execPath: '/fork-exit' });
  const result = new RunLoop(p, undefined, table).run(2_000_000_000);
  assert.equal(result.kind, 'exited', JSON.stringify(result));
  return { stdout, seen };
}

test('forking and reaping 10,000 children leaves the parent holding each page once, no more pages than before; the output is qemu-i386\'s and native', () => {
  const prog = buildStatic('fork-exit', SOURCE);
  const compared = String(scaled(1000, 100));
  const q = runQemu(prog, [compared]);
  assert.equal(q.status, 0, q.stderr);
  if (hostRunsI386()) assert.deepEqual(runNative(prog, [compared]), q);
  assert.equal(runInLab(prog, Number(compared)).stdout, q.stdout);
  const { stdout, seen } = runInLab(prog, 10000);
  let sum = 0;
  for (let i = 0; i < 10000; i++) sum += i & 0x7f;
  assert.equal(stdout, `children 10000, statuses ${sum}\n`);
  assert.equal(seen.length, 2);
  const [before, after] = seen as [(typeof seen)[0], (typeof seen)[0]];
  assert.equal(after.tasks, 1);
  assert.equal(after.refs, after.pages, 'every page of the parent is held by the parent alone');
  assert.ok(after.pages <= before.pages + 2, `pages before ${before.pages}, after ${after.pages}`);
});

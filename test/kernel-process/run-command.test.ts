// `vdso-lab run` as a command: bad programs and options end with one line and status 2
// (not an ELF file, a dynamically linked program, a missing --root, a bad --cpu), the trace
// names calls and exit paths, and the guest's exit status comes through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildC, scratch } from '../support/oracles';
import { buildStatic, runLab } from './support';

test('bad input: one line naming the file, status 2', async () => {
  const dir = scratch();
  const junk = join(dir, 'junk');
  writeFileSync(junk, 'not an ELF file at all');
  const dynamic = buildC('dyn', 'int main(void) { return 0; }', ['-O1'], dir);
  const prog = buildStatic('ok', 'int main(void) { return 5; }', dir);
  const cases: Array<[string, string[], RegExp]> = [
    [junk, [], /junk/],
    [dynamic, [], /PT_INTERP/],
    [prog, ['--root', join(dir, 'missing')], /--root .*not a directory/],
    [prog, ['--cpu', 'z80'], /--cpu must be one of/],
    [join(dir, 'absent'), [], /absent/],
  ];
  for (const [file, options, message] of cases) {
    const r = await runLab(file, options);
    assert.equal(r.status, 2, `${file} ${options.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.equal((await runLab(prog)).status, 5);
});

test('--trace syscalls shows number, name, arguments, result, entry and exit path', async () => {
  const prog = buildStatic('hello', '#include <stdio.h>\nint main(void) { printf("hi\\n"); return 0; }');
  const r = await runLab(prog, ['--vdso', 'none', '--trace', 'syscalls']);
  assert.equal(r.stdout, 'hi\n');
  assert.match(r.stderr, /^\[\d+\] 4 write\(1, 0x[0-9a-f]+, 3\) = 3  <int \$0x80 at 0x[0-9a-f]+; iret: .+>$/m);
  assert.match(r.stderr, /^\[\d+\] 252 exit_group\(0\) = \?  <int \$0x80 at 0x[0-9a-f]+>$/m);
  const fast = await runLab(prog, ['--vdso', 'upstream', '--cpu', 'amd', '--trace', 'vsyscall']);
  assert.equal(fast.stdout, 'hi\n');
  assert.match(fast.stderr, /^\[\d+\] 4 write\(1, 0x[0-9a-f]+, 3\) = 3  <syscall at 0x[0-9a-f]+ .*sysretl: /m);
});

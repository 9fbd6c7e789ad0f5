// A static program whose .symtab is broken (a symbol's name lies outside its string table):
// Linux's execve reads no section of it and runs it, qemu-i386 too (it reads the symbols but
// looks no name up), and so does `vdso-lab run`, at start and through a guest's execve, since
// the loader reads no symbol table; a command that shows its symbols (`vdso-lab symbols`)
// stops with one line naming the file and the place, and a debug launch (which reads them to
// name functions) fails with that line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { runCli } from '../../cli/run-cli';
import { DebugRuntime } from '../../emulator/debug/runtime';
import { nodeDebugHost } from '../../debug-adapter/node-host';
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import { buildC, hostRunsI386, readBytes, scratch } from '../support/oracles';
import { runLab, runQemu } from '../support/run-program';
import { runNative } from '../kernel-acceptance/support';

/**
 * Without the C library (a cheap guest): given "again" it says so; given a path it executes
 * that program with "again", and exits with execve's error if that returns.
 */
const EXEC_AGAIN = String.raw`
static int sys(int n, int a, int b, int c) {
  int r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}
static void say(const char *s) {
  int n = 0;
  while (s[n]) n++;
  sys(4, 1, (int)s, n);
}
void start(int *sp) {
  int argc = sp[0];
  char **argv = (char **)(sp + 1);
  if (argc > 1 && argv[1][0] == 'a') {
    say("after execve\n");
    sys(1, 0, 0, 0);
  }
  say("before execve\n");
  char *target = argv[1];
  char *again[] = { target, "again", 0 };
  int r = sys(11, (int)target, (int)again, (int)(argv + argc + 1));
  sys(1, -r, 0, 0);
}
__asm__(".globl _start\n_start:\n  push %esp\n  call start\n  hlt\n");
`;

const dir = scratch();
const good = buildC('exec-again', EXEC_AGAIN, ['-static', '-nostdlib', '-O1', '-fno-pie', '-no-pie'], dir);
const goodElf = parseElf32(readBytes(good), good);
const symtab = goodElf.section('.symtab')!;
const strtab = goodElf.sections[symtab.link]!;
/** Symbol 1's st_name, moved 0x100 past the end of the string table. */
const nameOffset = strtab.size + 0x100;
const broken = join(dir, 'broken-symtab');
const bytes = readBytes(good).slice();
new DataView(bytes.buffer).setUint32(symtab.offset + 16, nameOffset, true);
writeFileSync(broken, bytes, { mode: 0o755 });
/** The one line reading its symbols gives: the file, the place of the name's bytes, the symbol. */
const symbolError = `${broken}: offset 0x${(strtab.offset + nameOffset).toString(16)}: name of symbol 1 in section [${symtab.index}] .symtab: string offset 0x${nameOffset.toString(16)} is outside its string table (size 0x${strtab.size.toString(16)})`;

test('a program with a symbol name outside its string table runs under `vdso-lab run` as under qemu-i386', async () => {
  const q = runQemu(broken, ['again']);
  assert.deepEqual(q, { stdout: 'after execve\n', stderr: '', status: 0 });
  assert.deepEqual(await runLab(broken, [], ['again']), q);
});

test("a guest's execve of a program with a symbol name outside its string table runs it", async () => {
  const want = { stdout: 'before execve\nafter execve\n', stderr: '', status: 0 };
  if (hostRunsI386()) assert.deepEqual(runNative(good, [broken]), want);
  assert.deepEqual(await runLab(good, ['--root', dirname(broken)], [`/${basename(broken)}`]), want);
});

test('`vdso-lab symbols --all` on it exits 2 with one line naming the file, the symbol and the place', async () => {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  const status = await runCli(['symbols', '--all', broken], io);
  assert.equal(status, 2);
  assert.equal(io.stdout, '');
  assert.equal(io.stderr, `vdso-lab symbols: ${symbolError}\n`);
});

test('a debug launch of it fails with the same line and leaves no program loaded', () => {
  const runtime = new DebugRuntime(nodeDebugHost(() => dir));
  assert.throws(() => runtime.launch({ program: broken }), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.message, symbolError);
    return true;
  });
  assert.equal(runtime.loaded, false);
});

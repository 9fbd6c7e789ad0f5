// Runs `vdso-lab asm` on a .S file with #include and -D (through the preprocessor) and
// compares the written object with `gcc -m32 -c` on the same file: section bytes,
// relocations and symbols; and checks that errors give status 2, GAS-like messages with the
// user's file:line through #include, and no output file; and that the shipped designs'
// sources assemble with no -I (vdso/include found as check finds it) into gcc's objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { asmCommand } from '../../cli/commands/asm';
import { parseElf32 } from '../../toolchain/elf/reader';
import { run, scratch } from '../support/oracles';
import { comparableFromElf } from './gas-object';
import { designsRoot } from '../../toolchain/designs/build';
import { allDesigns } from '../../toolchain/designs/registry';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { cwd, out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const HEADER = '#define SYS_exit 1\n#define ENTRY(x) .globl x; .type x, @function; x:\n';
const SOURCE = `#include "defs.h"
.text
ENTRY(_start)
	movl $VALUE, %ebx
	movl $SYS_exit, %eax
	int $0x80
1:	jmp 1b
.data
msg: .asciz "hi"
.long msg
`;

test('asm -c writes the object gcc -m32 -c writes for a .S with #include and -D', async () => {
  const dir = scratch('vdso-lab-asmcli-');
  writeFileSync(join(dir, 'defs.h'), HEADER);
  writeFileSync(join(dir, 'prog.S'), SOURCE);
  const t = io(dir);
  const status = await asmCommand.run({ values: { output: 'prog.o', compile: true, define: ['VALUE=42'] }, positionals: ['prog.S'] }, t.io);
  assert.equal(status, 0, t.err.join(''));
  run('gcc', ['-m32', '-c', '-DVALUE=42', join(dir, 'prog.S'), '-o', join(dir, 'gcc.o')]);
  const ours = comparableFromElf(parseElf32(new Uint8Array(readFileSync(join(dir, 'prog.o'))), 'prog.o'));
  const theirs = comparableFromElf(parseElf32(new Uint8Array(readFileSync(join(dir, 'gcc.o'))), 'gcc.o'));
  for (const name of ['.text', '.data']) {
    assert.deepEqual(ours.sections.find((s) => s.name === name), theirs.sections.find((s) => s.name === name), name);
  }
  assert.deepEqual(ours.relocations, theirs.relocations);
  assert.deepEqual(ours.symbols, theirs.symbols);
});

test('asm reports errors at the user line through #include, exits 2 and writes nothing', async () => {
  const dir = scratch('vdso-lab-asmcli-');
  writeFileSync(join(dir, 'bad.h'), '.macro BAD\nfrobnicate %eax\n.endm\n');
  writeFileSync(join(dir, 'bad.S'), '#include "bad.h"\n.text\nnop\nBAD\nmovl %eax\n');
  const t = io(dir);
  const status = await asmCommand.run({ values: { output: 'bad.o' }, positionals: ['bad.S'] }, t.io);
  assert.equal(status, 2);
  assert.equal(existsSync(join(dir, 'bad.o')), false);
  const text = t.err.join('');
  assert.match(text, /^bad\.S:4:1: Error: no such instruction: `frobnicate %eax'$/m);
  assert.match(text, /^bad\.S:5:1: Error: number of operands mismatch for `mov'$/m);
});

test('asm finds vdso/include by itself for the shipped designs: each object is what gcc -m32 -c -I vdso/include writes', async () => {
  const root = designsRoot();
  const dir = scratch('vdso-lab-asmdesign-');
  const sources = [...new Set(allDesigns().flatMap((d) => d.images.flatMap((i) => i.image.sources.map((s) => s.path))))];
  assert.ok(sources.length >= 5, sources.join(' '));
  for (const [k, source] of sources.entries()) {
    const path = join(root, source);
    const t = io(dir);
    // From a folder of its own, no -I: the header is found as check and the debugger find it.
    const status = await asmCommand.run({ values: { output: `${k}.o`, define: ['__ASSEMBLY__'] }, positionals: [path] }, t.io);
    assert.equal(status, 0, t.err.join(''));
    run('gcc', ['-m32', '-c', '-D__ASSEMBLY__', '-I', join(root, 'include'), '-I', dirname(path), path, '-o', join(dir, `${k}-gcc.o`)]);
    assert.ok(readFileSync(join(dir, `${k}.o`)).equals(readFileSync(join(dir, `${k}-gcc.o`))), `${source}: not gcc's object`);
  }
  const t = io(dir);
  assert.equal(await asmCommand.run({ values: { output: 'upstream.so', vdso: true, define: ['__ASSEMBLY__'] }, positionals: [join(root, 'upstream.S')] }, t.io), 0, t.err.join(''));
});

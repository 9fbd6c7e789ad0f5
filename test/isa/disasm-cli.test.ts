// The `disasm` command against `objdump -d`, byte for byte (every space, tab and blank line):
// the shipped designs built by vdso-lab (images and objects), the real vdso32.so, gcc -m32 -O2
// objects, a static program and dynamic ones (name@plt entries), and hand-written sources whose data in .text makes objdump
// stop at symbols, skip zero runs and dump STT_OBJECT blocks; --section and --symbol against
// `-j` and `--disassemble=`; the JSON form; and the input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { assemble, buildC, run, scratch } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { buildDesign, buildObject, designsRoot } from '../../toolchain/designs/build';
import { allDesigns } from '../../toolchain/designs/registry';

function memoryIo() {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

async function ours(args: readonly string[]): Promise<string> {
  const io = memoryIo();
  assert.equal(await runCli(['disasm', ...args], io), 0, io.stderr);
  return io.stdout;
}

/** Our listing and objdump's for the same file and selection, compared whole; the first differing line is named. */
async function assertSameListing(path: string, ourArgs: readonly string[] = [], objdumpArgs: readonly string[] = [], objdump?: string): Promise<string> {
  const mine = await ours([path, ...ourArgs]);
  const theirs = objdump ?? run('objdump', ['-d', ...objdumpArgs, path]);
  if (mine !== theirs) {
    const a = mine.split('\n'), b = theirs.split('\n');
    let k = 0;
    while (k < a.length && a[k] === b[k]) k++;
    assert.fail(`${path} ${ourArgs.join(' ')}: line ${k + 1} differs from objdump -d ${objdumpArgs.join(' ')}\n  ours:    ${JSON.stringify(a[k])}\n  objdump: ${JSON.stringify(b[k])}`);
  }
  return theirs;
}

/**
 * `objdump -d` of each of `paths`, from one objdump run over all of them: its output is each
 * file's own one after another, each beginning with the line naming the file.
 */
function objdumpEach(paths: readonly string[]): string[] {
  const all = run('objdump', ['-d', ...paths]);
  const starts: number[] = [];
  for (const path of paths) starts.push(all.indexOf(`\n${path}:     file format `, starts.length ? starts[starts.length - 1]! + 1 : 0));
  assert.ok(starts[0] === 0 && starts.every((at, k) => k === 0 || at > starts[k - 1]!), 'objdump named every file, in order');
  return starts.map((at, k) => all.slice(at, starts[k + 1] ?? all.length));
}

/** Hand-written code with data in .text: instructions cut by symbols, prefixes alone or before (bad), zero runs of every length near block ends. */
const DATA_IN_TEXT = `
	.text
	.globl f
	.type f, @function
f:	.byte 0xb8, 0x01, 0x02
g:	.byte 0x03, 0x04
	nop
h:	.byte 0x66
i:	nop
j:	.byte 0xf0, 0x66
k:	.byte 0x0f
l:	.byte 0xc7, 0x05, 1, 2, 3
m:	.long 0, 0, 0
	.byte 0, 0, 0, 0, 0
	nop
	.long 0
	.long 0, 0, 0
	.byte 0, 0x90
	.byte 0, 0, 0
n:	.byte 0, 0
o:	.byte 0x9b
p:	.byte 0x2e, 0x3e
bad1:	.byte 0xf0, 0x66, 0x0f, 0xc7, 0x05
	.long 1
bad2:	.byte 0x2e, 0x3e, 0x0f
bad2b:	.byte 0xaf, 0xc0
bad3:	.byte 0x66, 0x8d, 0xc0
bad4:	.byte 0xf3, 0xd9, 0xd8
bad5:	.byte 0x26, 0x0f, 0x0b
bad6:	.byte 0x67, 0xfe, 0x38
bad7:	.byte 0x66, 0x66, 0x0f
bad7b:	.byte 0xb6, 0xc0
bad8:	.byte 0x3e, 0xd9, 0x28
	.type table, @object
	.size table, 21
table:	.ascii "hello, objdump!\\n"
	.byte 0, 0, 0, 0, 0xff
q:	.fill 9, 1, 0
	ret
	.type blob, @object
	.size blob, 40
blob:	.fill 40, 1, 0
	.section .text.small, "ax"
	jmp 1f
	.byte 0xe8
1:	call f
	.fill 11, 1, 0
`;

test('disasm equals objdump -d byte for byte on hand-written code with data, cut instructions and zero runs', async () => {
  const dir = scratch();
  const object = assemble('data-in-text', DATA_IN_TEXT, dir);
  const listing = await assertSameListing(object);
  // The cases are really there: a cut instruction, a lone prefix, a zero run, a data dump, a 4-wide address column.
  for (const needle of ['.byte 0xb8', '\tdata16', 'lock data16 (bad)', '\t...', 'hello, objdump!', '\n   0:\t']) assert.ok(listing.includes(needle), needle);
  await assertSameListing(object, ['--section', '.text.small'], ['-j', '.text.small']);
  await assertSameListing(object, ['--symbol', 'l'], ['--disassemble=l']);
  await assertSameListing(object, ['--symbol', 'f'], ['--disassemble=f']);
  // The same code linked at 0x8049000 (an 8-wide address column) and stripped (no symbols: <.text> and bare 0x targets).
  const exe = join(dir, 'data-in-text');
  run('ld', ['-m', 'elf_i386', '-e', 'f', object, '-o', exe]);
  await assertSameListing(exe);
  const stripped = join(dir, 'stripped');
  run('ld', ['-m', 'elf_i386', '-s', '-e', 'f', object, '-o', stripped]);
  assert.match(await assertSameListing(stripped), /<\.text>:/);
});

const C_PROGRAM = `
#include <stdint.h>
struct node { struct node *next; int v; };
static int table[16] = {1, 2, 3};
__attribute__((noinline)) int sum(struct node *n) { int s = 0; while (n) { s += n->v; n = n->next; } return s; }
__attribute__((noinline)) uint64_t mix(uint64_t a, uint32_t b) { return (a * 0x9e3779b97f4a7c15ull) ^ (a >> b); }
int sw(int x) { switch (x) { case 0: return 3; case 1: return 7; case 2: return 11; case 3: return 13; case 4: return 19; default: return table[x & 15]; } }
static int done(int c) { int r; __asm__ volatile ("int $0x80" : "=a"(r) : "a"(1), "b"(c)); return r; }
void _start(void) { struct node a = {0, 3}, b = {&a, 2}; done(sum(&b) + (int)mix(5, 3) + sw(2)); for (;;) ; }
`;

const DYNAMIC_PROGRAM = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
int exported(int x) { return x * 3; }
int main(int argc, char **argv) { int a[8] = {5, 3, 1, 4}; qsort(a, 8, sizeof a[0], cmp); printf("%d %zu\\n", a[argc], strlen(argv[0])); return exported(argc); }
`;

test('disasm equals objdump -d byte for byte on gcc -m32 -O2 objects and programs, static and dynamic', async () => {
  const dir = scratch();
  const programs = [['-c', '-O2'], ['-c', '-O2', '-fno-pic', '-ffunction-sections'], ['-O2', '-static', '-nostdlib', '-fno-pic']]
    .map((flags) => buildC(flags.includes('-c') ? `prog${flags.length}` : 'prog', C_PROGRAM, flags, dir));
  // Dynamic programs and a shared object: PLT entries named name@plt, lazy or not, PIC or not, with IBT's endbr32 or without.
  const variants = [['-O2'], ['-O2', '-no-pie'], ['-O2', '-Wl,-z,now'], ['-O2', '-shared', '-fPIC'], ['-O2', '-fcf-protection=full', '-Wl,-z,ibtplt']];
  const dynamic = variants.map((flags, k) => buildC(`dyn${k}`, DYNAMIC_PROGRAM, flags, dir));
  const listings = objdumpEach([...programs, ...dynamic]);
  for (const [k, path] of programs.entries()) await assertSameListing(path, [], [], listings[k]);
  await assertSameListing(join(dir, 'prog'), ['--symbol', 'sw'], ['--disassemble=sw']);
  for (const [k, path] of dynamic.entries()) {
    const listing = await assertSameListing(path, [], [], listings[programs.length + k]);
    assert.match(listing, /<qsort@plt>:/, variants[k]!.join(' '));
  }
  await assertSameListing(join(dir, 'dyn0'), ['--symbol', 'exported'], ['--disassemble=exported']);
});

test('disasm equals objdump -d byte for byte on every shipped design, image and object', async () => {
  const dir = scratch();
  const root = designsRoot();
  const files: string[] = [];
  for (const design of allDesigns()) {
    for (const kernel of ['compat64', 'native32'] as const) {
      const built = buildDesign(design.name, kernel);
      const image = join(dir, `${design.name}-${kernel}.so`);
      writeFileSync(image, built.bytes);
      files.push(image);
      for (const [k, source] of built.image.sources.entries()) {
        const object = join(dir, `${design.name}-${kernel}-${k}.o`);
        writeFileSync(object, buildObject(root, source));
        files.push(object);
      }
    }
  }
  const listings = objdumpEach(files);
  for (const [k, file] of files.entries()) await assertSameListing(file, [], [], listings[k]);
});

test('disasm equals objdump -d byte for byte on the real vDSO, whole and by section and symbol', async () => {
  const vdso = realVdso();
  const listing = await assertSameListing(vdso.path);
  assert.ok(listing.split('\n').length > 1000);
  await assertSameListing(vdso.path, ['--section', '.text'], ['-j', '.text']);
  await assertSameListing(vdso.path, ['--symbol', '__kernel_vsyscall'], ['--disassemble=__kernel_vsyscall']);
});

test('disasm --symbol __kernel_vsyscall --json lists the stub and ends with ret', async () => {
  const vdso = realVdso();
  const json = JSON.parse(await ours([vdso.path, '--symbol', '__kernel_vsyscall', '--json'])) as { instructions: { text: string; label?: string }[] };
  const texts = json.instructions.map((i) => i.text.replace(/\s+/g, ' ')).filter((t) => t !== 'int3');
  assert.equal(json.instructions[0]!.label, '__kernel_vsyscall@@LINUX_2.5');
  assert.ok(texts.includes('int $0x80'), texts.join('\n'));
  assert.equal(texts[texts.length - 1], 'ret');
});

test('disasm reports a missing section or symbol as one line with status 2', async () => {
  const vdso = realVdso();
  for (const args of [['--section', '.nope'], ['--symbol', 'nope']]) {
    const io = memoryIo();
    assert.equal(await runCli(['disasm', vdso.path, ...args], io), 2);
    assert.equal(io.stderr.trim().split('\n').length, 1);
    assert.match(io.stderr, /nope/);
  }
});

// Checks the ET_REL writer against GNU as and gcc -m32 objects: reading an object and
// writing it back gives the same bytes (sections, order, symbols, string tables, groups,
// link-order, relocations, file layout); the written objects link with ld -m elf_i386,
// run under qemu-i386, and readelf -a -W reads them without a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeObject } from '../../toolchain/elf/write-object';
import { InputError } from '../../toolchain/errors';
import { buildC, readBytes, run, scratch } from '../support/oracles';
import { moduleFromObject } from './from-object';

const SOURCES: Record<string, string> = {
  // Names that end other names in more than one way: which one each is merged into.
  suffixes: `
	.globl ab, b, cb, xcb, bb
ab:	nop
b:	nop
cb:	nop
xcb:	nop
bb:	nop
`,
  // No symbol at all: GNU as writes neither .symtab nor .strtab.
  nosymbols: `
	nop
	.data
	.long 7
`,
  sections: `
	.file "b.c"
	.text
	.globl f
f:	movl $x, %eax
	movl $loc, %eax
	call ext
	ret
loc:	.long 0
	.data
	.align 8
x:	.long 1, loc, f
	.weak w
	.long w
	.section .rodata.str1.1,"aMS",@progbits,1
s1:	.string "hi"
	.section .text.foo,"axG",@progbits,foo,comdat
	.globl foo
foo:	ret
	.section .data.foo,"awG",@progbits,foo,comdat
	.long foo
	.section __ex_table,"ao",@progbits,.text.foo
	.long .text.foo
	.bss
	.comm cc,8,4
	.lcomm lc,16
	.section .tbss,"awT",@nobits
tl:	.zero 4
	.section .note.GNU-stack,"",@progbits
	.set absv, 42
	.globl absv
	.hidden f
	.protected foo
	.section .altinstr_replacement,"ax"
	nop
`,
  groups: `
	.section .text.a,"axG",@progbits,ga,comdat
	.long x
	.section .text.b,"axG",@progbits,gb
	.long y
	.section .data.a,"awG",@progbits,ga,comdat
	.long xy
	.globl longname
	.globl name
	.globl ame
longname: name: ame: .long 0
	.section .text.ame
	.long .text.ame
	.type ifn, @gnu_indirect_function
	.globl ifn
ifn:	ret
`,
  // Names in UTF-8, one the tail of others, beside ASCII ones (the string table's merging counts bytes, not characters).
  utf8names: `
	.globl café
	.globl afé
	.globl é
café: afé: é: .long 0
	.globl x€y
	.globl ame
	.globl name
x€y: name: ame: .long 1
`,
  program: `
	.text
	.globl _start
_start:
	.cfi_startproc
	pushl %ebp
	.cfi_adjust_cfa_offset 4
	call helper
	movl message, %ecx
	movl $1, %eax
	movl $7, %ebx
	int $0x80
	.cfi_endproc
helper:
	.cfi_startproc
	popl %eax
	pushl %eax
	ret
	.cfi_endproc
	.data
message: .long message
`,
};

function roundTrip(bytes: Uint8Array, name: string): Uint8Array {
  const written = writeObject(moduleFromObject(bytes, name).module, name);
  assert.equal(Buffer.from(written).toString('hex'), Buffer.from(bytes).toString('hex'), `${name}: write(read(object)) differs from the object`);
  return written;
}

function readelfClean(path: string): void {
  const r = spawnSync('readelf', ['-a', '-W', '--debug-dump=frames', path], { encoding: 'utf8' });
  if (r.error) throw new Error(`oracle 'readelf' is not installed: .ci/run must install it`);
  assert.equal(r.stderr, '', `readelf warned about ${path}`);
  assert.equal(r.status, 0);
}

test('GNU as objects round-trip byte for byte, with and without -g', () => {
  const dir = scratch();
  for (const [name, source] of Object.entries(SOURCES)) {
    writeFileSync(join(dir, `${name}.s`), source);
    for (const flags of [[], ['-g']]) {
      const obj = join(dir, `${name}${flags.length}.o`);
      run('as', ['--32', ...flags, join(dir, `${name}.s`), '-o', obj]);
      const written = roundTrip(readBytes(obj), obj);
      const copy = join(dir, `${name}${flags.length}.written.o`);
      writeFileSync(copy, written);
      readelfClean(copy);
    }
  }
});

test('a gcc -m32 -fPIC -g -O2 object (comdat pc thunks, .debug_*, .note.GNU-stack) round-trips', () => {
  const obj = buildC('pic', `
static int counter;
int bump(int x) { counter += x; return counter * 3; }
const char *name(void) { return "vdso-lab"; }
`, ['-c', '-fPIC', '-g', '-O2']);
  const copy = obj.replace(/\.o$/, '.written.o');
  writeFileSync(copy, roundTrip(readBytes(obj), obj));
  readelfClean(copy);
});

test('a written object links with ld -m elf_i386 and the program runs under qemu-i386', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'p.s'), SOURCES.program!);
  run('as', ['--32', join(dir, 'p.s'), '-o', join(dir, 'gas.o')]);
  // Same base name in another folder: ld puts the object's name in the output's symbols.
  const written = join(scratch(), 'gas.o');
  writeFileSync(written, writeObject(moduleFromObject(readBytes(join(dir, 'gas.o')), 'gas.o').module, 'p.s'));
  run('ld', ['-m', 'elf_i386', '--eh-frame-hdr', written, '-o', join(dir, 'ours')]);
  run('ld', ['-m', 'elf_i386', '--eh-frame-hdr', join(dir, 'gas.o'), '-o', join(dir, 'gas')]);
  assert.deepEqual(readBytes(join(dir, 'ours')), readBytes(join(dir, 'gas')), 'linked programs differ');
  const r = spawnSync('qemu-i386', [join(dir, 'ours')]);
  if (r.error) throw new Error(`oracle 'qemu-i386' is not installed: .ci/run must install it`);
  assert.equal(r.status, 7);
  const frames = run('readelf', ['--debug-dump=frames', join(dir, 'ours')]);
  assert.match(frames, /DW_CFA_def_cfa_offset: 8/);
});

test('bad modules give one-line InputErrors naming the place', () => {
  const base = { symbols: [], lines: [], cfi: [], alternatives: [], diagnostics: [] };
  const text = { name: '.text', type: 1, flags: 6, addralign: 1, entsize: 0, bytes: new Uint8Array(4), size: 4 };
  assert.throws(() => writeObject({ ...base, sections: [{ ...text, relocations: [{ offset: 4, type: 1, symbol: 'x', symbolIsSection: false }] }] }, 'bad.s'),
    (e: unknown) => e instanceof InputError && /bad\.s: section \.text offset 0x4: relocation against x is outside/.test(e.message));
  assert.throws(() => writeObject({ ...base, sections: [{ ...text, size: 8, relocations: [] }] }, 'bad.s'),
    (e: unknown) => e instanceof InputError && /has 4 bytes of contents but size 8/.test(e.message));
  assert.throws(() => writeObject({ ...base, sections: [{ ...text, relocations: [{ offset: 0, type: 1, symbol: '.data', symbolIsSection: true }] }] }, 'bad.s'),
    (e: unknown) => e instanceof InputError && /unknown section \.data/.test(e.message));
  assert.throws(() => writeObject({ ...base, sections: [{ ...text, relocations: [] }], symbols: [{ name: 's', section: '.nope', value: 0, size: 0, binding: 'global', type: 0, visibility: 0 }] }, 'bad.s'),
    (e: unknown) => e instanceof InputError && /symbol s is in section \.nope/.test(e.message));
});

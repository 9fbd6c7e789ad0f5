// Tests linkExec against `ld -m elf_i386 -z noseparate-code -z norelro` on the same objects: the
// program runs under qemu-i386 with the same output and status, symbols, segments and
// .text bytes are equal; and bad inputs give one-line errors naming object, section, offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../toolchain/errors';
import { linkExec } from '../../toolchain/link';
import { run, scratch } from '../support/oracles';
import { assembleAll } from './sources';
import { runQemu } from '../support/run-program';
import { runOverFiles } from '../support/run-tool';

const MAIN_S = `
	.text
	.globl _start
_start:
	movl $4, %eax
	movl $1, %ebx
	movl $msg, %ecx
	movl $len, %edx
	int $0x80
	call helper
	jmp 1f
	.word table - .           /* R_386_PC16 */
	.byte table - . + 0x7f    /* R_386_PC8 */
	.word small + 2           /* R_386_16 */
	.byte tiny - 1            /* R_386_8 */
1:	movl counter, %ebx
	movl scratch_area + 60, %ecx
	addl %ecx, %ebx
	movl $1, %eax
	int $0x80
	.section .rodata
msg:	.ascii "hello from a linked program\\n"
	.set len, . - msg
table:	.byte 1, 2, 3
`;

const HELPER_S = `
	.text
	.p2align 4
	.globl helper
helper:
	incl counter
	addl $40, counter
	movl $5, scratch_area + 60
	.cfi_startproc
	ret
	.cfi_endproc
	.data
	.p2align 2
	.globl counter
counter: .long 0
	.byte 9
	.bss
	.p2align 4
	.globl scratch_area
scratch_area: .skip 64
	.section .text.unlikely, "ax"
	nop
	.globl small
	.set small, 0x1234
	.globl tiny
	.set tiny, 0x40
`;

test('a two-object program runs under qemu-i386 exactly as GNU ld\'s link of it, with the same layout', () => {
  const built = assembleAll(scratch('vdso-lab-exec-'), { main: MAIN_S, helper: HELPER_S });
  const ours = join(built.dir, 'ours');
  writeFileSync(ours, linkExec(built.inputs), { mode: 0o755 });
  const theirs = join(built.dir, 'theirs');
  run('ld', ['-m', 'elf_i386', '-z', 'noseparate-code', '-z', 'norelro', ...built.objects, '-o', theirs]);
  const mine = runQemu(ours);
  assert.equal(mine.stdout, 'hello from a linked program\n');
  assert.equal(mine.status, 46);
  assert.deepEqual(mine, runQemu(theirs));
  // Each reading of both programs is one run over both (run-tool.ts runOverFiles).
  const linkerDefined = /\s(__bss_start|_edata|_end)$/;
  const nm = runOverFiles('nm', [], [ours, theirs]).map((out) => out.split('\n').filter((l) => l && !linkerDefined.test(l)));
  assert.deepEqual(nm[0], nm[1]);
  const loads = runOverFiles('readelf', ['-l', '-W'], [ours, theirs]).map((out) => out.split('\n').filter((l) => /^\s+(LOAD|GNU_STACK)/.test(l)));
  assert.equal(loads[0]!.length, 2);
  assert.deepEqual(loads[0], loads[1]);
  const sections = runOverFiles('readelf', ['-S', '-W'], [ours, theirs]).map((out) => out.split('\n').filter((l) => /\] \.(text|rodata|data|bss|eh_frame)/.test(l)));
  assert.deepEqual(sections[0], sections[1]);
  const dumped = ['.text', '.rodata', '.data', '.eh_frame'];
  // readelf -x of every section at once, cut at each dump's heading.
  const dumps = runOverFiles('readelf', dumped.flatMap((s) => ['-x', s]), [ours, theirs])
    .map((out) => new Map(out.split(/\n(?=Hex dump of section ')/).slice(1).map((d) => [/^Hex dump of section '([^']+)'/.exec(d)![1]!, d])));
  for (const s of dumped) {
    assert.ok(dumps[0]!.get(s), `readelf -x ${s} of ours`);
    assert.equal(dumps[0]!.get(s), dumps[1]!.get(s), s);
  }
  const r = spawnSync('readelf', ['-a', '-W', ours], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
});

function linkError(sources: Record<string, string>): string {
  const built = assembleAll(scratch('vdso-lab-exec-'), sources);
  try {
    linkExec(built.inputs);
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    assert.ok(!e.message.includes('\n'), e.message);
    return e.message.split(built.dir + '/').join('');
  }
  assert.fail('linkExec accepted a bad input');
}

test('bad inputs give one-line errors naming the object, the section and the offset', () => {
  const start = '\t.text\n\t.globl _start\n_start:\n';
  assert.equal(linkError({ u: `${start}\tnop\n\tcall missing\n` }), "u.o: section .text offset 0x2: undefined symbol 'missing'");
  assert.equal(
    linkError({ g: `${start}\tmovl x@GOTOFF(%ebx), %eax\n\t.data\nx: .long 1\n` }),
    'g.o: section .text offset 0x2: unsupported relocation type 9 (R_386_GOTOFF)',
  );
  const far = { far: '\t.globl far\n\t.set far, 0x08050000\n' };
  assert.match(
    linkError({ p: `${start}\tnop\n\t.byte far - .\n`, ...far }),
    /^p\.o: section \.text offset 0x1: R_386_PC8 against 'far' overflows: S \+ A - P = 0x7f[0-9a-f]{2} does not fit 8 bits$/,
  );
  assert.match(
    linkError({ w: `${start}\tnop\n\t.word far - .\n`, far: '\t.globl far\n\t.set far, 0x08068000\n' }),
    /^w\.o: section \.text offset 0x1: R_386_PC16 against 'far' overflows: S \+ A - P = 0x1f[0-9a-f]{3} does not fit 16 bits$/,
  );
  assert.equal(linkError({ n: '\t.text\n\tnop\n' }), "n.o: entry symbol '_start' is not defined by any input");
  assert.match(linkError({ a: `${start}\tnop\n`, b: `${start}\tnop\n` }), /^b\.o: symbol \d+: multiple definition of '_start' \(first defined in a\.o\)$/);
  assert.match(linkError({ c: `${start}\tnop\n\t.comm shared, 4\n` }), /^c\.o: symbol \d+: common symbol 'shared' is not supported/);
});

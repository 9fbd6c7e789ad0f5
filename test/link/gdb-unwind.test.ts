// Proves gdb unwinds through __kernel_vsyscall with the CFI of the image linkVdso wrote:
// a program (linked by linkExec) copies the image to 0x40000000 and calls the stub;
// qemu-i386's gdbstub stops inside it, gdb loads the image with add-symbol-file and
// must find the caller's pc and sp; the same run with GNU ld's image must print the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../toolchain/elf/reader';
import { linkExec, linkVdso } from '../../toolchain/link';
import { assemble, readBytes, readelf, scratch } from '../support/oracles';
import { buildDesign } from '../../toolchain/designs/build';
import { assembleAll, ldVdso, NOTE_S, SIGRETURN_S, VERSIONS, VSYSCALL_S } from './sources';

const LOAD_AT = 0x40000000;

function program(image: string, vsyscall: number): string {
  return `
	.section .rodata
	.p2align 4
image:	.incbin "${image}"
image_end:
	.text
	.globl _start
_start:
	movl $192, %eax            /* mmap2(LOAD_AT, 0x2000, RWX, PRIVATE|ANON|FIXED, -1, 0) */
	movl $${LOAD_AT}, %ebx
	movl $0x2000, %ecx
	movl $7, %edx
	movl $0x32, %esi
	movl $-1, %edi
	xorl %ebp, %ebp
	int $0x80
	movl $image, %esi
	movl $${LOAD_AT}, %edi
	movl $(image_end - image), %ecx
	cld
	rep movsb
	.globl copied
copied:
	movl $20, %eax             /* getpid through the stub */
	movl $0x1111, %ecx
	movl $0x2222, %edx
	movl $0x3333, %ebp
	call ${LOAD_AT + vsyscall}
	.globl after_call
after_call:
	movl $1, %eax
	xorl %ebx, %ebx
	int $0x80
`;
}

/** Runs the program under qemu-i386 -g and returns gdb's output at two stops inside the stub. */
function unwindUnderGdb(dir: string, image: string, tag: string): string {
  const elf = parseElf32(readBytes(image), image);
  const sym = (name: string) => elf.symbols.find((s) => s.name === name)!.value;
  const prog = join(dir, `prog-${tag}`);
  writeFileSync(prog, linkExec([{ fileName: `prog-${tag}.o`, bytes: readBytes(assemble(`prog-${tag}`, program(image, sym('__kernel_vsyscall')), dir)) }]), { mode: 0o755 });
  const port = 20000 + Math.floor(Math.random() * 30000);
  const qemu = spawn('qemu-i386', ['-g', String(port), prog], { stdio: 'ignore' });
  try {
    const landing = LOAD_AT + sym('int80_landing_pad');
    const stops = [landing - 2, landing + 1]; // at `int $0x80` (CFA esp+16) and after `pop %ebp` (CFA esp+12)
    const perStop = (addr: number) => ['-ex', `break *0x${addr.toString(16)}`, '-ex', 'continue', '-ex', 'bt 2', '-ex', 'p/x $sp', '-ex', 'frame 1', '-ex', 'p/x $pc', '-ex', 'p/x $sp', '-ex', 'frame 0'];
    const r = spawnSync('gdb', ['-nx', '-batch', '-ex', 'set confirm off', '-ex', `file ${prog}`, '-ex', `target remote :${port}`,
      '-ex', 'break copied', '-ex', 'continue', '-ex', `add-symbol-file ${image} -o 0x${LOAD_AT.toString(16)}`,
      ...stops.flatMap(perStop), '-ex', 'kill'], { encoding: 'utf8', timeout: 30000 });
    if (r.error) throw r.error;
    return r.stdout.split(image).join('IMAGE').split(prog).join('PROG');
  } finally {
    qemu.kill();
  }
}

test('gdb unwinds out of __kernel_vsyscall with our image\'s CFI (qemu-i386 gdbstub)', () => {
  const dir = scratch('vdso-lab-gdb-');
  const built = assembleAll(dir, { vsyscall: VSYSCALL_S, sigreturn: SIGRETURN_S, note: NOTE_S });
  const ours = join(dir, 'our-vdso.so');
  writeFileSync(ours, linkVdso(built.inputs, { versions: VERSIONS }));
  const theirs = ldVdso(built, VERSIONS);
  const mine = unwindUnderGdb(dir, ours, 'ours');
  const values = [...mine.matchAll(/^\$\d+ = (0x[0-9a-f]+)/gm)].map((m) => Number(m[1]));
  assert.equal(values.length, 6, mine);
  const [sp0, pc1, sp1, sp0b, pc1b, sp1b] = values as [number, number, number, number, number, number];
  const progElf = parseElf32(readBytes(join(dir, 'prog-ours')), 'prog-ours');
  const afterCall = progElf.symbols.find((s) => s.name === 'after_call')!.value;
  assert.equal(pc1, afterCall, 'frame 1 pc is the return address in _start');
  assert.equal(pc1b, afterCall);
  assert.equal(sp1, sp0 + 16, 'CFA = esp + 16 after three pushes');
  assert.equal(sp1b, sp0b + 12, 'CFA = esp + 12 after pop %ebp');
  assert.equal(sp1, sp1b, 'the caller\'s sp is the same at both stops');
  assert.match(mine, /#0 .*__kernel_vsyscall/);
  // gdb names a caller frame by pc - 1, which lies in the call instruction after `copied`.
  assert.match(mine, new RegExp(`#1  0x0*${afterCall.toString(16)} in copied \\(\\)`));
  // The same tag length for both programs keeps argv[0], and so the initial stack, identical.
  assert.equal(mine, unwindUnderGdb(dir, theirs, 'gnus').split('prog-gnus').join('prog-ours'));
});

test('the shipped upstream design, built by our assembler and linker: readelf -a is clean and gdb unwinds with its CFI', () => {
  const dir = scratch('vdso-lab-gdb-');
  const built = buildDesign('upstream', 'compat64');
  const image = join(dir, 'upstream.so');
  writeFileSync(image, built.bytes);
  assert.ok(built.bytes.length <= 0x2000, 'the program maps two pages for the image');
  const all = spawnSync('readelf', ['-a', '-W', image], { encoding: 'utf8' });
  assert.equal(all.status, 0);
  assert.equal(all.stderr, '', 'readelf -a prints no warnings');
  assert.doesNotMatch(all.stdout, /warning|corrupt/i);
  const interp = readelf(['--debug-dump=frames-interp', image]);
  assert.match(interp, /esp\+16\s+c-8\s+c-12\s+c-16\s+c-4/, 'after the three pushes: CFA esp+16, ecx edx ebp saved');
  const out = unwindUnderGdb(dir, image, 'upst');
  const values = [...out.matchAll(/^\$\d+ = (0x[0-9a-f]+)/gm)].map((m) => Number(m[1]));
  assert.equal(values.length, 6, out);
  const [sp0, pc1, sp1, sp0b, pc1b, sp1b] = values as [number, number, number, number, number, number];
  const progElf = parseElf32(readBytes(join(dir, 'prog-upst')), 'prog-upst');
  const afterCall = progElf.symbols.find((s) => s.name === 'after_call')!.value;
  assert.equal(pc1, afterCall);
  assert.equal(pc1b, afterCall);
  assert.equal(sp1, sp0 + 16, 'at int $0x80: CFA = esp + 16');
  assert.equal(sp1b, sp0b + 12, 'after pop %ebp: CFA = esp + 12');
  assert.match(out, /#0 .*__kernel_vsyscall/);
});

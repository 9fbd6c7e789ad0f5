// rep movs and rep stos through their bulk path (emulator/x86/string-bulk.ts): the memory,
// registers and flags a program leaves after copies and fills of every element size, both
// directions, across page boundaries, unaligned, overlapping (the overlaps that repeat bytes
// and those that do not), between pages short (copied word by word or byte by byte) and long
// (through a view), from read-only code, and over code that then runs, are qemu-i386's
// (and the real CPU's where the host runs i386), whatever the budget slices; a watchpoint and
// a fault inside a copy stop at the iteration the one-instruction path stops at, with the
// registers the layout says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest, loadElf, qemuOutput, runGuest } from './guest';

/** Saves esi, edi, ecx and eflags into the next four words at %ebp (then cld). */
const SAVE = 'mov %esi, (%ebp)\n mov %edi, 4(%ebp)\n mov %ecx, 8(%ebp)\n pushf\n pop 12(%ebp)\n add $16, %ebp\n cld\n';

/** One rep case: esi, edi, ecx, eax, then the instruction (std first for `down`). */
function repCase(src: string, dst: string, count: number, insn: string, down = false, eax = '$0x12345678'): string {
  return `mov ${src}, %esi\n lea ${dst}, %edi\n mov $${count}, %ecx\n mov ${eax}, %eax\n${down ? ' std\n' : ''} ${insn}\n${SAVE}`;
}

const PROGRAM = `
.globl _start
_start:
  xor %eax, %eax
fill:
  lea 3(%eax,%eax,4), %edx
  mov %dl, buf(%eax)
  inc %eax
  cmp $16384, %eax
  jne fill
  mov $regs, %ebp
  ${repCase('$buf+4090', 'buf+8192+4093', 100, 'rep movsb')}
  ${repCase('$buf+4093', 'buf+8192+4094', 50, 'rep movsl')}
  ${repCase('$buf+1', 'buf+12288-5', 30, 'rep movsw')}
  ${repCase('$buf+100', 'buf+101', 200, 'rep movsb')}
  ${repCase('$buf+500', 'buf+502', 40, 'rep movsl')}
  ${repCase('$buf+700', 'buf+697', 64, 'rep movsl')}
  ${repCase('$buf+4096+1000', 'buf+4096+1012', 600, 'rep movsl', true)}
  ${repCase('$buf+3000', 'buf+2996', 100, 'rep movsb', true)}
  ${repCase('$buf+6000', 'buf+6001', 50, 'rep movsw', true)}
  ${repCase('$buf', 'buf+12288-10', 37, 'rep stosb', false, '$0x5a')}
  ${repCase('$buf', 'buf+8192+3', 1500, 'rep stosl', true, '$0x12345678')}
  ${repCase('$buf', 'buf+4096+6', 3000, 'rep stosw', false, '$0xabcd')}
  ${repCase('$buf', 'buf+12288+1', 700, 'rep stosl', false, '$0x8badf00d')}
  ${repCase('$buf', 'buf+200', 0, 'rep movsl')}
  ${repCase('$_start', 'buf+12000', 64, 'rep movsb')}
  ${repCase('$buf+4096', 'buf+4096', 300, 'rep movsl')}
  ${repCase('$buf+16', 'buf+8192+32', 40, 'rep movsl')}
  ${repCase('$buf+4096+3', 'buf+12288+7', 200, 'rep movsb')}
  ${repCase('$buf+20', 'buf+12288+40', 300, 'rep movsl')}
  ${repCase('$buf+4096+400', 'buf+8192+600', 30, 'rep movsw', true)}
  mov $1, %eax
  call patchme
  mov %eax, (%ebp)
  ${repCase('$newcode', 'patchme', 6, 'rep movsb')}
  mov $1, %eax
  call patchme
  mov %eax, (%ebp)
  ${repCase('$0', 'patchme2', 5, 'rep stosb', false, '$0x90')}
  mov $99, %eax
  call patchme2
  mov %eax, 4(%ebp)
  add $8, %ebp
  mov $4, %eax
  mov $1, %ebx
  mov $regs, %ecx
  mov %ebp, %edx
  sub $regs, %edx
  int $0x80
  mov $4, %eax
  mov $1, %ebx
  mov $buf, %ecx
  mov $16384, %edx
  int $0x80
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80
patchme:
  mov $7, %eax
  ret
patchme2:
  mov $8, %eax
  ret
newcode:
  mov $42, %eax
  ret
.data
regs: .fill 64, 16, 0
.bss
.balign 4096
buf: .skip 16384
`;

test('rep movs and rep stos leave the memory, registers and flags qemu-i386 leaves, whatever the budget slices', () => {
  const g = buildGuest('string-bulk', PROGRAM, true);
  const expected = qemuOutput(g.path);
  assert.ok(expected.length > 16384);
  const p = loadElf(g.path);
  const r = runGuest(p);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.stdout, expected);
  for (const slice of [1, 7, 250, 4097]) {
    const q = loadElf(g.path);
    const sliced = runGuest(q, 1e9, slice);
    assert.equal(sliced.exitCode, 0, `budgets of ${slice}: exit(0)`);
    assert.deepEqual(sliced.stdout, expected, `budgets of ${slice}`);
    assert.equal(q.cpu.state.icount, p.cpu.state.icount, `budgets of ${slice}: the same instruction count`);
  }
});

const WATCHED = `
.globl _start
_start:
  mov $buf+4000, %esi
  mov $buf+8192+100, %edi
  mov $3000, %ecx
  rep movsb
  mov $buf+8192+4000, %edi
  mov $1000, %ecx
  mov $0x11223344, %eax
  rep stosl
  mov $1, %eax
  xor %ebx, %ebx
  int $0x80
.bss
.balign 4096
buf: .skip 16384
`;

test('a watchpoint inside a rep movs or rep stos destination stops after the iteration that wrote it, as the one-instruction path does', () => {
  const g = buildGuest('string-bulk-watch', WATCHED, false);
  const buf = g.symbols.get('buf')!;
  for (const [watched, dst, count, size] of [[buf + 8192 + 2500, buf + 8192 + 100, 3000, 1], [buf + 12288 + 7, buf + 8192 + 4000, 1000, 4]] as const) {
    const p = loadElf(g.path);
    p.cpu.setWatchpoint(watched, 1, 'write');
    const stop = p.cpu.run(1e6);
    assert.equal(stop.kind, 'watchpoint');
    // The iteration that wrote the watched byte is the last one done.
    const done = Math.floor((watched - dst) / size) + 1;
    assert.equal(p.cpu.state.r[7]! >>> 0, dst + done * size);
    assert.equal(p.cpu.state.r[1], count - done);
    const slow = loadElf(g.path);
    slow.cpu.setWatchpoint(watched, 1, 'write');
    let hit = false;
    for (let guard = 0; guard < 1e6 && !hit; guard++) hit = slow.cpu.run(1).kind === 'watchpoint';
    assert.ok(hit);
    assert.equal(p.cpu.state.icount, slow.cpu.state.icount);
    assert.equal(p.cpu.state.eip, slow.cpu.state.eip);
    assert.deepEqual([...p.cpu.state.r], [...slow.cpu.state.r]);
    assert.deepEqual(p.memory.read(buf, 16384), slow.memory.read(buf, 16384));
  }
});

test('a rep movs running into an unmapped page faults at its first byte with the iterations before it done', () => {
  const FAULTING = `
.globl _start
_start:
  mov $buf, %esi
  mov %esp, %edi
  and $-4096, %edi
  add $4096-10, %edi
  mov $100, %ecx
  rep movsb
  int3
.bss
buf: .skip 256
`;
  const g = buildGuest('string-bulk-fault', FAULTING, false);
  const p = loadElf(g.path);
  // loadElf maps the stack up to 0xbfff0000: the page above its top page is unmapped.
  const top = (((p.cpu.state.r[4]! & ~4095) + 4096) >>> 0);
  const r = runGuest(p);
  assert.equal(r.stop?.kind, 'fault');
  assert.ok(r.stop?.kind === 'fault' && r.stop.fault.vector === 'PF' && r.stop.fault.address === top);
  assert.equal(p.cpu.state.r[7]! >>> 0, top);
  assert.equal(p.cpu.state.r[1], 90);
  assert.equal(p.cpu.state.r[6]! >>> 0, g.symbols.get('buf')! + 10);
  assert.deepEqual(p.memory.read(top - 10, 10), p.memory.read(g.symbols.get('buf')!, 10));
});

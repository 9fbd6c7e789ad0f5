// Block sites (emulator/x86/emit.ts BlockContext.siteChoices): in a compiled block, accesses
// with the same kind, width and base register go through the page a TLB hit last gave them.
// The rules that keep this exact: a site holds only what a hit gave (a watched page never is
// one), it lives for one call of the block (the stack's, emit.ts KEPT_SITES, until Memory's
// TLB changes), it is forgotten after a miss (Memory's slow path may copy a page on write:
// after fork) and after an instruction that reaches memory through a helper (an x87 store),
// and an empty one matches no address. A program whose block reads a page through a site, then
// copies that page by a store, then reads what it stored, ends as under qemu-i386 in both
// address spaces after fork; a watchpoint set between two calls of the block stops it, also
// on the stack; a load at address 1 through an empty site faults. Sites are the full form's
// (compile.ts tiers): the block runs HOT_RUNS times first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOT_RUNS } from '../../emulator/x86/cpu';
import { buildGuest, EXIT, loadElf, qemuOutput, runGuest, writeOut, type LoadedProgram } from './guest';

const WRITE_OUT = writeOut(8);

/** A program calling `probe` (one block: entered by an indirect call, left by ret) HOT_RUNS + 5 times, the round number in edi; `body` is probe's, then the data. */
function calling(body: string): string {
  return `
.globl _start
_start:
  mov $probe, %ebp
  mov $${HOT_RUNS + 5}, %edi
round:
  call *%ebp
fork_here:
  dec %edi
  jnz round
${WRITE_OUT}${EXIT}
probe:
${body}`;
}

/** Each round stores values of its own. */
const SOURCE = calling(`
  mov buf, %eax
  mov buf+4, %ebx
  add %edi, %ebx
  mov %ebx, buf+8
  mov buf+8, %ecx
  push %edi
  fildl (%esp)
  add $4, %esp
  mov buf2, %edx
  mov buf2+4, %edx
  fistpl buf2+8
  mov buf2+8, %esi
  add %ecx, out
  add %esi, out+4
  ret
.data
.balign 4096
buf: .long 1, 1000, 0
.balign 4096
buf2: .long 2, 3, 0
.balign 4096
out: .long 0, 0
`);

/** Runs to fork_here until probe's block has run once in its full form (HOT_RUNS calls made it so). */
function warm(p: LoadedProgram, at: number): void {
  p.cpu.setBreakpoint(at);
  for (let round = 0; round <= HOT_RUNS; round++) assert.equal(p.cpu.run(1e6).kind, 'breakpoint');
  p.cpu.clearBreakpoint(at);
}

test('after fork, a block that read a page through its site and then copies it by a store reads its own copy', () => {
  const g = buildGuest('block-sites', SOURCE);
  const expected = qemuOutput(g.path);
  assert.deepEqual(runGuest(loadElf(g.path)).stdout, expected, 'without fork');
  const parent = loadElf(g.path);
  warm(parent, g.symbols.get('fork_here')!);
  const source = parent.cpu.blockSource(g.symbols.get('probe')!) ?? '';
  assert.match(source, /sbR4a/, 'the loads of buf and buf2 share a site');
  const memory = parent.memory.fork();
  const child = { cpu: parent.cpu.clone(memory), memory, entry: parent.entry };
  child.cpu.state.eip = parent.cpu.state.eip;
  assert.deepEqual(runGuest(child).stdout, expected, 'the child');
  assert.deepEqual(runGuest(parent).stdout, expected, 'the parent');
});

test('a watchpoint set between two calls of a block stops the access its site reached in the first', () => {
  const g = buildGuest('block-sites-watch', SOURCE);
  const p = loadElf(g.path);
  warm(p, g.symbols.get('fork_here')!);
  p.cpu.setWatchpoint(g.symbols.get('buf')! + 4, 4, 'readWrite');
  const stop = p.cpu.run(1000);
  assert.deepEqual(stop, { kind: 'watchpoint', watched: g.symbols.get('buf')! + 4, address: g.symbols.get('probe')! + 5 });
  assert.equal(p.cpu.state.eip, g.symbols.get('probe')! + 11, 'stopped after mov buf+4, %ebx');
  assert.equal(p.cpu.state.r[3], 1000);
});

/** `probe` pushes and pops through the stack's kept site (emit.ts KEPT_SITES), which `round`'s call filled before it. */
const STACK_SOURCE = calling(`
  push %edi
  pop %eax
  add %eax, out
  ret
.data
.balign 4096
out: .long 0, 0
`);

test('a watchpoint set between two calls stops a push through the stack site kept from the calls before', () => {
  const g = buildGuest('block-sites-stack', STACK_SOURCE);
  assert.deepEqual(runGuest(loadElf(g.path)).stdout, qemuOutput(g.path), 'without a watchpoint');
  const p = loadElf(g.path);
  warm(p, g.symbols.get('fork_here')!);
  const source = p.cpu.blockSource(g.symbols.get('probe')!) ?? '';
  assert.match(source, /sbW4r4 = m\.stackStoreBase/, 'the push starts from the kept site');
  // The call's push goes to esp - 4, probe's to esp - 8.
  const slot = (p.cpu.state.r[4]! - 8) >>> 0;
  p.cpu.setWatchpoint(slot, 4, 'write');
  const stop = p.cpu.run(1000);
  assert.deepEqual(stop, { kind: 'watchpoint', watched: slot, address: g.symbols.get('probe')! });
});

test('a site not yet filled does not take an access at address 1 for a hit: it faults', () => {
  // Address 1 masked for a 4-byte access (emit.ts tlbAccess) is 1: an empty site must hold a base no address gives.
  const g = buildGuest('block-sites-empty', `
.globl _start
_start:
  mov $probe, %ebp
  mov $buf, %ecx
  mov $${HOT_RUNS + 5}, %edi
round:
  call *%ebp
  dec %edi
  jnz round
  mov $1, %ecx
  call *%ebp
${EXIT}
probe:
  mov (%ecx), %eax
  mov 4(%ecx), %edx
  ret
.data
.balign 4096
buf: .long 1, 2
`);
  const p = loadElf(g.path);
  const stop = p.cpu.run(1e6);
  assert.deepEqual(stop, { kind: 'fault', fault: { kind: 'page-fault', address: 1, access: 'read', protection: false, vector: 'PF' }, address: g.symbols.get('probe') });
  assert.match(p.cpu.blockSource(g.symbols.get('probe')!) ?? '', /sbR4r1/, 'the loads share a site');
});

// Reverse execution over DAP, exact: an as/ld program that makes system calls, is sent a
// signal (its handler runs and returns through the vDSO's sigreturn) and loops. Going
// forward one instruction at a time, the state after each step (every register, every byte
// of the program's segments and of the stack pages) is kept; then stepBack from step 50
// to the start gives exactly that state at every step, and reverseContinue stops at the
// previous instruction breakpoint hit, then the one before, then the start. The forward
// snapshots come from the adapter's readMemory and registers; the program's bytes at each
// stop are also what the instructions objdump shows would leave there. Run with the default
// checkpoints (one at the start covers it all) and with one every 3 instructions, 10 kept
// (restores land between the system calls and inside the handler, and older ones are thinned).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { assemble, run, scratch } from '../support/oracles';
import { hex, launch, readMemory, registers, startClient, symbolValues, until } from './dap-helpers';

const SOURCE = `
  .data
counter: .long 0
act: .long handler, 0, 0, 0
  .text
  .globl _start
_start:
  movl $67, %eax
  movl $10, %ebx
  movl $act, %ecx
  xorl %edx, %edx
  int $0x80
  movl $20, %eax
  int $0x80
  movl %eax, %ebx
  movl $37, %eax
  movl $10, %ecx
  int $0x80
after_kill:
  addl $5, counter
  pushl $7
  pushl $9
  popl %eax
  popl %ecx
  movl $12, %ecx
1: addl %ecx, counter
  loop 1b
  movl $1, %eax
  movl counter, %ebx
  int $0x80
handler:
  incl counter
  movl $0x1234, %edx
  pushl %edx
  popl %edx
  ret
`;

interface Snapshot { regs: Record<string, number>; pages: Map<number, string> }

async function snapshot(client: DebugClient, pages: readonly number[]): Promise<Snapshot> {
  const out = new Map<number, string>();
  for (const p of pages) out.set(p, (await readMemory(client, p, 4096)).toString('hex'));
  return { regs: await registers(client), pages: out };
}

for (const checkpoints of [{}, { reverseCheckpointEvery: 3, reverseCheckpointsKept: 10 }]) test(`stepBack restores every register and byte after 50 steps across system calls and a signal; reverseContinue reaches the previous breakpoints (${JSON.stringify(checkpoints)})`, async () => {
  const dir = scratch();
  const program = join(dir, 'guest');
  run('ld', ['-m', 'elf_i386', '-o', program, assemble('guest', SOURCE, dir)]);
  const symbols = symbolValues(program);
  const loads = [...run('readelf', ['-lW', program]).matchAll(/^\s*LOAD\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x([0-9a-f]+)/gm)]
    .map((m) => ({ start: parseInt(m[1]!, 16), size: parseInt(m[2]!, 16) }));
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: true, ...checkpoints });
    const esp0 = (await registers(client)).esp!;
    const pages: number[] = [];
    for (const l of loads) for (let p = l.start & ~0xfff; p < l.start + l.size; p += 0x1000) pages.push(p);
    for (let p = (esp0 & ~0xfff) - 0x2000; p <= (esp0 & ~0xfff) + 0x1000; p += 0x1000) pages.push(p >>> 0);
    const forward: Snapshot[] = [await snapshot(client, pages)];
    let sawHandler = false;
    let sawSyscall = false;
    for (let k = 1; k <= 50; k++) {
      const before = forward[k - 1]!.regs.eip!;
      await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
      forward.push(await snapshot(client, pages));
      sawHandler ||= forward[k]!.regs.eip === symbols.get('handler');
      sawSyscall ||= (await readMemory(client, before, 2)).toString('hex') === 'cd80';
    }
    assert.ok(sawSyscall && sawHandler, 'the 50 steps cross system calls and the signal handler');
    assert.equal(forward[50]!.regs.eip !== forward[49]!.regs.eip, true);
    // Back, one instruction at a time, to the start: each state equals the one kept going forward.
    for (let k = 49; k >= 0; k--) {
      const stop = await until(client, () => client.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
      assert.equal(stop.body.reason, 'step');
      const now = await snapshot(client, pages);
      assert.deepEqual(now.regs, forward[k]!.regs, `registers after stepping back to step ${k}`);
      for (const p of pages) assert.equal(now.pages.get(p), forward[k]!.pages.get(p), `page ${hex(p)} after stepping back to step ${k}`);
    }
    // Forward again to step 50, then reverseContinue to the instruction breakpoints behind.
    for (let k = 1; k <= 50; k++) await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.deepEqual((await snapshot(client, pages)).regs, forward[50]!.regs, 'forward again: the same state (determinism)');
    const stepOf = (address: number): number[] => forward.flatMap((s, k) => (s.regs.eip === address ? [k] : []));
    const afterKill = symbols.get('after_kill')!;
    const handler = symbols.get('handler')!;
    await client.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: hex(afterKill) }, { instructionReference: hex(handler) }] });
    const hits = [...stepOf(afterKill), ...stepOf(handler)].sort((a, b) => b - a);
    assert.ok(hits.length >= 2 && hits[0]! < 50);
    for (const k of hits) {
      const stop = await until(client, () => client.reverseContinueRequest({ threadId: 1 }));
      assert.equal(stop.body.reason, 'instruction breakpoint');
      const now = await snapshot(client, pages);
      assert.deepEqual(now.regs, forward[k]!.regs, `reverseContinue reaches step ${k}`);
      for (const p of pages) assert.equal(now.pages.get(p), forward[k]!.pages.get(p), `page ${hex(p)} at step ${k}`);
    }
    const start = await until(client, () => client.reverseContinueRequest({ threadId: 1 }));
    assert.equal(start.body.reason, 'entry');
    assert.deepEqual((await registers(client)), forward[0]!.regs);
  } finally {
    await client.stop();
  }
});

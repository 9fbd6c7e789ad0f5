// The debug adapter on a small program written with GNU as and ld: it finds AT_SYSINFO in
// its aux vector and calls __kernel_vsyscall from a function with CFI. Checked: an
// instruction breakpoint, step over a call (stops at the return address objdump shows),
// step out (to the return address the unwinder computes), each step's eip moving by the
// length toolchain/isa's decoder and objdump both give, a data breakpoint stopping after
// the writing instruction, a kernel-event (exception filter) stop naming the exit path,
// evaluate of registers and symbols, and that two launches give the same stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { decode } from '../../toolchain/isa/decoder';
import { assemble, run, scratch } from '../support/oracles';
import { hex, launch, parseObjdump, readMemory, registers, stack, startClient, symbolValues, topFrame, until } from './dap-helpers';

const SOURCE = `
  .data
  .globl counter
counter: .long 0
sysinfo: .long 0
msg: .ascii "asm says hi\\n"
  .text
  .globl _start
  .type _start, @function
_start:
  .cfi_startproc
  .cfi_undefined eip
  movl %esp, %esi
  movl (%esi), %eax
  leal 8(%esi,%eax,4), %esi
1: lodsl
  testl %eax, %eax
  jnz 1b
2: lodsl
  movl %eax, %edx
  lodsl
  cmpl $32, %edx
  je 3f
  testl %edx, %edx
  jnz 2b
3: movl %eax, sysinfo
  call work
after_work:
  movl $1, %eax
  movl $9, %ebx
  call *sysinfo
  hlt
  .cfi_endproc
  .size _start, .-_start

  .globl work
  .type work, @function
work:
  .cfi_startproc
  pushl %ebp
  .cfi_adjust_cfa_offset 4
  .cfi_rel_offset ebp, 0
  movl %esp, %ebp
  movl $42, counter
  pushl %ebx
  .cfi_adjust_cfa_offset 4
  .cfi_rel_offset ebx, 0
  movl $4, %eax
  movl $1, %ebx
  movl $msg, %ecx
  movl $12, %edx
  call *sysinfo
after_write:
  addl $1, counter
  popl %ebx
  .cfi_adjust_cfa_offset -4
  .cfi_restore ebx
  popl %ebp
  .cfi_adjust_cfa_offset -4
  .cfi_restore ebp
  ret
  .cfi_endproc
  .size work, .-work
`;

function build(): { program: string; symbols: Map<string, number> } {
  const dir = scratch();
  const object = assemble('guest', SOURCE, dir);
  const program = join(dir, 'guest');
  run('ld', ['-m', 'elf_i386', '-o', program, object]);
  return { program, symbols: symbolValues(program) };
}

/** Runs the session's stops: work's breakpoint, steps, step over, step out; returns what was seen. */
async function session(client: DebugClient, program: string, symbols: Map<string, number>, lines: ReturnType<typeof parseObjdump>, output: Array<{ body: { output: string; category?: string } }>): Promise<string[]> {
  const seen: string[] = [];
  const note = (reason: string, regs: Record<string, number>) => seen.push(`${reason} ${hex(regs.eip!)} esp=${hex(regs.esp!)} eax=${hex(regs.eax!)}`);
  const work = symbols.get('work')!;
  const first = await launch(client, { program, vdso: 'upstream', cpu: 'amd', kernel: 'compat64' }, async () => {
    const r = await client.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: hex(work) }] });
    assert.equal((r.body as { breakpoints: Array<{ verified: boolean }> }).breakpoints[0]!.verified, true);
  });
  assert.equal(first.body.reason, 'instruction breakpoint');
  let regs = await registers(client);
  assert.equal(regs.eip, work);
  note(first.body.reason, regs);
  const frames = await stack(client);
  assert.equal(frames[0]!.name, 'work');
  assert.equal(Number(frames[1]!.instructionPointerReference), symbols.get('after_work'), 'frame 1 is at the return address after call work');
  // As gdb names it: the FUNC symbol holding pc - 1 (the call), never the local label after_work.
  assert.equal(frames[1]!.name, `_start+${hex(symbols.get('after_work')! - symbols.get('_start')!)}`, 'named by the function that holds the call');
  assert.equal(frames[2]!.presentationHint, 'label');
  assert.match(frames[2]!.name, /outermost frame/);

  // Steps: eip moves by the length the decoder and objdump agree on; push moves esp by -4.
  for (let n = 0; n < 2; n++) {
    const code = new Uint8Array(await readMemory(client, regs.eip!, 15));
    const length = decode(code, 0, regs.eip!).length;
    const line = lines.find((l) => l.address === regs.eip)!;
    assert.equal(line.bytes.split(' ').length, length, `decoder and objdump agree on the length at ${hex(regs.eip!)}`);
    const stopped = await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    const next = await registers(client);
    assert.equal(next.eip, regs.eip! + length);
    if (line.text.startsWith('push')) assert.equal(next.esp, regs.esp! - 4);
    if (line.text.replace(/\s+/g, ' ') === 'mov %esp,%ebp') assert.equal(next.ebp, next.esp);
    note(stopped.body.reason, next);
    regs = next;
  }

  // The data breakpoint on counter: the stop follows `movl $0x2a,counter`.
  const info = await client.dataBreakpointInfoRequest({ name: 'counter' });
  await client.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
  const watch = await until(client, () => client.continueRequest({ threadId: 1 }));
  assert.equal(watch.body.reason, 'data breakpoint');
  regs = await registers(client);
  const writer = lines.find((l) => l.address + l.bytes.split(' ').length === regs.eip)!;
  assert.match(writer.text, new RegExp(`^movl\\s+\\$0x2a,${hex(symbols.get('counter')!)}$`));
  assert.equal((await readMemory(client, symbols.get('counter')!, 4)).readUInt32LE(0), 42);
  note(watch.body.reason, regs);
  await client.setDataBreakpointsRequest({ breakpoints: [] });

  // Evaluate: registers and symbols.
  const ev = await client.evaluateRequest({ expression: '%esp', context: 'hover', frameId: 0 });
  assert.equal(Number(ev.body.result.split(' ')[0]), regs.esp);
  assert.equal(Number((await client.evaluateRequest({ expression: 'counter', context: 'repl' })).body.result), symbols.get('counter'));
  assert.equal(Number((await client.evaluateRequest({ expression: '*counter', context: 'repl' })).body.result), 42);

  // Step over instructions up to the call, then over the call: it stops at after_write with the write done.
  for (let n = 0; n < 10 && regs.eip !== symbols.get('after_write'); n++) {
    const stopped = await until(client, () => client.nextRequest({ threadId: 1, granularity: 'instruction' }));
    regs = await registers(client);
    note(stopped.body.reason, regs);
  }
  assert.equal(regs.eip, symbols.get('after_write'));
  assert.equal(regs.eax, 12, 'write returned 12');
  assert.ok(output.some((e) => e.body.category === 'stdout' && e.body.output === 'asm says hi\n'));

  // Step out of work: the return address the unwinder computes, with esp at the CFA.
  const cfaScope = await client.variablesRequest({ variablesReference: (await client.scopesRequest({ frameId: 0 })).body.scopes[1]!.variablesReference });
  const cfa = Number(cfaScope.body.variables.find((v) => v.name === 'CFA')!.value);
  const out = await until(client, () => client.stepOutRequest({ threadId: 1 }));
  regs = await registers(client);
  assert.equal(out.body.reason, 'step');
  assert.equal(regs.eip, symbols.get('after_work'));
  assert.equal(regs.esp, cfa);
  note(out.body.reason, regs);

  // A kernel-event stop: the exit path of the next system call (exit never returns, so none).
  await client.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'exit' }] });
  const exited = client.waitForEvent('exited', 30_000);
  await client.continueRequest({ threadId: 1 });
  seen.push(`exit ${(await exited).body.exitCode}`);
  return seen;
}

test('as/ld program: instruction breakpoint, steps by decoded lengths, data breakpoint, step over and out, the same stops twice', async () => {
  const { program, symbols } = build();
  const lines = parseObjdump(run('objdump', ['-d', '--insn-width=15', program]));
  const runs: string[][] = [];
  for (let k = 0; k < 2; k++) {
    const { client, output } = await startClient();
    try {
      runs.push(await session(client, program, symbols, lines, output));
    } finally {
      await client.stop();
    }
  }
  assert.equal(runs[0]![runs[0]!.length - 1], 'exit 9');
  assert.deepEqual(runs[1], runs[0], 'the same launch gives the same stops');
});

test('kernel-event breakpoints: a stop after write names the exit path; the state shows pt_regs', async () => {
  const { program, symbols } = build();
  const { client } = await startClient();
  try {
    const first = await launch(client, { program, vdso: 'upstream', cpu: 'intel', kernel: 'native32', stopOnEntry: true }, async () => {
      await client.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'write' }] });
    });
    assert.equal(first.body.reason, 'entry');
    const stopped = await until(client, () => client.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'exception');
    const description = String((stopped.body as { description?: string }).description);
    assert.match(description, /system call write\(1, /);
    assert.match(description, /entered by sysenter/);
    assert.match(description, /exit path SYSEXIT/, 'a 32-bit kernel returns from sysenter by SYSEXIT');
    const regs = await registers(client);
    const sc = await client.scopesRequest({ frameId: 0 });
    const pt = await client.variablesRequest({ variablesReference: sc.body.scopes[2]!.variablesReference });
    const ptRegs = new Map(pt.body.variables.map((v) => [v.name, v.value]));
    assert.equal(Number(ptRegs.get('orig_ax')), 4);
    assert.equal(Number(ptRegs.get('cx')), symbols.get('msg'));
    assert.equal(Number(ptRegs.get('ip')), regs.eip, 'the kernel returned where pt_regs->ip said');
    const exited = client.waitForEvent('exited', 30_000);
    await client.setExceptionBreakpointsRequest({ filters: [] });
    await client.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 9);
  } finally {
    await client.stop();
  }
});

test('a fatal signal stops with reason exception at the faulting instruction; pause stops a loop', async () => {
  const dir = scratch();
  const program = join(dir, 'faulty');
  run('ld', ['-m', 'elf_i386', '-o', program, assemble('faulty', `
  .text
  .globl _start
_start:
  movl $3, %ecx
spin:
  decl %ecx
  jnz spin
fault:
  movl 0, %eax
  hlt
`, dir)]);
  const fault = symbolValues(program).get('fault')!;
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: 'none', stopOnEntry: true });
    const stopped = await until(client, () => client.continueRequest({ threadId: 1 }));
    assert.equal(stopped.body.reason, 'exception');
    assert.match(String((stopped.body as { description?: string }).description), /^SIGSEGV: /);
    assert.equal(Number((await topFrame(client)).instructionPointerReference), fault);
    const exited = client.waitForEvent('exited', 30_000);
    await client.continueRequest({ threadId: 1 });
    assert.equal((await exited).body.exitCode, 128 + 11);
  } finally {
    await client.stop();
  }
  const loop = join(dir, 'loop');
  run('ld', ['-m', 'elf_i386', '-o', loop, assemble('loop', '.text\n.globl _start\n_start:\n  jmp _start\n', dir)]);
  const second = await startClient();
  try {
    await launch(second.client, { program: loop, vdso: 'none', stopOnEntry: true });
    await second.client.continueRequest({ threadId: 1 });
    const paused = await until(second.client, () => second.client.pauseRequest({ threadId: 1 }));
    assert.equal(paused.body.reason, 'pause');
    assert.equal(Number((await topFrame(second.client)).instructionPointerReference), symbolValues(loop).get('_start'));
  } finally {
    await second.client.stop();
  }
});

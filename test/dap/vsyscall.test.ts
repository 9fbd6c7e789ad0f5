// The debug adapter (in process, under DebugClient) on a gcc -m32 -static C
// program with the shipped upstream vDSO on an Intel CPU and a 64-bit kernel: a stop on
// entry, a function breakpoint on __kernel_vsyscall, the stack the CFI unwinder gives
// (frame 1's pc is the return address and is what objdump -d says follows the call), a
// step through every instruction of the stub into the kernel model and back (registers
// checked against what each instruction does, lengths from objdump; after each one, frame 1
// and the caller's registers the CFI recovers are the caller's as they were at the call), disassembly compared
// with objdump of the same bytes, stack bytes read back, a data breakpoint on a global
// (stopping after the instruction objdump shows writing it), the guest's output and exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildC, run } from '../support/oracles';
import { errorOf, hex, launch, objdumpRaw, objdumpSpan, outputMatching, parseObjdump, readMemory, registers, stack, startClient, topFrame, until } from './dap-helpers';

const SOURCE = `
#include <unistd.h>
int counter;
int main(void) {
  counter = 5;
  write(1, "hello from the guest\\n", 21);
  counter += 2;
  write(2, "err\\n", 4);
  return 7;
}
`;

const le32 = (b: Buffer, at = 0): number => b.readUInt32LE(at);

test('gcc -m32 -static program: __kernel_vsyscall breakpoint, CFI stack, stepping into the kernel model, data breakpoint, output, exit', async () => {
  const program = buildC('guest', SOURCE, ['-static', '-O1', '-fno-pie', '-no-pie']);
  const entry = parseInt(/Entry point address:\s+0x([0-9a-f]+)/.exec(run('readelf', ['-h', program]))![1]!, 16);
  const counter = parseInt(/([0-9a-f]{8})\s+\d+\s+OBJECT\s+GLOBAL\s+DEFAULT\s+\d+\s+counter$/m.exec(run('readelf', ['-sW', program]))![1]!, 16);
  const { client, output } = await startClient();
  try {
    // Stop on entry at the ELF entry point.
    const first = await launch(client, { program, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: true });
    assert.equal(first.body.reason, 'entry');
    assert.equal(Number((await topFrame(client)).instructionPointerReference), entry);

    // Function breakpoint on the vDSO's __kernel_vsyscall.
    const bps = await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] });
    const bp = bps.body.breakpoints[0]!;
    assert.equal(bp.verified, true);
    const stub = Number(bp.instructionReference);
    const hit = await until(client, () => client.continueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'function breakpoint');
    assert.deepEqual(hit.body.hitBreakpointIds, [bp.id]);

    // The stack: frame 0 in __kernel_vsyscall, frame 1 in the caller at the return address.
    const frames = await stack(client);
    assert.equal(frames[0]!.name, '__kernel_vsyscall');
    assert.equal(Number(frames[0]!.instructionPointerReference), stub);
    const returnAddress = Number(frames[1]!.instructionPointerReference);
    const atEntry = await registers(client);
    assert.equal(atEntry.eip, stub);
    assert.equal(le32(await readMemory(client, atEntry.esp, 4)), returnAddress, 'the return address on the stack is frame 1 pc');
    // objdump from the function before the call through the return address.
    const listing = objdumpSpan(program, returnAddress - 1, returnAddress);
    const programLines = parseObjdump(listing);
    const k = programLines.findIndex((l) => l.address === returnAddress);
    assert.ok(k > 0, `objdump has an instruction at ${hex(returnAddress)}`);
    const call = programLines[k - 1]!;
    assert.match(call.text, /^call/, `objdump: the instruction before ${hex(returnAddress)} is a call (${call.text})`);
    assert.equal(call.address + call.bytes.split(' ').length, returnAddress);
    const caller = [...listing.matchAll(/^([0-9a-f]+) <([^>]+)>:$/gm)].map((m) => ({ start: parseInt(m[1]!, 16), name: m[2]! }))
      .filter((f) => f.start <= returnAddress).sort((a, b) => b.start - a.start)[0]!;
    assert.equal(frames[1]!.name, `${caller.name}+0x${(returnAddress - caller.start).toString(16)}`);
    const last = frames[frames.length - 1]!;
    assert.equal(last.presentationHint, 'label');
    assert.match(last.name, /^unwinding stopped: /);
    // The caller's registers as the CFI row of frame 0 recovers them: eip = return address, esp = CFA.
    const scopes = await client.scopesRequest({ frameId: 0 });
    const callerScope = await client.variablesRequest({ variablesReference: scopes.body.scopes[1]!.variablesReference });
    const byName = new Map(callerScope.body.variables.map((v) => [v.name, v.value]));
    assert.equal(Number(byName.get('eip')), returnAddress);
    assert.equal(Number(byName.get('CFA')), atEntry.esp + 4);
    assert.match(String(byName.get('CFI row')), /^cfa=esp\+4 eip=c-4$/);

    // Disassembly of the stub against objdump of the same bytes.
    const stubBytes = await readMemory(client, stub, 32);
    const oracle = objdumpRaw(stubBytes, stub);
    const end = oracle.findIndex((l) => l.text === 'ret');
    assert.ok(end > 0, 'objdump finds the stub\'s ret');
    const dis = await client.disassembleRequest({ memoryReference: hex(stub), instructionCount: end + 1 });
    assert.deepEqual(dis.body!.instructions.map((i) => [Number(i.address), i.instructionBytes, i.instruction.replace(/\s+/g, ' ')]),
      oracle.slice(0, end + 1).map((l) => [l.address, l.bytes, l.text.replace(/\s+/g, ' ')]));
    assert.ok(oracle.some((l) => l.text === 'sysenter'), 'the Intel compat64 alternative put sysenter in place');

    // Step through the stub, one instruction at a time, checking each against its meaning.
    const int80 = oracle.findIndex((l) => /^int\s+\$0x80$/.test(l.text));
    const landingPad = oracle[int80 + 1]!.address;
    let regs = atEntry;
    let sawKernel = false;
    for (let n = 0; n < 20 && regs.eip !== returnAddress; n++) {
      const line = oracle.find((l) => l.address === regs.eip)!;
      assert.ok(line, `an objdump line at ${hex(regs.eip)}`);
      const length = line.bytes.split(' ').length;
      const top = le32(await readMemory(client, regs.esp, 4));
      const outputsBefore = output.length;
      const stopped = await until(client, () => client.stepInRequest({ threadId: 1, granularity: 'instruction' }));
      assert.equal(stopped.body.reason, 'step');
      const next = await registers(client);
      const op = /^(\w+)\s*(.*)$/.exec(line.text)!;
      if (op[1] === 'push') {
        assert.equal(next.esp, regs.esp - 4, `${line.text}: esp decreased by 4`);
        assert.equal(le32(await readMemory(client, next.esp, 4)), regs[op[2]!.slice(1)], `${line.text}: the value is on the stack`);
      } else if (op[1] === 'pop') {
        assert.equal(next.esp, regs.esp + 4, `${line.text}: esp increased by 4`);
        assert.equal(next[op[2]!.slice(1)], top, `${line.text}: the register holds the stack word`);
      } else if (line.text.replace(/\s+/g, ' ') === 'mov %esp,%ebp') {
        assert.equal(next.ebp, regs.esp);
      }
      if (op[1] === 'sysenter') {
        sawKernel = true;
        assert.equal(next.eip, landingPad, 'the kernel returned to the landing pad after int $0x80');
        const description = String((stopped.body as { description?: string }).description);
        assert.match(description, /entered by sysenter/);
        assert.match(description, /exit path (SYSRETL|SYSEXIT|IRET)/);
        await outputMatching(client, output, outputsBefore, /exit path (SYSRETL|SYSEXIT|IRET)/);
        const sc = await client.scopesRequest({ frameId: 0 });
        const pt = await client.variablesRequest({ variablesReference: sc.body.scopes[2]!.variablesReference });
        const ptRegs = new Map(pt.body.variables.map((v) => [v.name, Number(v.value)]));
        assert.equal(ptRegs.get('orig_ax'), regs.eax, 'pt_regs->orig_ax is the system call number eax held');
        assert.equal(ptRegs.get('bx'), regs.ebx);
        assert.equal(ptRegs.get('ip'), landingPad, 'pt_regs->ip was set to the landing pad');
        const sys = await client.variablesRequest({ variablesReference: sc.body.scopes[3]!.variablesReference });
        const result = Number(sys.body.variables.find((v) => v.name === 'result')!.value.split(' ')[0]);
        assert.equal(next.eax, result >>> 0, 'eax holds the system call result');
      } else if (op[1] === 'ret') {
        assert.equal(next.eip, returnAddress);
        assert.equal(next.esp, regs.esp + 4);
      } else {
        assert.equal(next.eip, regs.eip + length, `${line.text}: eip moved by its length`);
      }
      if (next.eip !== returnAddress) {
        // Still in the stub (prologue, after the kernel, epilogue): the CFI unwinds to the caller as it was at the call.
        const inStub = await stack(client);
        assert.equal(Number(inStub[1]!.instructionPointerReference), returnAddress, `after ${line.text}: frame 1 is the caller at the return address`);
        assert.equal(inStub[1]!.name, frames[1]!.name);
        const recovered = await client.variablesRequest({ variablesReference: (await client.scopesRequest({ frameId: 0 })).body.scopes[1]!.variablesReference });
        const got = new Map(recovered.body.variables.map((v) => [v.name, Number(v.value)]));
        assert.equal(got.get('CFA'), atEntry.esp + 4, `after ${line.text}: the CFA is the caller's esp before the call`);
        for (const r of ['eip', 'esp', 'ecx', 'edx', 'ebp', 'ebx', 'esi', 'edi']) {
          const want = r === 'eip' ? returnAddress : r === 'esp' ? atEntry.esp + 4 : atEntry[r];
          assert.equal(got.get(r), want, `after ${line.text} (pc ${hex(next.eip!)}): the caller's ${r} as the CFI recovers it`);
        }
      }
      if (n === 2) {
        const words = await readMemory(client, next.esp, 16);
        assert.deepEqual([le32(words, 0), le32(words, 4), le32(words, 8), le32(words, 12)], [atEntry.ebp, atEntry.edx, atEntry.ecx, returnAddress], 'the three pushes and the return address');
      }
      regs = next;
    }
    assert.ok(sawKernel, 'stepped across sysenter');
    assert.equal(regs.eip, returnAddress);
    assert.equal(regs.esp, atEntry.esp + 4);
    for (const r of ['ecx', 'edx', 'ebp', 'ebx', 'esi', 'edi']) assert.equal(regs[r], atEntry[r], `the stub gives ${r} back`);

    // A data breakpoint on the global: the stop comes after the instruction objdump shows writing it.
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    const info = await client.dataBreakpointInfoRequest({ name: 'counter' });
    assert.ok(info.body.dataId);
    const data = await client.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    assert.equal(data.body.breakpoints[0]!.verified, true);
    for (const expected of [5, 7]) {
      const watch = await until(client, () => client.continueRequest({ threadId: 1 }));
      assert.equal(watch.body.reason, 'data breakpoint');
      const pc = Number((await topFrame(client)).instructionPointerReference);
      const writer = parseObjdump(objdumpSpan(program, pc - 1, pc - 1)).find((l) => l.address + l.bytes.split(' ').length === pc)!;
      assert.ok(writer.text.includes(hex(counter)), `objdump: the instruction before the stop writes counter (${writer.text})`);
      assert.match(String((watch.body as { description?: string }).description), new RegExp(`instruction at ${hex(writer.address)}`));
      assert.equal(le32(await readMemory(client, counter, 4)), expected);
    }
    await client.setDataBreakpointsRequest({ breakpoints: [] });

    // The rest runs to the end: the guest's output and its exit code arrive as events.
    const terminated = client.waitForEvent('terminated', 30_000);
    const exited = until(client, () => client.continueRequest({ threadId: 1 }), 'exited');
    assert.equal(((await exited) as unknown as DebugProtocol.ExitedEvent).body.exitCode, 7);
    await terminated;
    const text = (category: string): string => output.filter((e) => e.body.category === category).map((e) => e.body.output).join('');
    assert.equal(text('stdout'), 'hello from the guest\n');
    assert.equal(text('stderr'), 'err\n');
  } finally {
    await client.stop();
  }
});

test('bad launch arguments: one-line errors naming the file and the place', async () => {
  const notElf = buildC('plain', 'int main(void){return 0;}', ['-c']);
  const program = buildC('ok', 'int main(void){return 0;}', ['-static']);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /^launch configuration: "program": missing/],
    [{ program: '/nonexistent/guest' }, /^\/nonexistent\/guest: the program: no such file$/],
    [{ program: notElf }, /plain\.o: offset 0x10: e_type 1 is neither ET_EXEC nor ET_DYN$/],
    [{ program, vdso: '/nonexistent/vdso32.so' }, /^\/nonexistent\/vdso32\.so: the vDSO image: no such file$/],
    [{ program, vdso: program }, /ok: ELF header: e_type 2 is not ET_DYN/],
    [{ program, cpu: 'z80' }, /^launch configuration: "cpu": must be one of intel, amd, generic \(got z80\)$/],
  ];
  for (const [args, expected] of cases) {
    const { client } = await startClient();
    try {
      const message = await errorOf(client.launch(args));
      assert.match(message, expected);
      assert.equal(message.split('\n').length, 1);
    } finally {
      await client.stop();
    }
  }
});

// Changing a stopped program from the debugger, checked by what the program then does
// (gcc -m32 program, its exit status and output are the oracle): setVariable on a register
// and on an eflags bit, writeMemory into a global the program prints, readMemory through a
// register's name, and "Break on Value Change" from the Variables view (a register that
// points) and from the Watch view (a memory expression), each stopping after the
// instruction objdump shows writing there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildC, run } from '../support/oracles';
import { hex, launch, objdumpSpan, parseObjdump, readMemory, registers, startClient, topFrame, until } from './dap-helpers';

const SOURCE = `
#include <unistd.h>
char message[] = "value=?\\n";
volatile unsigned slot;
__attribute__((noinline)) unsigned pick(unsigned x) { return x * 3; }
int main(void) {
  slot = pick(5);
  slot = slot + 1;
  write(1, message, 8);
  return pick(7) & 0x7f;
}
`;

test('setVariable, writeMemory, readMemory by register, and data breakpoints from Variables and Watch', async () => {
  const program = buildC('edit', SOURCE, ['-static', '-O1', '-fno-pie', '-no-pie']);
  const symbol = (name: string): number => parseInt(new RegExp(`^\\s*\\d+:\\s+([0-9a-f]+)\\s+\\d+\\s+\\w+\\s+\\w+\\s+\\w+\\s+\\d+\\s+${name}$`, 'm').exec(run('readelf', ['-sW', program]))![1]!, 16);
  const { client, output } = await startClient();
  try {
    await launch(client, { program, stopOnEntry: true });
    // Into pick(5): its argument is at 4(%esp).
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'pick' }] });
    await until(client, () => client.continueRequest({ threadId: 1 }));
    let regs = await registers(client);
    assert.equal((await readMemory(client, regs.esp! + 4, 4)).readUInt32LE(0), 5);
    // readMemory through the register's name: the bytes at esp.
    const byName = await client.customRequest('readMemory', { memoryReference: '$esp', offset: 4, count: 4 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(Buffer.from(byName.body!.data!, 'base64').readUInt32LE(0), 5);
    // writeMemory: pick's argument becomes 9, so slot = 27, then 28.
    const arg = Buffer.alloc(4);
    arg.writeUInt32LE(9);
    const w = await client.customRequest('writeMemory', { memoryReference: hex(regs.esp! + 4), data: arg.toString('base64') }) as DebugProtocol.WriteMemoryResponse;
    assert.equal(w.body?.bytesWritten, 4);
    // Break on Value Change from the Variables view: esp's pointee (the return address slot) is not written; use the Watch view on slot.
    const scopes = await client.scopesRequest({ frameId: 0 });
    const regRef = scopes.body.scopes[0]!.variablesReference;
    const espInfo = await client.dataBreakpointInfoRequest({ variablesReference: regRef, name: 'esp' });
    assert.equal(espInfo.body.dataId, `${'0x' + regs.esp!.toString(16).padStart(8, '0')}:4`, 'a register that points watches where it points');
    const slotInfo = await client.dataBreakpointInfoRequest({ name: `*(u32*)${hex(symbol('slot'))}`, frameId: 0 });
    assert.equal(slotInfo.body.dataId, `${'0x' + symbol('slot').toString(16).padStart(8, '0')}:4`);
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    await client.setDataBreakpointsRequest({ breakpoints: [{ dataId: slotInfo.body.dataId!, accessType: 'write' }] });
    for (const expected of [27, 28]) {
      const hit = await until(client, () => client.continueRequest({ threadId: 1 }));
      assert.equal(hit.body.reason, 'data breakpoint');
      const pc = Number((await topFrame(client)).instructionPointerReference);
      const writer = parseObjdump(objdumpSpan(program, pc - 1, pc - 1)).find((l) => l.address + l.bytes.split(' ').length === pc)!;
      assert.ok(writer.text.includes(hex(symbol('slot'))), `objdump: the instruction before the stop writes slot (${writer.text})`);
      assert.equal((await readMemory(client, symbol('slot'), 4)).readUInt32LE(0), expected);
    }
    await client.setDataBreakpointsRequest({ breakpoints: [] });
    // writeMemory into the message the program prints.
    await client.customRequest('writeMemory', { memoryReference: hex(symbol('message') + 6), data: Buffer.from('!').toString('base64') });
    // setVariable on eax at pick(7)'s return: the exit status is what we set.
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'pick' }] });
    await until(client, () => client.continueRequest({ threadId: 1 }));
    await client.setFunctionBreakpointsRequest({ breakpoints: [] });
    await until(client, () => client.stepOutRequest({ threadId: 1 }));
    regs = await registers(client);
    assert.equal(regs.eax, 21);
    const set = await client.setVariableRequest({ variablesReference: (await client.scopesRequest({ frameId: 0 })).body.scopes[0]!.variablesReference, name: 'eax', value: '$eax + 0x20' });
    assert.equal(Number(set.body.value), 53);
    // eflags bits: DF set and cleared again through the eflags children.
    const regVars = (await client.variablesRequest({ variablesReference: (await client.scopesRequest({ frameId: 0 })).body.scopes[0]!.variablesReference })).body.variables;
    const flagsRef = regVars.find((v) => v.name === 'eflags')!.variablesReference;
    assert.ok(flagsRef > 0);
    const df = await client.setVariableRequest({ variablesReference: flagsRef, name: 'DF', value: '1' });
    assert.equal(df.body.value, '1');
    assert.equal((await registers(client)).eflags! & 0x400, 0x400);
    await client.setVariableRequest({ variablesReference: flagsRef, name: 'DF', value: '0' });
    assert.equal((await registers(client)).eflags! & 0x400, 0);
    const exited = until(client, () => client.continueRequest({ threadId: 1 }), 'exited');
    assert.equal(((await exited) as unknown as DebugProtocol.ExitedEvent).body.exitCode, 53 & 0x7f);
    // A round trip: every event the adapter sent before answering has arrived.
    await client.threadsRequest();
    assert.equal(output.filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join(''), 'value=!\n');
  } finally {
    await client.stop();
  }
});

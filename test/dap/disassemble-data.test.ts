// The Disassembly view over the vDSO's data: its ELF header, .hash, .dynsym, .eh_frame and
// the rest lie in the same executable PT_LOAD as its code, and a view reaching back from
// __kernel_vsyscall must not decode them as instructions. readelf -S on the design's built
// image says which addresses are code (the X flag); the mapped part of the image is dumped
// from the guest's memory (as the alternatives patcher left it) over the built file, and
// in code each line equals objdump -d of that; everywhere else each line is one byte,
// `.byte 0xNN` (objdump's name for a byte it does not decode), equal to the dump's byte.
// Backwards from __kernel_vsyscall the lines are the same as forwards from the image's start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildDesign } from '../../toolchain/designs/build';
import { run, scratch } from '../support/oracles';
import { builtOnce, hex, launch, parseObjdump, readelfSections, readMemory, startClient, vdsoBase } from './dap-helpers';

const flat = (s: string): string => s.replace(/\s+<[^>]*>$/, '').replace(/\s+/g, ' ').trim();

test('disassemble over the vDSO: data bytes (readelf -S: no X flag) are one .byte line each, code is objdump -d, backwards as forwards', async () => {
  const program = builtOnce('tiny', 'int main(void) { return 0; }\n', ['-static']);
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: true });
    const stub = Number((await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] })).body.breakpoints[0]!.instructionReference);
    const base = await vdsoBase(client, stub);
    const mapped = await readMemory(client, base, 1 << 16);
    const image = Buffer.from(buildDesign('upstream', 'compat64', { cpu: 'intel' }).bytes);
    assert.deepEqual(mapped.subarray(0, 0x40), image.subarray(0, 0x40), 'the mapped vDSO is the built design');
    const file = join(scratch('vdso-lab-disasm-data-'), 'vdso.so');
    writeFileSync(file, image);
    const sections = readelfSections(file);
    const code = sections.filter((s) => s.flags.includes('X') && s.size > 0);
    assert.ok(code.length > 0 && sections.some((s) => s.name === '.eh_frame'), `readelf -S lists the vDSO's sections:\n${JSON.stringify(sections)}`);
    // The code as the alternatives patcher left it in memory.
    for (const s of code) mapped.copy(image, s.offset, s.addr, s.addr + s.size);
    writeFileSync(file, image);
    const isCode = (a: number): boolean => code.some((s) => a - base >= s.addr && a - base < s.addr + s.size);
    const objdump = new Map(parseObjdump(run('objdump', ['-d', '--insn-width=15', `--adjust-vma=0x${base.toString(16)}`, file])).map((l) => [l.address, l]));
    const end = base + Math.max(...code.map((s) => s.addr + s.size));
    const count = end - base;
    const forward = (await client.disassembleRequest({ memoryReference: hex(base), instructionOffset: 0, instructionCount: count })).body!.instructions;
    assert.equal(forward.length, count);
    let data = 0;
    for (const line of forward) {
      const a = Number(line.address);
      if (a >= end) break;
      if (isCode(a)) {
        const want = objdump.get(a);
        assert.ok(want, `${line.address} ${line.instruction}: objdump -d starts an instruction there`);
        assert.deepEqual([line.instructionBytes, flat(line.instruction)], [want.bytes, flat(want.text)], line.address);
      } else {
        data++;
        const byte = image[a - base]!;
        assert.deepEqual([line.instructionBytes, line.instruction], [byte.toString(16).padStart(2, '0'), `.byte 0x${byte.toString(16)}`], `${line.address} is in no code section`);
      }
    }
    assert.ok(data >= stub - base - 64, 'the bytes before the code are data lines');
    // Every code instruction objdump finds is a line.
    const starts = new Set(forward.map((l) => Number(l.address)));
    for (const a of objdump.keys()) assert.ok(starts.has(a), `${hex(a)} (objdump -d) is a line`);
    // Backwards from __kernel_vsyscall: the same lines, with the offset arithmetic the view relies on.
    const at = forward.findIndex((l) => Number(l.address) === stub);
    for (const back of [1, 7, 64, at]) {
      const lines = (await client.disassembleRequest({ memoryReference: hex(stub), instructionOffset: -back, instructionCount: back + 5 })).body!.instructions;
      const pick = (l: DebugProtocol.DisassembledInstruction) => [l.address, l.instructionBytes, l.instruction];
      assert.deepEqual(lines.map(pick), forward.slice(at - back, at + 5).map(pick), `offset -${back}`);
    }
  } finally {
    await client.stop();
  }
});

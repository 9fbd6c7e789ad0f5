// The debug adapter's disassemble request against objdump: around each design's landing pad
// (every design, CPU and kernel, the vDSO as the alternatives patcher left it in memory),
// negative instruction offsets give the fast entry instruction and the `int $0x80` at their
// true addresses, decoded as objdump decodes the same bytes from the function's start; and
// every count 1..400 and offset -200..200 gives exactly that many contiguous lines, `??`
// only at addresses that cannot be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from '../support/oracles';
import { buildDesign } from '../../toolchain/designs/build';
import { auxvEntry } from '../../toolchain/designs/registry';
import { CPU_MODELS, KERNEL_ABIS, KERNEL_KINDS } from '../../toolchain/designs/options';
import { combinations, sampled } from '../support/scale';
import { builtOnce, hex, launch, objdumpRaw, readelfSections, readMemory, startClient, topFrame, until, vdsoBase, type ObjdumpLine } from './dap-helpers';

const SOURCE = 'int main(void) { return 0; }\n';
/** One space between fields, no `<symbol>` after a target; objdump -b binary writes a direct branch target with 0x, -d of an ELF without. */
const flat = (s: string): string => s.replace(/\s+<[^>]*>$/, '').replace(/\s+/g, ' ').replace(/^((?:j\w+|call|loop\w*|jecxz) )0x([0-9a-f]+)$/, '$1$2').trim();

async function disassemble(client: DebugClient, address: number, instructionOffset: number, instructionCount: number): Promise<DebugProtocol.DisassembledInstruction[]> {
  const r = await client.disassembleRequest({ memoryReference: hex(address), instructionOffset, instructionCount });
  return r.body!.instructions;
}

const asOracle = (i: DebugProtocol.DisassembledInstruction): [number, string, string] => [Number(i.address), i.instructionBytes ?? '', flat(i.instruction)];
const fromOracle = (l: ObjdumpLine): [number, string, string] => [l.address, l.bytes, flat(l.text)];

test('disassemble around the landing pad with negative offsets equals objdump of the patched stub (every design, CPU, kernel)', async () => {
  const program = builtOnce('tiny', SOURCE, ['-static']);
  for (const { vdso, kernel, cpu } of combinations({ vdso: KERNEL_ABIS, kernel: KERNEL_KINDS, cpu: CPU_MODELS })) {
    const what = `${vdso}/${cpu}/${kernel}`;
    const { client } = await startClient();
    try {
      await launch(client, { program, vdso, cpu, kernel, stopOnEntry: true });
      const bp = (await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] })).body.breakpoints[0]!;
      assert.equal(bp.verified, true, what);
      const start = Number(bp.instructionReference);
      // What follows the stubs is data (.altinstructions, readelf -S: no X flag): only the code section is compared.
      const file = join(scratch('vdso-lab-disasm-'), 'vdso.so');
      writeFileSync(file, buildDesign(vdso, kernel, { cpu }).bytes);
      const base = await vdsoBase(client, start);
      const text = readelfSections(file).find((s) => s.flags.includes('X') && start - base >= s.addr && start - base < s.addr + s.size);
      assert.ok(text, `${what}: __kernel_vsyscall is in a code section`);
      const oracle = objdumpRaw(await readMemory(client, start, base + text.addr + text.size - start), start);
      // Where the kernel returns into the stub (the landing pad) is found by running to a system call made through it.
      await client.setFunctionBreakpointsRequest({ breakpoints: [] });
      await client.setExceptionBreakpointsRequest({ filters: ['syscall'] });
      let returned = 0;
      for (let n = 0; n < 50 && !(returned >= start && returned < start + 160); n++) {
        await until(client, () => client.continueRequest({ threadId: 1 }));
        returned = Number((await topFrame(client)).instructionPointerReference);
      }
      const landing = oracle.findIndex((l) => l.address === returned);
      assert.ok(landing > 0, `${what}: the kernel returned to ${hex(returned)}, an instruction of the stub as objdump decodes it`);
      const pads = new Set(oracle.flatMap((l, k) => (/^int\s+\$0x80$/.test(l.text) && oracle[k + 1] ? [k + 1] : [])));
      pads.add(landing);
      if (vdso !== 'legacy') assert.match(oracle[landing - 1]!.text, /^int\s+\$0x80$/, `${what}: int $0x80 just before the landing pad`);
      let fast = false;
      for (const k of pads) {
        const pad = oracle[k]!.address;
        // From the function's start (objdump's decoding is right from there) to two past the pad.
        const upto = Math.min(k + 2, oracle.length);
        const got = await disassemble(client, pad, -k, upto);
        assert.equal(got.length, upto, what);
        assert.deepEqual(got.map(asOracle), oracle.slice(0, upto).map(fromOracle), `${what}: around ${hex(pad)}`);
        // auxv: the kernel points the __kernel_vsyscall dynamic symbol (what the breakpoint resolves) at the chosen entry.
        const entry = vdso === 'auxv' ? auxvEntry(cpu, kernel) : undefined;
        const named = entry && entry.method !== 'int80' ? entry.symbol : '__kernel_vsyscall';
        assert.equal(got[0]!.symbol, named, `${what}: the symbol at the function's start`);
        // A window reaching far before the function still ends with the same lines.
        const wide = await disassemble(client, pad, -(k + 40), upto + 40);
        assert.equal(wide.length, upto + 40);
        assert.deepEqual(wide.slice(40).map(asOracle), oracle.slice(0, upto).map(fromOracle), `${what}: wide window`);
        assert.ok(!wide.some((i) => i.instruction === '??'), `${what}: no ?? in mapped memory`);
        fast ||= oracle.slice(0, k).some((l) => /^sys(enter|call)$/.test(l.text));
      }
      if (cpu !== 'generic' && vdso !== 'auxv') assert.ok(fast, `${what}: the patched fast entry instruction precedes the int $0x80`);
    } finally {
      await client.stop();
    }
  }
});

test('disassemble: exactly instructionCount contiguous lines for counts 1..400 and offsets -200..200; ?? only where memory is unmapped', async () => {
  const program = builtOnce('tiny', SOURCE, ['-static']);
  const { client } = await startClient();
  try {
    await launch(client, { program, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: true });
    const stub = Number((await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: '__kernel_vsyscall' }] })).body.breakpoints[0]!.instructionReference);
    const entry = Number((await topFrame(client)).instructionPointerReference);
    // The program's first mapped byte: below it nothing is mapped (the page before the ELF header).
    let first = entry & ~0xfff;
    while ((await readMemory(client, first - 1, 1)).length === 1) first -= 0x1000;
    const readable = new Map<number, boolean>();
    const isReadable = async (a: number): Promise<boolean> => {
      if (!readable.has(a)) readable.set(a, (await readMemory(client, a, 1)).length === 1);
      return readable.get(a)!;
    };
    const check = async (address: number, offset: number, count: number): Promise<void> => {
      const lines = await disassemble(client, address, offset, count);
      const what = `${hex(address)} offset ${offset} count ${count}`;
      assert.equal(lines.length, count, what);
      for (let k = 0; k + 1 < lines.length; k++) {
        const size = lines[k]!.instruction === '??' ? 1 : lines[k]!.instructionBytes!.split(' ').length;
        assert.equal(Number(lines[k + 1]!.address), Number(lines[k]!.address) + size, `${what}: line ${k} is followed by the next instruction`);
      }
      if (offset <= 0 && -offset < count) assert.equal(Number(lines[-offset]!.address), address, `${what}: line ${-offset} is the address asked`);
      for (const l of lines) {
        const unread = l.instruction === '??';
        if (unread || Number(l.address) < first + 64) assert.equal(await isReadable(Number(l.address)), !unread, `${what}: ${l.address} ${l.instruction}`);
      }
    };
    /** from, from + step, ... up to `to`. */
    const steps = (from: number, to: number, step: number): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, k) => from + k * step);
    for (const address of [stub, entry, first + 0x10]) {
      for (const offset of sampled(steps(-200, 200, address === stub ? 1 : 7))) await check(address, offset, 24);
    }
    for (const count of sampled(steps(1, 400, 1))) await check(stub, count % 2 ? -200 : -count, count);
    for (const count of sampled(steps(1, 400, 13))) await check(first, -count, count);
  } finally {
    await client.stop();
  }
});

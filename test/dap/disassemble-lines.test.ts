// The Disassembly view's source lines: each disassembled instruction carries the file and
// line the program's line table gives its address, exactly as addr2line says (no location
// where addr2line has none: the C library's code), in a window reaching backwards and
// forwards from a breakpoint in a gcc -g program. With the function symbols and .eh_frame
// removed (objcopy), the line table's rows are the only known instruction starts inside
// the program's functions: the window still decodes the instructions objdump -d finds in
// the original program. In an `as -g` program whose function has no symbol and follows two
// stray bytes that decoding from the entry point would swallow, the row at the function's
// first line is the boundary that keeps the window right (objdump from that address).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildDebugC, run, scratch } from '../support/oracles';
import { launch, objdumpSpan, parseObjdump, startClient, topFrame, type ObjdumpLine } from './dap-helpers';

const SOURCE = `
static int twice(int x)
{
  int y = x * 2;
  if (y > 10)
    y -= 3;
  return y;
}

int sum(int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    s += twice(i);
  return s;
}

int main(int argc, char **argv)
{
  (void)argv;
  int r = sum(argc + 6);
  return r == 0;
}
`;

const dir = scratch('vdso-lab-disassemble-lines-');
const { source, program } = buildDebugC('lines', SOURCE, ['-static', '-g', '-O0', '-fno-pie', '-no-pie']);
const stripped = join(dir, 'lines-stripped');
run('objcopy', ['--strip-symbol=twice', '--strip-symbol=sum', '--strip-symbol=main', '--remove-section=.eh_frame', '--remove-section=.eh_frame_hdr', program, stripped]);

/** addr2line's file:line for each address ("" where it has none). */
function addr2line(image: string, addresses: readonly number[]): string[] {
  const out = run('addr2line', ['-e', image, ...addresses.map((a) => '0x' + a.toString(16))]).trimEnd().split('\n');
  return out.map((l) => {
    const m = /^(.*):(\d+)(?: \(discriminator \d+\))?$/.exec(l);
    return m && m[1] !== '??' && m[2] !== '0' ? `${m[1]}:${m[2]}` : '';
  });
}

async function window(image: string, line: number, offset: number, count: number): Promise<{ pc: number; instructions: DebugProtocol.DisassembledInstruction[] }> {
  const { client } = await startClient();
  try {
    await launch(client, { program: image, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
      await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line }] });
    });
    const pc = Number((await topFrame(client)).instructionPointerReference);
    const r = await client.disassembleRequest({ memoryReference: '0x' + pc.toString(16), instructionOffset: offset, instructionCount: count, resolveSymbols: true });
    return { pc, instructions: r.body!.instructions };
  } finally {
    await client.stop();
  }
}

/** objdump -d of the program with its symbols over `addresses`, by address. */
function programListing(addresses: readonly number[]): Map<number, ObjdumpLine> {
  return new Map(parseObjdump(objdumpSpan(program, Math.min(...addresses), Math.max(...addresses))).map((l) => [l.address, l]));
}

const lineOf = (i: DebugProtocol.DisassembledInstruction): string => (i.location?.path && i.line ? `${i.location.path}:${i.line}` : '');

for (const [name, image] of [['with symbols', program], ['symbols and .eh_frame removed', stripped]] as const) {
  test(`disassemble: every instruction's location and line are addr2line's (${name})`, async () => {
    const breakLine = SOURCE.split('\n').findIndex((l) => l.includes('s += twice(i);')) + 1;
    const { pc, instructions } = await window(image, breakLine, -60, 130);
    assert.equal(instructions.length, 130);
    const addresses = instructions.map((i) => Number(i.address));
    const expected = addr2line(program, addresses);
    assert.ok(expected.filter((e) => e.startsWith(source)).length > 40, 'the window covers the program\'s own functions');
    assert.ok(expected.some((e) => e === ''), 'and code without lines');
    assert.deepEqual(instructions.map(lineOf), expected);
    // The instructions are objdump's, decoded from the line rows where no symbol or FDE starts them.
    const listing = programListing(addresses);
    for (const i of instructions) {
      const o = listing.get(Number(i.address));
      assert.ok(o, `objdump has an instruction at ${i.address} (${i.instruction})`);
      assert.equal(i.instructionBytes, o.bytes);
    }
    assert.ok(addresses.includes(pc));
  });
}

const ASM = `
	.text
	.globl	_start
_start:
	call	.Lf
	movl	$1, %eax
	xorl	%ebx, %ebx
	int	$0x80
	.byte	0xe8, 0x00
.Lf:
	movl	$5, %ecx
	addl	%ecx, %ecx
	movl	%ecx, %edx
	ret
`;

test('disassemble backwards into a function no symbol or FDE starts: its first line\'s row is the boundary', async () => {
  const asm = join(dir, 'stray.s');
  writeFileSync(asm, ASM);
  run('as', ['--32', '-g', asm, '-o', join(dir, 'stray.o')]);
  const exe = join(dir, 'stray');
  run('ld', ['-m', 'elf_i386', join(dir, 'stray.o'), '-o', exe]);
  const line = ASM.split('\n').findIndex((l) => l.includes('addl')) + 1;
  const first = ASM.split('\n').findIndex((l) => l.includes('movl\t$5')) + 1;
  const start = Number(/^\S+\s+(\d+)\s+(0x[0-9a-f]+)/m.exec(run('readelf', ['--debug-dump=decodedline', exe]).split('\n').filter((l) => new RegExp(`\\s${first}\\s+0x`).test(l)).join('\n'))![2]);
  const oracle = parseObjdump(run('objdump', ['-d', `--start-address=0x${start.toString(16)}`, exe])).slice(0, 4);
  const { client } = await startClient();
  try {
    await launch(client, { program: exe, vdso: 'upstream', cpu: 'intel', kernel: 'compat64', stopOnEntry: false }, async () => {
      await client.setBreakpointsRequest({ source: { path: asm }, breakpoints: [{ line }] });
    });
    const pc = Number((await topFrame(client)).instructionPointerReference);
    assert.equal(pc, oracle[1]!.address);
    const r = await client.disassembleRequest({ memoryReference: '0x' + pc.toString(16), instructionOffset: -1, instructionCount: 4 });
    assert.deepEqual(r.body!.instructions.map((i) => [Number(i.address), i.instruction.replace(/\s+/g, ' '), i.line]),
      oracle.map((o, k) => [o.address, o.text.replace(/\s+/g, ' '), first + k]));
    assert.ok(r.body!.instructions.every((i) => i.location?.path === asm));
  } finally {
    await client.stop();
  }
});

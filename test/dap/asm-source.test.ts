// A program given to the debugger as its GAS source (.S): the adapter assembles it with line
// information and links it on the fly. Checked against GNU's build of the same source
// (gcc -m32 -c -Wa,-g, ld -m elf_i386 -z noseparate-code -z norelro, the layout vdso-lab's linker gives): the same entry address, frame 0's source and line
// equal addr2line's for the pc at the entry, at a line breakpoint and after each `next` (a
// call run over, by its return address), and a bad source is one line naming file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { errorOf, launch, stack, startClient, symbolValues, topFrame, until } from './dap-helpers';

const SOURCE = `#define SYS_exit 1
	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$3, %ecx
	call	twice

	movl	%eax, %ebx
	movl	$SYS_exit, %eax
	int	$0x80
	.size	_start, .-_start

	.type	twice, @function
twice:
	.cfi_startproc
	movl	%ecx, %eax
	addl	%ecx, %eax
	ret
	.cfi_endproc
	.size	twice, .-twice
`;
const lineOf = (text: string): number => SOURCE.split('\n').findIndex((l) => l.includes(text)) + 1;

test('a .S program: assembled -g and linked on the fly, lines as addr2line says of GNU\'s build', async () => {
  const dir = scratch('vdso-lab-asm-source-');
  const source = join(dir, 'prog.S');
  writeFileSync(source, SOURCE);
  const object = join(dir, 'prog.o');
  const gnu = join(dir, 'prog');
  run('gcc', ['-m32', '-c', '-Wa,-g', source, '-o', object], { cwd: dir });
  run('ld', ['-m', 'elf_i386', '-z', 'noseparate-code', '-z', 'norelro', object, '-o', gnu]);
  const addr2line = (pc: number): string => run('addr2line', ['-e', gnu, '0x' + pc.toString(16)]).trim();
  const entry = parseInt(/Entry point address:\s+0x([0-9a-f]+)/.exec(run('readelf', ['-h', gnu]))![1]!, 16);

  const { client } = await startClient();
  try {
    let placed: number | undefined;
    const first = await launch(client, { program: source, vdso: 'none', stopOnEntry: true }, async () => {
      const r = await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: lineOf('addl') }] });
      assert.equal(r.body.breakpoints[0]!.verified, true, r.body.breakpoints[0]!.message);
      assert.equal(r.body.breakpoints[0]!.line, lineOf('addl'));
      placed = Number(r.body.breakpoints[0]!.instructionReference);
    });
    assert.equal(first.body.reason, 'entry');
    let f = (await topFrame(client));
    assert.equal(Number(f.instructionPointerReference), entry, 'the same entry as GNU ld\'s');
    assert.equal(`${f.source?.path}:${f.line}`, addr2line(entry));
    assert.equal(placed, symbolValues(gnu).get('twice')! + 2);

    // next from the entry line, then from the call line: the breakpoint inside the called function stops it, as in gdb.
    const lines: number[] = [f.line!];
    await until(client, () => client.nextRequest({ threadId: 1 }));
    f = (await topFrame(client));
    lines.push(f.line!);
    assert.equal(`${f.source?.path}:${f.line}`, addr2line(Number(f.instructionPointerReference)));
    const hit = await until(client, () => client.nextRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint', 'a breakpoint inside the called function stops the next');
    f = (await topFrame(client));
    assert.equal(f.line, lineOf('addl'));
    const frames = await stack(client);
    assert.equal(`${frames[1]!.source?.path}:${frames[1]!.line}`, addr2line(Number(frames[1]!.instructionPointerReference) - 1), 'the caller at its call');
    // Step out (by the CFI) to the return address, the start of the line after the call; next to the line after it.
    await client.setBreakpointsRequest({ source: { path: source }, breakpoints: [] });
    await until(client, () => client.stepOutRequest({ threadId: 1 }));
    f = (await topFrame(client));
    assert.equal(f.line, lineOf('movl	%eax, %ebx'));
    await until(client, () => client.nextRequest({ threadId: 1 }));
    f = (await topFrame(client));
    assert.equal(f.line, lineOf('$SYS_exit'));
    assert.equal(`${f.source?.path}:${f.line}`, addr2line(Number(f.instructionPointerReference)));
  } finally {
    await client.stop();
  }

  const bad = join(dir, 'bad.S');
  writeFileSync(bad, '\t.text\n_start:\n\tmovl %eax\n');
  const second = await startClient();
  try {
    const message = await errorOf(second.client.launch({ program: bad }));
    assert.match(message, /bad\.S: line 3:\d+: /);
    assert.ok(!message.includes('\n'));
  } finally {
    await second.client.stop();
  }
});

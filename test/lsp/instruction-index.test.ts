// The language server's index of an analysis's instructions (language-server/instructions.ts,
// read by the CFI findings, inlay hints and hovers) against objdump -d of the object GNU as
// builds from the same source: every instruction of every section at its offset with its
// length, in offset order, where the statements of the sections are read interleaved (a
// section left and taken up again, pushed and popped), both from the assembler's columns (a
// whole analysis) and from the line entries (the analysis by regions reads those).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { analyze, diskFileSource, type Analysis } from '../../language-server/analysis';
import { instructionFacts } from '../../language-server/instructions';
import { run, scratch } from '../support/oracles';
import { objdumpInstructions } from './frames-oracle';

const SOURCE = `	.text
	.globl	f
f:	pushl	%ebp
	.pushsection .altinstr_replacement, "ax"
	movl	%esp, %ebp
	nop
	.popsection
	leal	4(%esp), %esp
	.section .text.other, "ax"
	int	$0x80
	.text
	addl	$12, %esp
	.previous
	ret
	.pushsection .text
	xchgl	%eax, %ebx
	.popsection
	sysenter
`;

const shown = (list: ReadonlyArray<{ section: string; offset: number; length: number }>) => list.map((i) => `${i.section}+${i.offset}/${i.length}`);

test("the instruction index holds objdump's instructions of GNU as's object, its sections read interleaved", () => {
  const dir = scratch('vdso-lab-lsp-index-');
  const path = join(dir, 'index.s');
  writeFileSync(path, SOURCE);
  run('as', ['--32', path, '-o', join(dir, 'index.o')]);
  const expected = shown(objdumpInstructions(join(dir, 'index.o')).map((i) => ({ section: i.section, offset: i.address, length: i.length })))
    .sort();
  const doc = { uri: pathToFileURL(path).href, version: 1, getText: () => SOURCE };
  const whole = analyze(doc, {}, diskFileSource(() => undefined));
  assert.deepEqual(whole.diagnostics, []);
  assert.ok(whole.module.instructionEntries, "a whole analysis has the assembler's columns");
  const fromColumns = shown(instructionFacts(whole).map((f) => ({ section: f.section, offset: f.offset, length: f.bytes.length })));
  // The same module read through its line entries, as the analysis by regions has it.
  const byLines: Analysis = { ...whole, module: { ...whole.module, instructionEntries: undefined } };
  const fromLines = shown(instructionFacts(byLines).map((f) => ({ section: f.section, offset: f.offset, length: f.bytes.length })));
  assert.deepEqual([...fromColumns].sort(), expected);
  assert.deepEqual(fromLines, fromColumns);
  // In offset order within each section.
  for (let i = 1; i < fromColumns.length; i++) {
    const [s0, o0] = fromColumns[i - 1]!.split(/[+/]/);
    const [s1, o1] = fromColumns[i]!.split(/[+/]/);
    if (s0 === s1) assert.ok(Number(o0) <= Number(o1), `${fromColumns[i - 1]} before ${fromColumns[i]}`);
  }
});

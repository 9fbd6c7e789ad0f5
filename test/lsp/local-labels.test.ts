// Hover, go to definition and references on the labels GAS keeps out of the symbol table,
// over LSP: numeric labels (`1:` and the `1b`/`1f` that name an instance of it, one `1:` of
// them made by a .macro) and `.L` names, in a document long enough to be analysed in regions.
// The oracles: the branch targets objdump -d gives in the object gcc -c builds (which instance
// GNU as chose), the addresses objdump -l gives each source line, and for `.L` names the
// symbol table `as -L` keeps them in (readelf -s). A quick run asks about a sample of the
// functions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';
import { sampled } from '../support/scale';
import { objdumpInstructions } from './frames-oracle';

const lsp = startLsp();
after(() => lsp.close());

/** A function with numeric labels used backwards and forwards, a macro defining `1:` and a `.L` name. */
function fn(i: number): string {
  return `	.globl	f${i}
	.type	f${i}, @function
f${i}:
1:	decl	%eax
	jnz	1b
	jmp	1f
	nop
2:	incl	%ecx
1:	cmpl	$${i}, %ecx
	jne	2b
	spin	%edx
	jmp	1b
	jz	.Ldone${i}
	jmp	2f
2:	nop
.Ldone${i}:
	ret
	.size	f${i}, .-f${i}
`;
}

const SOURCE = `	.text
1:	nop
	.macro spin reg
1:	decl	\\reg
	jnz	1b
	.endm
${Array.from({ length: 40 }, (_, i) => fn(i)).join('\n')}`;

interface Hover { contents: { value: string } }
interface Location { uri: string; range: { start: { line: number; character: number } } }

test('hover, definition and references of 1b/1f, a macro\'s 1: and .L names agree with the targets GNU as gives', async () => {
  const dir = scratch('vdso-lab-lsp-local-');
  const path = join(dir, 'local.S');
  writeFileSync(path, SOURCE);
  const object = join(dir, 'local.o');
  run('gcc', ['-m32', '-g', '-c', '-Wa,-L', path, '-o', object]);
  const insns = objdumpInstructions(object).filter((i) => i.section === '.text');
  // The address of each source line's first instruction (objdump -l).
  const lineAddress = new Map<number, number>();
  for (const i of insns) if (!lineAddress.has(i.line - 1)) lineAddress.set(i.line - 1, i.address);
  const dotL = new Map([...run('readelf', ['-sW', object]).matchAll(/^\s*\d+:\s+([0-9a-f]+)\s+\d+\s+NOTYPE\s+LOCAL\s+\w+\s+\d+\s+(\.Ldone\d+)$/gm)].map((m) => [m[2]!, parseInt(m[1]!, 16)]));
  assert.equal(dotL.size, 40, 'as -L keeps each .L name');

  const uri = await lsp.open(path, SOURCE);
  const lines = SOURCE.split('\n');
  const at = (line: number, column: number) => ({ textDocument: { uri }, position: { line, character: column } });
  const hover = async (line: number, column: number) => (await lsp.request<Hover | null>('textDocument/hover', at(line, column)))?.contents.value ?? '';

  // The functions whose labels are asked about (each has every kind; all 40 at full scale).
  const starts = lines.flatMap((l, i) => (/^f\d+:$/.test(l) ? [i] : []));
  const asked = new Set(sampled(starts.map((_, f) => f)));
  let checked = 0;
  for (let line = 6; line < lines.length; line++) {
    if (!asked.has(starts.filter((s) => s <= line).length - 1)) continue;
    const text = lines[line]!;
    const ref = /\b(\d)([bf])\b/.exec(text);
    if (ref && /^\tj/.test(text)) {
      const insn = insns.find((x) => x.line - 1 === line)!;
      const target = parseInt(/^([0-9a-f]+)/.exec(insn.operands)![1]!, 16);
      const h = await hover(line, ref.index + 1);
      assert.match(h, new RegExp(`^\\*\\*${ref[0]}\\*\\* \\(\`${ref[1]}:\` of line \\d+\\) — \\.text\\+0x${target.toString(16)}; LOCAL NOTYPE`), `line ${line + 1}: ${h}`);
      const defs = await lsp.request<Location[]>('textDocument/definition', at(line, ref.index + 1));
      assert.equal(defs.length, 1, `line ${line + 1}`);
      const def = defs[0]!.range.start.line;
      assert.equal(lineAddress.get(def), target, `line ${line + 1}: ${ref[0]} goes to line ${def + 1}, which objdump puts at the target`);
      assert.ok(h.includes(`of line ${def + 1})`), h);
      // The instance's references hold this use, and each of them means the same instance.
      const refs = await lsp.request<Location[]>('textDocument/references', { ...at(line, ref.index + 1), context: { includeDeclaration: true } });
      assert.ok(refs.some((r) => r.range.start.line === line), `line ${line + 1}`);
      for (const r of refs.filter((x) => x.range.start.line !== def)) {
        const other = insns.find((x) => x.line - 1 === r.range.start.line)!;
        assert.equal(parseInt(/^([0-9a-f]+)/.exec(other.operands)![1]!, 16), target, `line ${r.range.start.line + 1} is a reference to the same instance`);
      }
      checked++;
    }
    const local = /\.Ldone\d+/.exec(text);
    if (local) {
      const h = await hover(line, local.index + 2);
      assert.match(h, new RegExp(`^\\*\\*${local[0]}\\*\\* — \\.text\\+0x${dotL.get(local[0])!.toString(16)}; LOCAL NOTYPE`), h);
      checked++;
    }
  }
  assert.equal(checked, asked.size * 7);

  // The macro's `1:` is at the line that uses it; the `1b` after that use means it.
  const use = lines.findIndex((l) => l.includes('spin\t%edx'));
  assert.match(await hover(use + 1, lines[use + 1]!.indexOf('1b')), new RegExp(`of line ${use + 1}\\)`));
  // In the macro body, `1b` means the `1:` of each expansion, not the `1:` written before the .macro.
  const body = lines.findIndex((l) => l === '\tjnz\t1b');
  assert.equal(await hover(body, lines[body]!.indexOf('1b')), '');
  assert.deepEqual(await lsp.request<Location[]>('textDocument/definition', at(body, lines[body]!.indexOf('1b'))), []);
  // `$1` is a number, not the label `1:` of its line.
  const cmp = lines.findIndex((l) => l.startsWith('1:\tcmpl\t$1,'));
  assert.doesNotMatch(await hover(cmp, lines[cmp]!.indexOf('$1') + 1), /local label/);
});

// Numeric labels in bodies GNU as reads more than once, over the wire protocol: a `1b`/`1f`
// in a .rept or .irp body names a different `1:` in each copy, one passed to a .macro names
// the instances the expansion's statements see, and `;` puts two statements naming different
// instances on one line. Hover, go to definition and references must give, for each reference, exactly the
// instances GNU as chose. The oracles: the branch targets `objdump -d -l` gives for the
// object `as --32 -g -L` builds, with the line each instruction came from (the k-th reference
// on a line is the k-th, k+W-th... jump of it, W references to the line), and for the `.L`
// names an .irp makes, the symbol table `as -L` keeps them in (readelf -s). Checked on the
// analysis the document opens with and again after an edit (the regions' analysis), for a .s
// and for the same text as a .S (through cpp's line map). A quick run asks about the
// references of a sample of the functions (each holds every construct).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';
import { sampled } from '../support/scale';

const lsp = startLsp();
after(() => lsp.close());

/** One function: each construct that reads a body more than once. */
function fn(i: number): string {
  return `	.globl	f${i}
	.type	f${i}, @function
f${i}:
1:	nop
	.rept	3
	jmp	1b
1:	nop
	jne	1f
	.endr
1:	ret
	.irp	reg, eax, ecx
2:	decl	%\\reg
	jnz	2b
	jmp	3f
.L\\reg\\()${i}:
	.endr
3:	nop
	jmp	.Leax${i}
	jmp	.Lecx${i}
	spin	%eax
	jmp	1b
	go	1b
	go	1f
1:	ret
1:	nop ; jmp 1b ; 1: nop ; jmp 1b
	.rept	2
	jmp	1f ; 1: nop ; jz 1b
	.endr
	.size	f${i}, .-f${i}
`;
}

const FUNCTIONS = 30;
const SOURCE = `	.text
	.macro spin reg
1:	decl	\\reg
	jnz	1b
	.endm
	.macro go to
	jmp	\\to
1:	nop
	jmp	\\to
	.endm
${Array.from({ length: FUNCTIONS }, (_, i) => fn(i)).join('\n')}`;

interface Hover { contents: { value: string } }
interface Location { uri: string; range: { start: { line: number; character: number } } }

for (const suffix of ['s', 'S']) {
  test(`hover, definition and references of 1b/1f in .rept, .irp and macro bodies name the instances GNU as chose (.${suffix})`, async () => {
    const dir = scratch('vdso-lab-lsp-copies-');
    const path = join(dir, `copies.${suffix}`);
    writeFileSync(path, SOURCE);
    const object = join(dir, 'copies.o');
    // gcc -c: a .S through GNU cpp first (its line markers keep objdump -l's lines the document's).
    run('gcc', ['-m32', '-c', '-g', '-Wa,-L', path, '-o', object]);
    // objdump -d -l: each instruction with the line GNU as gives it (a .rept body's own line, a macro's use).
    const insns: Array<{ line: number; address: number; target?: number }> = [];
    let at = -1;
    for (const l of run('objdump', ['-d', '-l', object]).split('\n')) {
      const src = /^\/.*:(\d+)(?: \(discriminator \d+\))?$/.exec(l);
      if (src) at = Number(src[1]) - 1;
      const m = /^\s+([0-9a-f]+):\t[0-9a-f ]+\t(\S+)\s*(.*)$/.exec(l);
      if (m) insns.push({ line: at, address: parseInt(m[1]!, 16), ...(/^j/.test(m[2]!) ? { target: parseInt(/^(?:0x)?([0-9a-f]+)/.exec(m[3]!)![1]!, 16) } : {}) });
    }
    const lineOf = (address: number) => insns.find((x) => x.address === address)!.line;
    const dotL = new Map([...run('readelf', ['-sW', object]).matchAll(/^\s*\d+:\s+([0-9a-f]+)\s+\d+\s+NOTYPE\s+LOCAL\s+\w+\s+\d+\s+(\.L(?:eax|ecx)\d+)$/gm)].map((m) => [m[2]!, parseInt(m[1]!, 16)]));
    assert.equal(dotL.size, 2 * FUNCTIONS, 'as -L keeps each .L name the .irp makes');

    const lines = SOURCE.split('\n');
    // The functions whose references and .L names are asked about (each function holds every construct; all of them at full scale).
    const starts = lines.flatMap((l, i) => (/^f\d+:$/.test(l) ? [i] : []));
    const asked = new Set(sampled(starts.map((_, f) => f)));
    const inAsked = (line: number) => asked.has(starts.filter((s) => s <= line).length - 1);
    // Each reference word and the targets GNU as gave it.
    const refs: Array<{ line: number; column: number; text: string; targets: Set<number> }> = [];
    lines.forEach((text, line) => {
      if (line < 10) return; // the macro bodies: their references are the expansions'
      const words = [...text.matchAll(/\b\d[bf]\b/g)];
      const jumps = insns.filter((x) => x.line === line && x.target !== undefined);
      words.forEach((w, k) => refs.push({ line, column: w.index!, text: w[0], targets: new Set(jumps.filter((_, j) => j % words.length === k).map((x) => x.target!)) }));
    });
    assert.ok(refs.every((r) => r.targets.size > 0));
    assert.ok(refs.some((r) => r.targets.size === 3) && refs.some((r) => r.targets.size === 2), 'copies name different instances');

    const checkedRefs = refs.filter((r) => inAsked(r.line));
    const checkedNames = [...dotL].filter(([name]) => asked.has(Number(/\d+$/.exec(name)![0])));
    const uri = await lsp.open(path, SOURCE);
    const pos = (line: number, column: number) => ({ textDocument: { uri }, position: { line, character: column } });

    async function check(): Promise<number> {
      let checked = 0;
      for (const r of checkedRefs) {
        const where = `line ${r.line + 1}: ${lines[r.line]!.trim()} (${r.text} at ${r.column})`;
        const h = (await lsp.request<Hover | null>('textDocument/hover', pos(r.line, r.column + 1)))?.contents.value ?? '';
        const shown = [...h.matchAll(new RegExp(`^\\*\\*${r.text}\\*\\* \\(\`${r.text[0]}:\` of line (\\d+)\\) — \\.text\\+0x([0-9a-f]+); LOCAL NOTYPE`, 'gm'))];
        assert.deepEqual(new Set(shown.map((m) => parseInt(m[2]!, 16))), r.targets, `${where}: ${h}`);
        for (const m of shown) assert.equal(Number(m[1]) - 1, lineOf(parseInt(m[2]!, 16)), `${where}: the line objdump -l gives the target`);
        const defs = await lsp.request<Location[]>('textDocument/definition', pos(r.line, r.column + 1));
        assert.deepEqual(new Set(defs.map((d) => d.range.start.line)), new Set([...r.targets].map(lineOf)), where);
        // A definition written on its line is found at its `N:` (the k-th `N:` for the k-th instance a line defines).
        for (const d of defs) {
          const text = lines[d.range.start.line]!;
          const written = [...text.matchAll(new RegExp(`(?<![\\w.$])${r.text[0]}:`, 'g'))].map((m) => m.index!);
          if (written.length === 0) continue;
          const target = [...r.targets].find((t) => lineOf(t) === d.range.start.line)!;
          const nth = written.length === 1 ? 0 : [...new Set(refs.flatMap((o) => [...o.targets]))].filter((t) => lineOf(t) === d.range.start.line).sort((x, y) => x - y).indexOf(target);
          assert.equal(d.range.start.character, written[nth], `${where}: the definition on line ${d.range.start.line + 1}`);
        }
        // References: this one, and every reference whose targets meet its own, and no other.
        const found = await lsp.request<Location[]>('textDocument/references', { ...pos(r.line, r.column + 1), context: { includeDeclaration: true } });
        const key = (line: number, column: number) => `${line}:${column}`;
        const want = new Set(refs.filter((o) => o.text[0] === r.text[0] && [...o.targets].some((t) => r.targets.has(t))).map((o) => key(o.line, o.column)));
        const got = new Set(found.map((f) => key(f.range.start.line, f.range.start.character)).filter((k) => !defs.some((d) => key(d.range.start.line, d.range.start.character) === k)));
        assert.deepEqual(got, want, where);
        checked++;
      }
      for (const [name, address] of checkedNames) {
        const line = lines.findIndex((l) => l.endsWith(`\t${name}`));
        const h = (await lsp.request<Hover | null>('textDocument/hover', pos(line, lines[line]!.indexOf(name) + 2)))?.contents.value ?? '';
        assert.match(h, new RegExp(`^\\*\\*${name}\\*\\* — \\.text\\+0x${address.toString(16)}; LOCAL NOTYPE`), h);
        checked++;
      }
      return checked;
    }
    const expected = checkedRefs.length + checkedNames.length;
    assert.equal(await check(), expected);
    // After an edit (a comment at the end), the regions' analysis must say the same.
    await lsp.change(uri, `${SOURCE}/* edited */\n`);
    assert.equal(await check(), expected);
  });
}

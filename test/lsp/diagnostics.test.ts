// The language server over LSP (in this process): its diagnostics must be GNU as's own
// messages for the same file, and its outline the symbols GNU as puts in the object's symbol
// table.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readelfSymbols, run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());

/** Opens the text as /virtual/NAME (never read from the disk: the text comes with the didOpen). */
const open = (name: string, text: string): Promise<string> => lsp.open(`/virtual/${name}`, text);

/** The document's diagnostics as GNU as words them: 1-based line, severity, message. */
const diagnosticsOf = (uri: string) => lsp.diagnostics(uri).map((d) => ({ line: d.range.start.line + 1, severity: d.severity === 1 ? 'Error' : 'Warning', message: d.message }));

/** GNU as's messages for the file: line (undefined when it gives none), severity, text. */
function gasMessages(text: string): Array<{ line?: number; severity: string; message: string }> {
  const dir = scratch();
  const src = join(dir, 'in.s');
  writeFileSync(src, text);
  let stderr = '';
  try {
    run('as', ['--32', src, '-o', join(dir, 'in.o')]);
  } catch (e) {
    stderr = (e as Error).message;
  }
  const found: Array<{ line?: number; severity: string; message: string }> = [];
  for (const m of stderr.matchAll(/in\.s:(?:(\d+):)? (Error|Warning): (.*)/g)) {
    found.push({ line: m[1] ? Number(m[1]) : undefined, severity: m[2]!, message: m[3]! });
  }
  return found;
}

const cases: Record<string, string> = {
  'stray-endproc': 'foo:\n .cfi_endproc\n nop\n',
  'open-cfi': 'bar: .cfi_startproc\n push %ebp; .cfi_adjust_cfa_offset 4\n ret\n',
  'stray-endm-endr-endif': '.endm\n nop\n.endr\n.endif\n',
  'open-macro': ' .macro twice x\n .byte \\x, \\x\n',
  'open-irp': ' .irp r,1,2\n .byte \\r\n',
  'open-if': ' .if 1\n nop\n',
  'balanced': '# a comment\n.globl f\n.type f,@function\nf: .cfi_startproc\n push %ebp /* c */ ; .cfi_adjust_cfa_offset 4\n .macro m\n nop\n .endm\n .rept 2\n m\n .endr\n pop %ebp; .cfi_adjust_cfa_offset -4\n ret\n .cfi_endproc\n',
};

for (const [name, text] of Object.entries(cases)) {
  test(`diagnostics equal GNU as's messages: ${name}`, async () => {
    const uri = await open(`${name}.s`, text);
    const ours = diagnosticsOf(uri);
    const theirs = gasMessages(text);
    assert.equal(ours.length, theirs.length, `ours ${JSON.stringify(ours)} theirs ${JSON.stringify(theirs)}`);
    for (const t of theirs) {
      const match = ours.find((o) => o.message === t.message && o.severity === t.severity && (t.line === undefined || t.line === o.line || t.line > text.split('\n').length - 1));
      assert.ok(match, `GNU as says ${JSON.stringify(t)}; ours: ${JSON.stringify(ours)}`);
    }
  });
}

test('document symbols are the symbols GNU as puts in the symbol table', async () => {
  const text = '.text\n.globl start; .type start,@function\nstart: nop\n.Llocal: nop\n1: jmp 1b\nhelper:\n ret\n.data\nvalue: .long 1\n';
  const uri = await open('symbols.s', text);
  const symbols = await lsp.request<Array<{ name: string; kind: number; detail?: string }>>('textDocument/documentSymbol', { textDocument: { uri } });
  const dir = scratch();
  writeFileSync(join(dir, 'in.s'), text);
  run('as', ['--32', join(dir, 'in.s'), '-o', join(dir, 'in.o')]);
  const nm = readelfSymbols(join(dir, 'in.o')).map((s) => s.name);
  assert.deepEqual(symbols.map((s) => s.name).sort(), nm.sort());
  assert.equal(symbols.find((s) => s.name === 'start')!.kind, 12, 'start is a function');
  assert.equal(symbols.find((s) => s.name === 'start')!.detail, 'global');
});

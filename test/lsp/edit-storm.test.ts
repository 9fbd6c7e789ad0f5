// Issue 14's language-server finding: 100 didChange on a 5 MB document must not queue 100
// analyses. The server (in this process, over its wire protocol: the size is the point, not
// the process) opens a 5 MB kernel-style .S (stubs between long comment blocks), takes 100
// one-character edits as a user types them (spaces in one place, then a new instruction
// written character by character far below), and the hover sent right after them is
// answered against the latest text: it describes the instruction the last edits finished
// typing. How fast it answers is a time, which a test does not assert (docs/testing.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLsp } from './lsp-client';

function bigSource(): { text: string; typeAt: number; spacesAt: number } {
  const comment = `/*\n${' * The entry stub keeps %ecx and %ebp for the kernel and restarts through int $0x80.\n'.repeat(280)} */\n`.split('\n').slice(0, -1);
  const out = ['#include "vdso-lab.h"', '\t.text'];
  // The length out.join('\n') has, kept as lines are added (joining at every step is quadratic).
  let length = out.join('\n').length;
  const push = (...lines: string[]) => {
    for (const l of lines) length += l.length + 1;
    out.push(...lines);
  };
  let typeAt = 0;
  let spacesAt = 0;
  for (let i = 0; length < 5 << 20; i++) {
    push(...comment);
    push(`VDSO_FUNCTION(stub_${i})`, '\tCFI_STARTPROC', '\tpushl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t4');
    if (i === 3) spacesAt = out.length;
    push('\tALTERNATIVE "", "movl %esp, %ebp; sysenter", X86_FEATURE_SEP', '\tint\t$0x80', '\tpopl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t-4');
    typeAt = out.length;
    push('', '\tret', '\tCFI_ENDPROC', `VDSO_END(stub_${i})`);
  }
  return { text: out.join('\n') + '\n', typeAt, spacesAt };
}

test('100 didChange on a 5 MB document: the next hover is answered against the latest text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-edit-storm-'));
  const lsp = startLsp();
  try {
    const { text, typeAt, spacesAt } = bigSource();
    assert.ok(text.length >= 5 << 20, `the document is 5 MB (${text.length} bytes)`);
    const uri = await lsp.open(join(dir, 'big.S'), text);
    const typed = '\tmovl\t$0x12345678, %ebx';
    const edits: Array<{ line: number; character: number; text: string }> = [];
    for (let k = 0; k < 100 - typed.length; k++) edits.push({ line: spacesAt, character: 0, text: ' ' });
    for (let k = 0; k < typed.length; k++) edits.push({ line: typeAt, character: k, text: typed[k]! });
    let version = 1;
    for (const e of edits) {
      const at = { line: e.line, character: e.character };
      await lsp.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: at, end: at }, text: e.text }] });
    }
    const hover = await lsp.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: typeAt, character: 2 } });
    assert.ok(hover, 'the typed instruction has a hover');
    assert.match(hover.contents.value, /bb 78 56 34 12/, hover.contents.value);
  } finally {
    await lsp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Semantic tokens for the visible range before the analysis is done (server.ts, AnalysisCache
// .preview): the server, spawned over stdio, gets a 20,000-line kernel-style .S and, at once,
// a semanticTokens/range request for its first lines. The answer comes before the document's
// diagnostics (the whole analysis is still running), equals what the whole analysis gives for
// those lines, and once the diagnostics are out the server asks the client to refresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

function source(functions: number): string {
  const out = ['#include "vdso-lab.h"', '\t.text'];
  for (let i = 0; i < functions; i++) {
    out.push(`VDSO_FUNCTION(f_${i})`, '\tCFI_STARTPROC', '\tpushl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t4', '\tALTERNATIVE "", "movl %esp, %ebp; sysenter", X86_FEATURE_SEP',
      '\tint\t$0x80', `.Lback_${i}:`, '\tpopl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t-4', '\tret', '\tCFI_ENDPROC', `VDSO_END(f_${i})`, '', '', '', '', '', '', '', '');
  }
  return out.join('\n') + '\n';
}

test('range tokens come before the whole analysis, equal its tokens, and a refresh follows it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vdso-lab-preview-'));
  const server = spawn(process.execPath, [resolve('dist/language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  const events: string[] = [];
  connection.onNotification('textDocument/publishDiagnostics', () => events.push('diagnostics'));
  connection.onRequest('workspace/semanticTokens/refresh', () => {
    events.push('refresh');
    return null;
  });
  connection.listen();
  try {
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { semanticTokens: { refreshSupport: true } } } });
    await connection.sendNotification('initialized', {});
    const uri = pathToFileURL(join(dir, 'big.S')).href;
    const text = source(1000);
    assert.ok(text.split('\n').length >= 20_000);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text } });
    const range = { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } };
    const early = (await connection.sendRequest('textDocument/semanticTokens/range', { textDocument: { uri }, range })) as { data: number[] };
    events.push('range');
    for (let i = 0; i < 3000 && !events.includes('refresh'); i++) await new Promise((done) => setTimeout(done, 10));
    assert.deepEqual(events, ['range', 'diagnostics', 'refresh']);
    const after = (await connection.sendRequest('textDocument/semanticTokens/range', { textDocument: { uri }, range })) as { data: number[] };
    assert.ok(early.data.length > 0);
    assert.deepEqual(early.data, after.data, 'the early tokens are the analysed ones');
  } finally {
    connection.dispose();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Semantic tokens for the visible range before the analysis is done (server.ts, AnalysisCache
// .preview): the server (in this process, over its wire protocol) gets a 20,000-line
// kernel-style .S and, at once, a semanticTokens/range request for its first lines. The
// answer comes before the document's diagnostics (the whole analysis is still running),
// equals what the whole analysis gives for those lines, and once the diagnostics are out the
// server asks the client to refresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { within } from '../support/within';
import { startInProcessServer } from '../../language-server/in-process-server';
import { scratch } from '../support/oracles';

function source(functions: number): string {
  const out = ['#include "vdso-lab.h"', '\t.text'];
  for (let i = 0; i < functions; i++) {
    out.push(`VDSO_FUNCTION(f_${i})`, '\tCFI_STARTPROC', '\tpushl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t4', '\tALTERNATIVE "", "movl %esp, %ebp; sysenter", X86_FEATURE_SEP',
      '\tint\t$0x80', `.Lback_${i}:`, '\tpopl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t-4', '\tret', '\tCFI_ENDPROC', `VDSO_END(f_${i})`, '', '', '', '', '', '', '', '');
  }
  return out.join('\n') + '\n';
}

test('range tokens come before the whole analysis, equal its tokens, and a refresh follows it', async () => {
  const dir = scratch('vdso-lab-preview-');
  const server = startInProcessServer();
  const connection = createMessageConnection(new StreamMessageReader(server.output), new StreamMessageWriter(server.input));
  const events: string[] = [];
  let refreshed: () => void = () => undefined;
  const refresh = new Promise<void>((done) => (refreshed = done));
  connection.onNotification('textDocument/publishDiagnostics', () => events.push('diagnostics'));
  connection.onRequest('workspace/semanticTokens/refresh', () => {
    events.push('refresh');
    refreshed();
    return null;
  });
  connection.listen();
  const uri = pathToFileURL(join(dir, 'big.S')).href;
  try {
    await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { workspace: { semanticTokens: { refreshSupport: true } } } });
    await connection.sendNotification('initialized', {});
    const text = source(1000);
    assert.ok(text.split('\n').length >= 20_000);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text } });
    const range = { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } };
    const early = (await connection.sendRequest('textDocument/semanticTokens/range', { textDocument: { uri }, range })) as { data: number[] };
    events.push('range');
    await within(refresh, 30_000, () => undefined);
    assert.deepEqual(events, ['range', 'diagnostics', 'refresh']);
    const after = (await connection.sendRequest('textDocument/semanticTokens/range', { textDocument: { uri }, range })) as { data: number[] };
    assert.ok(early.data.length > 0);
    assert.deepEqual(early.data, after.data, 'the early tokens are the analysed ones');
  } finally {
    // The document closed before the server goes, so that no analysis of it is left running.
    await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await connection.sendRequest('shutdown');
    connection.dispose();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

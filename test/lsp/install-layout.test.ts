// The shipped header (vdso/include/vdso-lab.h) is found from where the bundles are installed,
// not from the working directory: the .vsix layout (dist/ beside vdso/) copied into a folder
// outside the repository, the language server and the CLI started from yet another folder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { scratch } from '../support/oracles';

const installed = scratch('vdso-lab-installed-');
mkdirSync(join(installed, 'dist'));
for (const bundle of ['language-server.js', 'cli.js', 'check-worker.js']) cpSync(resolve('dist', bundle), join(installed, 'dist', bundle));
cpSync(resolve('vdso'), join(installed, 'vdso'), { recursive: true });
const work = scratch('vdso-lab-cwd-');
// A local header that includes the shipped one, as a kernel-style tree does.
writeFileSync(join(work, 'local.h'), '#include "vdso-lab.h"\n#define LOCAL_ENTRY(name) VDSO_FUNCTION(name)\n');
const source = join(work, 'stub.S');
writeFileSync(source, [
  '#include "local.h"',
  '\t.text',
  'LOCAL_ENTRY(__kernel_vsyscall)',
  '\tCFI_STARTPROC',
  '\tint\t$0x80',
  '\tret',
  '\tCFI_ENDPROC',
  'VDSO_END(__kernel_vsyscall)',
  '',
].join('\n'));
after(() => {
  rmSync(installed, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test('the language server started from another folder finds vdso-lab.h: no diagnostics, the Outline lists the function', async () => {
  const server = spawn(process.execPath, [join(installed, 'dist', 'language-server.js'), '--stdio'], { cwd: work, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.listen();
  try {
    const uri = pathToFileURL(source).href;
    const published = new Promise<Array<{ message: string }>>((done) => {
      connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Array<{ message: string }> }) => {
        if (p.uri === uri) done(p.diagnostics);
      });
    });
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'gas-x86', version: 1, text: readFileSync(source, 'utf8') } });
    assert.deepEqual((await published).map((d) => d.message), []);
    const symbols = await connection.sendRequest<Array<{ name: string; range: { start: { line: number } } }>>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => [s.name, s.range.start.line]), [['__kernel_vsyscall', 2]]);
  } finally {
    connection.dispose();
    server.kill();
  }
});

test('the CLI started from another folder builds the stub with vdso-lab.h: alternatives and check', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [join(installed, 'dist', 'cli.js'), ...args], { cwd: work, encoding: 'utf8' });
  const alternatives = cli(['alternatives', 'stub.S']);
  assert.equal(alternatives.stderr, '');
  assert.equal(alternatives.status, 0);
  assert.match(alternatives.stdout, /^stub\.S: \.altinstructions: 0 entries/);
  // The stub makes the system call by int $0x80 and returns: check's arguments column passes.
  const check = cli(['check', '--vdso', 'stub.S', '--cpu', 'intel', '--kernel', 'native32', '--jobs', '1', '--json']);
  assert.equal(check.stderr, '');
  const { results } = JSON.parse(check.stdout) as { results: Array<{ cells: Array<{ outcomes: Array<{ check: string; pass: boolean }> }> }> };
  const cells = results.flatMap((r) => r.cells);
  assert.ok(cells.length > 0);
  for (const cell of cells) assert.deepEqual(cell.outcomes.filter((o) => o.check === 'a' || o.check === 'b').map((o) => o.pass), [true, true]);
});

// The code lenses of a stub function over stdio: "Debug" names the command the extension
// turns into a launch, with the document and the function; "Check contract" runs the checker
// and its failures become diagnostics on the lines `vdso-lab check --json` names for the
// same file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratch } from '../support/oracles';
import { writeBrokenStub } from '../check/broken-stubs';
import { startLsp, type WireDiagnostic } from './lsp-client';

const lsp = startLsp();
after(() => lsp.close());

interface Lens { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }

const STUB = `#include "vdso-lab.h"
	.text
VDSO_FUNCTION(__kernel_vsyscall)
	CFI_STARTPROC
	ALTERNATIVE "", "sysenter", X86_FEATURE_SEP
	int	$0x80
VDSO_INNER_LABEL(int80_landing_pad)
	ret
	CFI_ENDPROC
VDSO_END(__kernel_vsyscall)
	.globl	no_entry
	.type	no_entry, @function
no_entry:
	ret
	.size	no_entry, .-no_entry
`;

test('"Debug" and "Check contract" on each stub function, with the command the extension runs and its arguments; none on a function that does not enter the kernel', async () => {
  const path = join(scratch('vdso-lab-lsp-lens-'), 'lens.S');
  writeFileSync(path, STUB);
  const uri = await lsp.open(path, STUB);
  const lenses = await lsp.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  const fnLine = STUB.split('\n').findIndex((l) => l.startsWith('VDSO_FUNCTION(__kernel_vsyscall)'));
  const onFunction = lenses.filter((l) => l.range.start.line === fnLine).map((l) => [l.command.title, l.command.command, l.command.arguments]);
  assert.deepEqual(onFunction, [
    ['Check contract', 'vdso-lab.checkContract', [uri, '__kernel_vsyscall']],
    ['Debug', 'vdso-lab.debugStub', [uri, '__kernel_vsyscall']],
  ]);
  const noEntry = STUB.split('\n').findIndex((l) => l.startsWith('no_entry:'));
  assert.deepEqual(lenses.filter((l) => l.range.start.line === noEntry), []);
  const manifest = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
  for (const l of lenses) assert.ok(manifest.contributes.commands.some((c) => c.command === l.command.command), `package.json declares ${l.command.command}`);
});

test('"Check contract": the failed checks become diagnostics on the lines `vdso-lab check --json` names', async () => {
  const stub = writeBrokenStub('preserve');
  const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'check', '--vdso', stub.path, '--abi', 'upstream', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const json = JSON.parse(r.stdout) as { results: Array<{ cells: Array<{ outcomes: Array<{ check: string; pass: boolean; findings: Array<{ where?: { source?: string } }> }> }> }> };
  const expected = new Set<string>();
  for (const cell of json.results[0]!.cells) {
    for (const o of cell.outcomes) {
      if (o.pass) continue;
      for (const f of o.findings) {
        const m = /:(\d+)$/.exec(f.where?.source ?? '');
        if (m) expected.add(`${Number(m[1]) - 1} ${o.check}`);
      }
    }
  }
  assert.ok(expected.size > 0, 'the CLI names a failing line');
  const uri = await lsp.open(stub.path, readFileSync(stub.path, 'utf8'));
  const result = await lsp.request<{ summary: string; problems: unknown[] }>('vdsoLab/checkContract', { uri, abi: 'upstream' });
  assert.match(result.summary, /failed checks over \d+ configurations/);
  let contract: readonly WireDiagnostic[] = [];
  for (let i = 0; i < 100 && contract.length === 0; i++) {
    contract = lsp.diagnostics(uri).filter((d) => d.code === 'contract');
    if (contract.length === 0) await new Promise((done) => setTimeout(done, 20));
  }
  const got = new Set(contract.map((d) => `${d.range.start.line} ${/^check (\w)/.exec(d.message)![1]}`));
  assert.deepEqual([...got].sort(), [...expected].sort());
});

test('a CPU lens\'s document: for each kernel kind the bytes `vdso-lab alternatives` patches, each instruction as objdump decodes them, in columns as wide as the site needs', async () => {
  const dir = scratch('vdso-lab-lsp-lens-site-');
  const path = join(dir, 'site.S');
  writeFileSync(path, STUB);
  const uri = await lsp.open(path, STUB);
  const line = STUB.split('\n').findIndex((l) => l.includes('ALTERNATIVE'));
  const text = await lsp.request<string>('vdsoLab/patchedSite', { uri, line, cpu: 'intel' });
  const lines = text.split('\n');
  assert.equal(lines[0], `site.S:${line + 1}: the site as the kernel patches it for cpu intel`);
  for (const kernel of ['compat64', 'native32']) {
    const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'alternatives', path, '--cpu', 'intel', '--kernel', kernel, '--json'], { encoding: 'utf8' });
    const json = JSON.parse(r.stdout) as { entries: Array<{ site: number; originalBytes: string }>; patches: Array<{ address: number; after: string }> };
    const site = json.entries[0]!.site;
    const bytes = json.patches.find((p) => p.address === site)?.after ?? json.entries[0]!.originalBytes;
    const at = lines.indexOf(`kernel ${kernel}:`);
    assert.equal(lines[at + 1], `  bytes: ${bytes}`);
    const bin = join(dir, `${kernel}.bin`);
    writeFileSync(bin, Buffer.from(bytes.replace(/ /g, ''), 'hex'));
    const objdump = spawnSync('objdump', ['-D', '-b', 'binary', '-m', 'i386', `--adjust-vma=0x${site.toString(16)}`, bin], { encoding: 'utf8' }).stdout;
    const insns = [...objdump.matchAll(/^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)\s*(.*)$/gm)].map((m) => ({ address: m[1]!, bytes: m[2]!, text: `${m[3]} ${m[4]!.trim()}`.trim() }));
    const width = Math.max(...insns.map((i) => i.bytes.length));
    assert.deepEqual(lines.slice(at + 2, at + 2 + insns.length), insns.map((i) => `  ${i.address}:  ${i.bytes.padEnd(width)}  ${i.text}`), text);
  }
});

test('"Check contract" on a design\'s own .S (vdso/proposal.S) runs with its design\'s ABI, as `vdso-lab check --vdso vdso/proposal.S` does; an ABI the client names wins', async () => {
  const path = resolve('vdso/proposal.S');
  // The summary the lens gives, from the CLI's own results for the same file and ABI.
  const summaryOf = (...abi: string[]): string => {
    const r = spawnSync(process.execPath, [resolve('dist/cli.js'), 'check', '--vdso', path, ...abi, '--json'], { encoding: 'utf8' });
    const json = JSON.parse(r.stdout) as { results: Array<{ abi: string; cells: Array<{ outcomes: Array<{ pass: boolean }> }> }> };
    const cells = json.results[0]!.cells;
    const failed = cells.flatMap((c) => c.outcomes).filter((o) => !o.pass).length;
    return failed === 0 ? `every check holds on ${cells.length} configurations` : `${failed} failed checks over ${cells.length} configurations`;
  };
  const uri = await lsp.open(path, readFileSync(path, 'utf8'));
  const lenses = await lsp.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  const lens = lenses.find((l) => l.command.title === 'Check contract');
  assert.ok(lens, 'a Check contract lens on __kernel_vsyscall');
  // The extension sends the lens's document and, only when the user set vdsoLab.abi, that ABI.
  const own = await lsp.request<{ summary: string }>('vdsoLab/checkContract', { uri: lens.command.arguments[0] });
  const upstream = await lsp.request<{ summary: string }>('vdsoLab/checkContract', { uri, abi: 'upstream' });
  assert.equal(own.summary, summaryOf('--abi', 'proposal'));
  assert.equal(upstream.summary, summaryOf('--abi', 'upstream'));
  assert.notEqual(own.summary, upstream.summary);
});

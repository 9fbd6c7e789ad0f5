// The extension in a real VS Code: the .vsix that `vsce package` builds, installed into
// code-server (the browser build of VS Code, from .ci/install-vscode) and driven through
// its UI in headless Chromium. What the UI shows is compared with GNU as, nm and readelf
// run on the same files. Without code-server this fails, naming .ci/install-vscode.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, keptFolder } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { codeServerBinary, installExtension, packageExtension, runDirs } from './code-server';
import { withWorkbench } from './session';
import { until, Workbench } from './workbench';

const VSYSCALL_S = [
  '\t.text',
  '\t.globl\t__kernel_vsyscall',
  '\t.type\t__kernel_vsyscall, @function',
  '__kernel_vsyscall:',
  '\t.cfi_startproc',
  '\tpushl\t%ecx',
  '\t.cfi_adjust_cfa_offset 4',
  '\tpushl\t%edx',
  '\t.cfi_adjust_cfa_offset 4',
  '\tpushl\t%ebp',
  '\t.cfi_adjust_cfa_offset 4',
  '\tmovl\t%esp, %ebp',
  '\tsysenter',
  'int80_landing_pad:',
  '\tpopl\t%ebp',
  '\t.cfi_adjust_cfa_offset -4',
  '\tpopl\t%edx',
  '\t.cfi_adjust_cfa_offset -4',
  '\tpopl\t%ecx',
  '\t.cfi_adjust_cfa_offset -4',
  '\tret',
  '\t.cfi_endproc',
  '\t.size\t__kernel_vsyscall, .-__kernel_vsyscall',
  'vsyscall_tail:',
  '\tnop',
  '',
].join('\n');

const OPEN_CFI_S = 'bar:\n\t.cfi_startproc\n\tpushl\t%ebp\n\t.cfi_adjust_cfa_offset 4\n\tret\n';

/** GNU as's error messages (the text after "Error: ") for a file. */
function gasErrors(dir: string, name: string): string[] {
  const r = spawnSync('as', ['--32', join(dir, name), '-o', join(dir, `${name}.o`)], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new Error(`oracle 'as' did not run (${r.error.message}): .ci/run must install binutils`);
  return [...r.stderr.matchAll(/: Error: (.*)/g)].map((m) => m[1]!);
}

/** The names `as --32` puts in the object's symbol table for a file (nm --defined-only). */
function gasSymbols(dir: string, name: string): string[] {
  const object = join(dir, `${name}.o`);
  run('as', ['--32', join(dir, name), '-o', object]);
  return run('nm', ['--defined-only', object]).split('\n').filter((l) => l.trim()).map((l) => l.trim().split(/\s+/)[2]!).sort();
}

/** readelf -W --dyn-syms rows of exported symbols: address (hex, 8 digits) and versioned name. */
function readelfExports(path: string): Array<{ address: string; name: string }> {
  const rows: Array<{ address: string; name: string }> = [];
  for (const m of run('readelf', ['-W', '--dyn-syms', path]).matchAll(/^\s*\d+:\s+([0-9a-f]{8})\s+\d+\s+\w+\s+(GLOBAL|WEAK)\s+\w+\s+(\w+)\s+(\S+)\s*$/gm)) {
    if (m[3] !== 'UND') rows.push({ address: m[1]!, name: m[4]! });
  }
  return rows;
}

test('vdso-lab in a real VS Code (code-server, headless Chromium)', { timeout: 240_000 }, async (t: TestContext) => {
  const bin = codeServerBinary();
  const dirs = runDirs(keptFolder('vdso-lab-e2e-'));
  t.diagnostic(`run folder: ${dirs.root}`);
  const workspace = join(dirs.root, 'workspace');
  const oracleDir = join(dirs.root, 'oracle');
  mkdirSync(workspace);
  mkdirSync(oracleDir);
  for (const [name, text] of [['vsyscall.S', VSYSCALL_S], ['open-cfi.S', OPEN_CFI_S]] as const) {
    writeFileSync(join(workspace, name), text);
    writeFileSync(join(oracleDir, name), text);
  }
  copyFileSync(realVdso().path, join(workspace, 'vdso32.so'));

  const started = Date.now();
  installExtension(bin, dirs, packageExtension(dirs.root));
  t.diagnostic(`packaged and installed the .vsix in ${Date.now() - started} ms`);

  await withWorkbench(t, bin, dirs, workspace, async (_bench, step) => {

    await step('a .S file opens in language mode "GAS x86 (AT&T)"', async (b) => {
      await b.openFile('vsyscall.S');
      const mode = await until('the status bar to show GAS x86 (AT&T)', async () => {
        const shown = await b.languageMode();
        return shown === 'GAS x86 (AT&T)' ? shown : undefined;
      }).catch(async (e: Error) => assert.fail(`${e.message}; the status bar shows "${await b.languageMode()}"`));
      assert.equal(mode, 'GAS x86 (AT&T)');
      t.diagnostic(`screenshot: ${await b.screenshot('language-mode')}`);
    });

    await step('Go to Symbol lists the labels GNU as puts in the symbol table', async (b) => {
      const expected = gasSymbols(oracleDir, 'vsyscall.S');
      assert.deepEqual(expected, ['__kernel_vsyscall', 'int80_landing_pad', 'vsyscall_tail']);
      const shown = await b.goToSymbol();
      t.diagnostic(`screenshot: ${await b.screenshot('go-to-symbol')}`);
      await b.closeQuickInput();
      assert.deepEqual([...shown].sort(), expected);
    });

    await step('an unclosed .cfi_startproc shows GNU as\'s message in Problems', async (b) => {
      const gas = gasErrors(oracleDir, 'open-cfi.S');
      assert.deepEqual(gas, ['open CFI at the end of file; missing .cfi_endproc directive']);
      await b.openFile('open-cfi.S');
      const problems = await b.problems();
      t.diagnostic(`screenshot: ${await b.screenshot('problems')}`);
      for (const message of gas) assert.ok(problems.includes(message), `Problems does not show "${message}":\n${problems}`);
      assert.ok(problems.includes('open-cfi.S'), `Problems does not name open-cfi.S:\n${problems}`);
    });

    const exportedSymbolsEditor = async (b: Workbench, shot: string): Promise<void> => {
      const exported = readelfExports(join(workspace, 'vdso32.so'));
      const vsyscall = exported.find((r) => r.name === '__kernel_vsyscall@@LINUX_2.5');
      assert.ok(vsyscall, `readelf --dyn-syms lists no __kernel_vsyscall@@LINUX_2.5: ${JSON.stringify(exported)}`);
      // The editor renders its lines in more than one pass: wait for a row of every symbol.
      const rowOf = (lines: readonly string[], name: string) => lines.find((l) => l.trim().split(/\s+/).at(-1) === name);
      const lines = await until('an editor with a row for each of ' + exported.map((r) => r.name).join(', '), async () => {
        const shown = await b.activeEditorLines();
        return exported.every((r) => rowOf(shown, r.name)) ? shown : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot(shot)}`);
      const rows = lines.filter((l) => /^[0-9a-f]{8}\s/.test(l.trim()));
      assert.equal(rows.length, exported.length, `the editor lists ${rows.length} symbols, readelf ${exported.length}:\n${lines.join('\n')}`);
      for (const row of exported) {
        const line = rowOf(lines, row.name)!;
        assert.equal(line.trim().split(/\s+/)[0], row.address, `address of ${row.name}: editor "${line}", readelf ${row.address}`);
      }
    };

    await step('"vdso-lab: Show Exported Symbols" from the palette on the Debian vdso32.so shows readelf\'s addresses', async (b) => {
      await b.runCommand('vdso-lab: Show Exported Symbols');
      await b.answerOpenDialog(join(workspace, 'vdso32.so'));
      await exportedSymbolsEditor(b, 'exported-symbols-palette');
      await b.runCommand('View: Revert and Close Editor');
    });

    await step('"Show Exported Symbols" from the explorer\'s context menu does the same', async (b) => {
      await b.explorerContextCommand('vdso32.so', 'Show Exported Symbols');
      await exportedSymbolsEditor(b, 'exported-symbols-explorer');
    });
  }, { scratch: [oracleDir] });
  t.diagnostic(`suite took ${Date.now() - started} ms after the workspace was written`);
});

// The editor's features walked as a new user meets them, in a real VS Code (code-server +
// headless Chromium, the .vsix installed): on a kernel-style .S (a local header of macros,
// ENTRY/END, CFI_* macros, ALTERNATIVE and ALTERNATIVE_2, numeric local labels) and on the
// project's vdso/upstream.S: hover on a feature name (its header named as #include spells
// it), CFA inlay hints after the instructions, the per-CPU code lenses and the document one
// opens (the bytes `vdso-lab alternatives` patches), hover on `1b`, the Outline, go to
// definition of a label only a skipped `.if` defines (none), the included header's skipped
// groups dimmed, and completion of feature names.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, keptFolder } from '../support/oracles';
import { codeServerBinary, installExtension, packageExtension, runDirs } from './code-server';
import { withWorkbench } from './session';
import { until, Workbench } from './workbench';

const HEADER = [
  '#include "vdso-lab.h"',
  '#define ENTRY(name) .globl name; .type name, @function; name:',
  '#define END(name) .size name, .-name',
  '#if 0',
  '#define NEVER_DEFINED 1',
  '#endif',
  '.if 0',
  'header_skipped:',
  '.endif',
  '',
].join('\n');

/** A label GNU as never defines: the only line defining it is under `.if 0`. */
const SKIPPED = [
  '#include "entry.h"',
  '\t.text',
  '.if 0',
  'never:',
  '\tnop',
  '.endif',
  'ENTRY(start)',
  '\tjmp\tnever',
  '\tret',
  'END(start)',
  '',
].join('\n');

const KERNEL = [
  '#include "entry.h"',
  '\t.text',
  'ENTRY(__kernel_vsyscall)',
  '\tCFI_STARTPROC',
  '\tpushl\t%ebp',
  '\tCFI_ADJUST_CFA_OFFSET\t4',
  '\tCFI_REL_OFFSET\t\tebp, 0',
  '\tALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, \\',
  '\t\t"movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32',
  '\tint\t$0x80',
  'VDSO_INNER_LABEL(int80_landing_pad)',
  '\tpopl\t%ebp',
  '\tCFI_RESTORE\t\tebp',
  '\tCFI_ADJUST_CFA_OFFSET\t-4',
  '\tret',
  '\tCFI_ENDPROC',
  'END(__kernel_vsyscall)',
  '',
  'ENTRY(spin)',
  '1:\tdecl\t%eax',
  '\tjnz\t1b',
  '\tret',
  'END(spin)',
  '',
].join('\n');

/** The bytes `vdso-lab alternatives` patches at the first site for Intel on a kernel kind. */
function cliPatched(file: string, kernel: string): string {
  const json = JSON.parse(run(process.execPath, [resolve('dist/cli.js'), 'alternatives', file, '--cpu', 'intel', '--kernel', kernel, '--json'])) as {
    entries: Array<{ site: number; originalBytes: string }>;
    patches: Array<{ address: number; after: string }>;
  };
  return json.patches.find((p) => p.address === json.entries[0]!.site)?.after ?? json.entries[0]!.originalBytes;
}

test('the editor features on a kernel-style .S and vdso/upstream.S in a real VS Code', { timeout: 300_000 }, async (t: TestContext) => {
  const bin = codeServerBinary();
  const dirs = runDirs(keptFolder('vdso-lab-e2e-walk-'));
  const workspace = join(dirs.root, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'entry.h'), HEADER);
  writeFileSync(join(workspace, 'kernel.S'), KERNEL);
  writeFileSync(join(workspace, 'skipped.S'), SKIPPED);
  copyFileSync(resolve('vdso/upstream.S'), join(workspace, 'upstream.S'));
  installExtension(bin, dirs, packageExtension(dirs.root));
  const editor = '.editor-group-container.active .monaco-editor';
  const lines = KERNEL.split('\n');

  await withWorkbench(t, bin, dirs, workspace, async (_bench, step) => {
    /** Hovers the first rendered token whose text is exactly `word` and returns the hover's text. */
    const hoverOn = async (b: Workbench, word: RegExp, wanted: RegExp, shot: string) => {
      await b.page.locator(`${editor} .view-lines span span`, { hasText: word }).first().hover();
      const text = await until(`a hover matching ${wanted}`, async () => {
        const shown = (await b.page.locator('.monaco-hover:not(.hidden)').allInnerTexts()).join('\n');
        return wanted.test(shown) ? shown : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot(shot)}`);
      await b.page.keyboard.press('Escape');
      return text;
    };

    await step('kernel.S opens with CFA inlay hints after its instructions and a per-CPU lens on the ALTERNATIVE_2', async (b) => {
      await b.openFile('kernel.S');
      const hints = await until('CFA inlay hints', async () => {
        const texts = await b.page.locator(`${editor} .view-lines [class*="dyn-rule"]`).allInnerTexts().catch(() => []);
        const all = (await b.page.locator(`${editor} .view-lines`).innerText()).replace(/\u00a0/g, ' ');
        return /CFA=esp\+8/.test(all) ? { texts, all } : undefined;
      });
      assert.match(hints.all, /CFA=esp\+4/);
      const lenses = await until('the per-CPU lenses', async () => {
        const titles = await b.page.locator(`${editor} .codelens-decoration a`).allInnerTexts();
        return titles.includes('intel') && titles.includes('generic') ? titles : undefined;
      });
      assert.deepEqual(lenses.filter((l) => ['intel', 'amd', 'generic'].includes(l)), ['intel', 'amd', 'generic']);
      t.diagnostic(`screenshot: ${await b.screenshot('kernel-opened')}`);
    });

    await step('hover on X86_FEATURE_SYSENTER32 says 3*32+15', async (b) => {
      const text = await hoverOn(b, /^X86_FEATURE_SYSENTER32$/, /3\*32\+15/, 'feature-hover');
      assert.match(text, /intel\/compat64/);
      // The header by the name its #include spells, never the extension's install path.
      assert.match(text, /#define in vdso-lab\.h:\d+/);
      assert.doesNotMatch(text, /\/[^\s]*\/vdso-lab\.h/);
    });

    await step('hover on 1b says which 1: it means', async (b) => {
      const text = await hoverOn(b, /^1b$/, /1b/, 'local-label-hover');
      assert.match(text, new RegExp(`1b \\(1: of line ${lines.findIndex((l) => l.startsWith('1:')) + 1}\\)`));
    });

    await step('the intel lens opens the site as patched for Intel', async (b) => {
      await b.page.locator(`${editor} .codelens-decoration a`, { hasText: /^intel$/ }).first().click();
      await b.page.locator('.tabs-container .tab.active', { hasText: 'intel' }).waitFor({ state: 'visible' });
      const doc = await until('the patched-site document', async () => {
        const text = (await b.page.locator(`${editor} .view-lines`).innerText()).replace(/\u00a0/g, ' ');
        return /kernel native32/.test(text) ? text : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('intel-lens-document')}`);
      for (const kernel of ['compat64', 'native32']) assert.match(doc, new RegExp(`kernel ${kernel}:\\s+bytes: ${cliPatched(join(workspace, 'kernel.S'), kernel)}\\n`));
      assert.match(doc, /sysenter/);
      await b.runCommand('View: Close All Editors');
    });

    await step('the Outline of kernel.S lists its functions', async (b) => {
      await b.openFile('kernel.S');
      const names = await b.goToSymbol();
      t.diagnostic(`screenshot: ${await b.screenshot('kernel-outline')}`);
      await b.closeQuickInput();
      assert.ok(names.includes('__kernel_vsyscall') && names.includes('spin'), names.join(', '));
    });

    await step('vdso/upstream.S: decorated, hinted, and its Outline lists __kernel_vsyscall', async (b) => {
      await b.openFile('upstream.S');
      await until('CFA inlay hints', async () => (/CFA=esp\+/.test(await b.page.locator(`${editor} .view-lines`).innerText()) ? true : undefined));
      t.diagnostic(`screenshot: ${await b.screenshot('upstream-opened')}`);
      const names = await b.goToSymbol();
      await b.closeQuickInput();
      assert.ok(names.includes('__kernel_vsyscall'), names.join(', '));
    });
    await step('F12 on a label defined only under .if 0 finds none; the header dims its skipped #if and .if groups', async (b) => {
      await b.openFile('skipped.S');
      const lines = SKIPPED.split('\n');
      // The cursor inside the use of `never` (the line that jumps to it).
      await b.goToLine(lines.indexOf('\tjmp\tnever') + 1);
      await b.page.keyboard.press('End');
      await b.page.keyboard.press('ArrowLeft');
      await b.page.keyboard.press('F12');
      const message = await until('the go-to-definition answer', async () => {
        const shown = (await b.page.locator('.monaco-editor-overlaymessage').allInnerTexts().catch(() => [])).join('\n');
        return shown.trim() ? shown : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('no-definition')}`);
      assert.match(message, /No definition found for 'never'/);
      await b.page.keyboard.press('Escape');
      // The header opened as a user does, from ENTRY's definition: the .S stays open beside it.
      await b.goToLine(lines.indexOf('ENTRY(start)') + 1);
      await b.page.keyboard.press('Home');
      await b.page.keyboard.press('F12');
      await b.page.locator('.tabs-container .tab.active', { hasText: 'entry.h' }).waitFor({ state: 'visible' });
      const dimmed = await until('the header\'s skipped lines dimmed', async () => {
        // The opacity the extension's decoration for skipped lines gives (alternative-decorations.ts).
        const lines = (await b.page.evaluate(`[...document.querySelectorAll(${JSON.stringify(`${editor} .view-lines .view-line`)})]
          .filter((l) => [...l.querySelectorAll('span span')].some((s) => getComputedStyle(s).opacity === '0.55'))
          .map((l) => l.textContent.replace(/\\u00a0/g, ' '))`)) as string[];
        return lines.length ? lines.sort() : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('header-dimmed')}`);
      assert.deepEqual(dimmed, ['#define NEVER_DEFINED 1', 'header_skipped:']);
      await b.runCommand('View: Close All Editors');
    });

    await step('completion offers feature names (last: it leaves kernel.S edited)', async (b) => {
      await b.openFile('kernel.S');
      await b.page.locator(`${editor} .codelens-decoration a`, { hasText: /^intel$/ }).first().waitFor({ state: 'visible' });
      await b.page.locator(`${editor} .view-lines span span`, { hasText: /^ret$/ }).first().click();
      await b.page.keyboard.press('End');
      await b.page.keyboard.press('Enter');
      await b.page.keyboard.type('\tALTERNATIVE "", "nop", X86_FEATURE_SYS');
      await b.page.keyboard.press('Control+Space');
      const items = await until('the suggestion list', async () => {
        const rows = await b.page.locator('.suggest-widget .monaco-list-row').allInnerTexts();
        return rows.length > 0 ? rows : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('completion')}`);
      assert.ok(items.some((r) => r.includes('X86_FEATURE_SYSENTER32')), items.join('\n'));
      await b.page.keyboard.press('Escape');
    });

  });
});

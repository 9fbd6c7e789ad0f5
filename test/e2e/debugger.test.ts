// The debugger in a real VS Code (code-server, headless Chromium), used as a person would:
// F5 on a gcc -m32 -static -g program stops on entry and VARIABLES fills without a click
// (the top frame has a source: libc's start code has no line table, so a generated
// disassembly); a breakpoint put with F9 on the `pushl %ecx` line of vdso/upstream.S (the
// workspace's copy, which "sourceFileMap" maps the installed design sources to) shows as
// verified and is hit; the editor then shows upstream.S with that line as the current one,
// and the call stack names __kernel_vsyscall at that line; the toolbar's Step Back is enabled
// and undoes a Step Over; the Disassembly view there shows the stub's sysenter and int $0x80
// (no ?? rows); Step Over to the ALTERNATIVE line and Step Into opens the kernel model's document in an editor, at its first line (the
// entry path), in the language the extension contributes for it; there pt_regs are not built yet (the scope says so), and one
// Step Over later they are. Then as a new user: no launch.json, a click in the gutter of upstream.S, F5 on it: the
// stub runs as the vDSO under the shipped caller program and the clicked line is hit. Lines are checked against the source text; screenshots of each step are kept.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, keptFolder } from '../support/oracles';
import { codeServerBinary, installExtension, packageExtension, runDirs } from './code-server';
import { withWorkbench } from './session';
import { until } from './workbench';

const HELLO_C = `#include <unistd.h>

int main(void)
{
  write(1, "hello\\n", 6);
  return 0;
}
`;

test('the vdso debugger in a real VS Code: entry stop with variables, a verified breakpoint in vdso/upstream.S that is hit', { timeout: 240_000 }, async (t: TestContext) => {
  const bin = codeServerBinary();
  const dirs = runDirs(keptFolder('vdso-lab-e2e-debug-'));
  const workspace = join(dirs.root, 'workspace');
  mkdirSync(join(workspace, 'vdso'), { recursive: true });
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, 'hello.c'), HELLO_C);
  run('gcc', ['-m32', '-static', '-g', '-O0', 'hello.c', '-o', 'hello'], { cwd: workspace });
  const upstream = readFileSync(resolve('vdso/upstream.S'), 'utf8');
  copyFileSync(resolve('vdso/upstream.S'), join(workspace, 'vdso', 'upstream.S'));
  const pushLine = upstream.split('\n').findIndex((l) => /^\s*pushl\s+%ecx/.test(l)) + 1;
  assert.ok(pushLine > 0);

  installExtension(bin, dirs, packageExtension(dirs.root));
  const installed = readdirSync(dirs.extensions).find((d) => d.startsWith('vdso-lab.vdso-lab-'));
  assert.ok(installed, `the extension is installed in ${dirs.extensions}`);
  // The design sources the installed extension builds from (its comp_dir) are the workspace's.
  writeFileSync(join(workspace, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{
      type: 'vdso', request: 'launch', name: 'hello', program: '${workspaceFolder}/hello', vdso: 'upstream', cpu: 'intel', kernel: 'compat64',
      stopOnEntry: true, sourceFileMap: { [join(dirs.extensions, installed)]: '${workspaceFolder}' },
    }],
  }, null, 2));

  await withWorkbench(t, bin, dirs, workspace, async (b) => {
    const page = b.page;
    await b.openFile('hello.c');

    // F5: a stop on entry, the call stack shown, VARIABLES filled without clicking a frame.
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('F5');
    // The first F5 may only open Run and Debug while the debug extension activates: then start from its button.
    await page.locator('.debug-toolbar').waitFor({ state: 'visible', timeout: 8000 }).catch(async () => {
      await page.locator('.part.sidebar .codicon-debug-start').first().click();
      await page.locator('.debug-toolbar').waitFor({ state: 'visible' });
    });
    const frames = await until('the call stack to show a frame', async () => {
      const rows = await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts();
      return rows.length > 0 ? rows : undefined;
    });
    await b.runCommand('View: Show Run and Debug');
    const variables = await until('VARIABLES to list registers', async () => {
      const rows = (await page.locator('.debug-variables .monaco-list-row').allInnerTexts()).map((r) => r.replace(/\u00a0/g, ' '));
      return rows.some((r) => /eax/.test(r)) || rows.length > 3 ? rows : undefined;
    });
    t.diagnostic(`screenshot: ${await b.screenshot('entry-stop')}`);
    assert.ok(frames.length > 0 && variables.length > 0, `${frames.join('|')} / ${variables.join('|')}`);

    // F9 on the pushl %ecx line of vdso/upstream.S: a verified breakpoint.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill('vdso/upstream.S');
    await until('Quick Open to offer upstream.S', async () => ((await page.locator('.quick-input-list .monaco-list-row', { hasText: 'upstream.S' }).count()) > 0 ? true : undefined));
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'upstream.S' }).waitFor({ state: 'visible' });
    await b.goToLine(pushLine);
    await page.keyboard.press('F9');
    const glyph = page.locator('.editor-group-container.active .monaco-editor .codicon-debug-breakpoint');
    await until('a verified breakpoint glyph in upstream.S', async () => ((await glyph.count()) > 0 ? true : undefined));
    t.diagnostic(`screenshot: ${await b.screenshot('verified-breakpoint')}`);
    assert.equal(await page.locator('.editor-group-container.active .monaco-editor .codicon-debug-breakpoint-unverified').count(), 0, 'the breakpoint is not hollow');

    // Continue: the breakpoint is hit; upstream.S is the active editor with the current line at pushl %ecx.
    await page.keyboard.press('F5');
    const top = await until('the call stack to stop in __kernel_vsyscall', async () => {
      const labels = await page.locator('.debug-call-stack .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
      return labels.find((l) => l.includes('__kernel_vsyscall'));
    });
    assert.match(top, new RegExp(`line ${pushLine}\\b`), top);
    assert.match(top, /upstream\.S/, top);
    await until('the workspace\'s upstream.S (sourceFileMap) to be the active editor', async () =>
      ((await page.locator('.tabs-container .tab.active', { hasText: 'upstream.S' }).count()) > 0 && (await page.locator('.tabs-container .tab').count()) >= 2 ? true : undefined));
    // The text of the line the top-stack-frame decoration marks (read in the page in one go: the editor re-renders).
    const current = await until('the current-line decoration in upstream.S', async () => {
      const text = await page.evaluate(`(() => {
        const editor = document.querySelector('.editor-group-container.active .monaco-editor');
        const mark = editor && editor.querySelector('.debug-top-stack-frame-line');
        const row = mark && mark.closest('.view-overlays > div');
        const line = row && [...editor.querySelectorAll('.view-lines .view-line')].find((l) => l.style.top === row.style.top);
        return line ? line.textContent.replace(/\\u00a0/g, ' ') : null;
      })()`) as string | null;
      return text ?? undefined;
    });
    const title = await page.locator('.tabs-container .tab.active').getAttribute('title') ?? await page.locator('.tabs-container .tab.active').innerText();
    // VARIABLES shows this stop's registers, not the entry stop's: eip is in the vDSO.
    const eipOf = async (): Promise<string | undefined> => {
      const rows = (await page.locator('.debug-variables .monaco-list-row').allInnerTexts()).map((r) => r.replace(/[\s\u00a0]+/g, ' ').trim());
      return rows.map((r) => /^eip ?= ?(0x[0-9a-f]{8})\b/.exec(r)?.[1]).find((v) => v !== undefined);
    };
    const hitEip = await until('VARIABLES to show eip in __kernel_vsyscall', async () => {
      const eip = await eipOf();
      return eip !== undefined && Number(eip) >= 0xf0000000 ? eip : undefined;
    }).catch(async (e: Error) => assert.fail(`VARIABLES keeps eip ${await eipOf()} at the breakpoint: ${e.message}`));
    t.diagnostic(`screenshot: ${await b.screenshot('breakpoint-hit-upstream')}`);
    assert.match(current, /pushl\s+%ecx/, 'the current line is pushl %ecx');
    assert.ok(!title.includes('extensions'), `the editor shows the workspace's upstream.S, not the installed copy: ${title}`);
    const topLabel = async (): Promise<string> => (await page.locator('.debug-call-stack .monaco-list-row').first().getAttribute('aria-label')) ?? '';

    // Step Back is on the toolbar, enabled, and goes back: F10 to the next line, then Step Back returns to pushl %ecx.
    const stepBack = page.locator('.debug-toolbar .action-item:has(.codicon-debug-step-back)');
    assert.equal(await stepBack.count(), 1, 'the toolbar has a Step Back button');
    await page.keyboard.press('F10');
    const stepped = await until('Step Over to leave the pushl %ecx line', async () => {
      const label = await topLabel();
      return label.includes('__kernel_vsyscall') && !new RegExp(`line ${pushLine}\\b`).test(label) ? label : undefined;
    });
    assert.doesNotMatch((await stepBack.getAttribute('class')) ?? '', /disabled/, 'Step Back is enabled');
    await stepBack.locator('.codicon-debug-step-back').click();
    const back = await until('Step Back to return to the pushl %ecx line', async () => {
      const label = await topLabel();
      return new RegExp(`line ${pushLine}\\b`).test(label) ? label : undefined;
    });
    // Back at the breakpoint's instruction, VARIABLES shows the breakpoint's eip again.
    await until(`VARIABLES to show eip ${hitEip} after Step Back`, async () => ((await eipOf()) === hitEip ? true : undefined))
      .catch(async (e: Error) => assert.fail(`VARIABLES shows eip ${await eipOf()} after Step Back, not ${hitEip}: ${e.message}`));
    t.diagnostic(`screenshot: ${await b.screenshot('step-back')}`);
    assert.match(back, /__kernel_vsyscall/, `${stepped} -> ${back}`);

    // The Disassembly view at this stop: the rows around the landing pad show the sysenter and the int $0x80, no ??.
    await b.runCommand('Open Disassembly View');
    const rows = await until('the Disassembly view to show sysenter and int $0x80', async () => {
      const texts = (await page.locator('.disassembly-view .monaco-list-row').allTextContents()).map((r) => r.replace(/\u00a0/g, ' '));
      return texts.some((r) => /\bsysenter\b/.test(r)) && texts.some((r) => r.includes('int    $0x80')) ? texts : undefined;
    });
    t.diagnostic(`screenshot: ${await b.screenshot('disassembly-landing-pad')}`);
    assert.ok(rows.every((r) => !r.includes('??')), `no ?? rows: ${rows.join(' | ')}`);
    assert.ok(await page.locator('.disassembly-view .monaco-list-row:has(.codicon-debug-stackframe)').count() > 0, 'the current instruction is marked');
    await page.keyboard.press('Control+W');
    await page.locator('.tabs-container .tab.active', { hasText: 'upstream.S' }).waitFor({ state: 'visible' });

    // Step Over to the ALTERNATIVE line (its sysenter is patched in), then Step Into: the kernel model's document opens in an editor.
    const alternativeLine = upstream.split('\n').findIndex((l) => /^\s*ALTERNATIVE_2/.test(l)) + 1;
    for (let n = 0; n < 6 && !new RegExp(`line ${alternativeLine}\\b`).test(await topLabel()); n++) {
      const before = await topLabel();
      await page.keyboard.press('F10');
      await until('the step to stop', async () => ((await topLabel()) !== before ? true : undefined));
    }
    assert.match(await topLabel(), new RegExp(`line ${alternativeLine}\\b`), 'Step Over reaches the ALTERNATIVE line');
    await page.keyboard.press('F11');
    await page.locator('.tabs-container .tab.active', { hasText: 'kernel model' }).waitFor({ state: 'visible' });
    const kernelLine = await until('the kernel document\'s first line', async () => {
      const text = ((await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
      return text.includes('sysenter at') ? text : undefined;
    });
    // The document opens in the language the extension contributes for it (its grammar, wrapped lines), not Plain Text.
    const mode = await until('the status bar\'s language of the kernel document', async () => {
      const text = ((await page.locator('[id="status.editor.mode"]').first().innerText().catch(() => '')) ?? '').trim();
      return text && text !== 'Plain Text' ? text : undefined;
    }).catch(() => 'Plain Text');
    assert.equal(mode, 'vdso-lab kernel model');
    // VS Code expands the first scope after it lists the scopes: wait for its rows, not only its title.
    // At line 1 (the entry) the entry path has not built pt_regs: the scope says so, with no values.
    const before = await until('VARIABLES to show that pt_regs are not built yet', async () => {
      const rows = (await page.locator('.debug-variables .monaco-list-row').allInnerTexts()).map((r) => r.replace(/\u00a0/g, ' '));
      return rows.some((r) => /^pt_regs$/.test(r.trim())) && rows.some((r) => r.includes('not built yet')) ? rows : undefined;
    }).catch((e: Error) => assert.fail(`pt_regs is not expanded: ${e.message}`));
    assert.ok(!before.some((r) => /^orig_ax =/.test(r.trim())), `no pt_regs values before they are built: ${before.join('|')}`);
    assert.match(kernelLine, /^entry_SYSENTER_compat: sysenter at 0x[0-9a-f]+: entry_SYSENTER_compat, because /);
    assert.match(await topLabel(), /entry_SYSENTER_compat.*line 1\b/, 'the top frame is the kernel frame at its first phase');
    // Step Over: line 2, pt_regs built, and the scope shows them.
    await page.keyboard.press('F10');
    await until('the step to the pt_regs line', async () => (/entry_SYSENTER_compat.*line 2\b/.test(await topLabel()) ? true : undefined));
    const scopes = await until('VARIABLES to show the kernel frame\'s pt_regs expanded', async () => {
      const rows = (await page.locator('.debug-variables .monaco-list-row').allInnerTexts()).map((r) => r.replace(/\u00a0/g, ' '));
      return rows.some((r) => /^pt_regs$/.test(r.trim())) && rows.some((r) => /^orig_ax =/.test(r.trim())) ? rows : undefined;
    }).catch((e: Error) => assert.fail(`pt_regs is not expanded: ${e.message}`));
    t.diagnostic(`screenshot: ${await b.screenshot('kernel-document')}`);
    assert.ok(scopes.some((r) => /^orig_ax =\s+0x[0-9a-f]{8}$/.test(r.trim())), `pt_regs is expanded: ${scopes.join('|')}`);
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });

    // A new user's way in: no launch.json, a click in the gutter of the stub's .S, F5 on it.
    // The stub runs as the vDSO under the shipped caller; the breakpoint is hit in upstream.S.
    rmSync(join(workspace, '.vscode'), { recursive: true });
    await b.runCommand('Remove All Breakpoints');
    const edxLine = upstream.split('\n').findIndex((l) => /^\s*pushl\s+%edx/.test(l)) + 1;
    await page.locator('.tabs-container .tab', { hasText: 'upstream.S' }).click();
    await b.goToLine(edxLine);
    const gutter = await until(`the glyph margin beside line ${edxLine}`, async () => (await page.evaluate(`(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      const number = editor && [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find((n) => n.textContent.trim() === '${edxLine}');
      const margin = editor && editor.querySelector('.glyph-margin');
      if (!number || !margin) return null;
      const row = number.getBoundingClientRect();
      const glyphs = margin.getBoundingClientRect();
      return { x: glyphs.left + glyphs.width / 2, y: row.top + row.height / 2 };
    })()`) as { x: number; y: number } | null) ?? undefined);
    await page.mouse.click(gutter.x, gutter.y);
    await until('the clicked breakpoint in the BREAKPOINTS view', async () =>
      ((await page.locator('.debug-breakpoints .monaco-list-row', { hasText: 'upstream.S' }).count()) > 0 ? true : undefined));
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('F5');
    await until('the stop on entry in the caller program', async () => (/_start.*call-vsyscall\.S/.test(await topLabel()) ? true : undefined));
    await page.keyboard.press('F5');
    const hit = await until('the clicked breakpoint to be hit in upstream.S', async () => {
      const label = await topLabel();
      return /__kernel_vsyscall/.test(label) ? label : undefined;
    });
    const callers = await page.locator('.debug-call-stack .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
    t.diagnostic(`screenshot: ${await b.screenshot('stub-f5-gutter-breakpoint')}`);
    assert.match(hit, new RegExp(`line ${edxLine}, upstream\\.S`), hit);
    assert.match(callers[1] ?? '', /_start.*call-vsyscall\.S/, `the caller program's frame: ${callers.join(' | ')}`);
    assert.equal(await page.locator('.editor-group-container.active .monaco-editor .codicon-debug-breakpoint-unverified').count(), 0, 'the clicked breakpoint is not hollow');
    await page.keyboard.press('Shift+F5');
  });
});

// The ALTERNATIVE-aware editor in a real VS Code (code-server + headless Chromium, the
// .vsix installed as a user would): the block is decorated (background and gutter mark),
// its replacement instructions are coloured as the instructions outside it are (read from
// the rendered DOM), hover shows the per-CPU table with the bytes `vdso-lab alternatives`
// patches, a misspelled feature name is in Problems, F12 on a macro use opens its
// definition in the included header, and the "Debug" lens on the stub function starts a
// debug session that stops in that function, in this file; an ALTERNATIVE in an #ifdef branch
// cpp skips is dimmed and carries no block mark.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run, keptFolder } from '../support/oracles';
import { codeServerBinary, installExtension, packageExtension, runDirs } from './code-server';
import { withWorkbench } from './session';
import { until, Workbench } from './workbench';

/** The little of the DOM the page-side callbacks touch (the project compiles without the DOM library). */
interface El {
  readonly style: { readonly top: string };
  readonly className: string;
  readonly children: ArrayLike<El>;
  readonly parentElement: El | null;
  readonly textContent: string | null;
  querySelectorAll(selector: string): ArrayLike<El>;
}
declare const getComputedStyle: (e: El) => { readonly color: string; readonly backgroundColor: string; readonly opacity: string };

const HEADER = '#include "vdso-lab.h"\n#define STUB_ENTRY(name) VDSO_FUNCTION(name)\n';
const STUB = [
  '#include "stub.h"',
  '\t.text',
  'STUB_ENTRY(__kernel_vsyscall)',
  '\tCFI_STARTPROC',
  '\tpushl\t%ebp',
  '\tCFI_ADJUST_CFA_OFFSET\t4',
  '\tALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, \\',
  '\t\t"movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32',
  '\tint\t$0x80',
  'VDSO_INNER_LABEL(int80_landing_pad)',
  '\tpopl\t%ebp',
  '\tCFI_ADJUST_CFA_OFFSET\t-4',
  '\tret',
  '\tCFI_ENDPROC',
  'VDSO_END(__kernel_vsyscall)',
  '',
].join('\n');

/** The bytes `vdso-lab alternatives` patches at the first site for a CPU on a 64-bit kernel. */
function cliPatched(file: string, cpu: string): string {
  const json = JSON.parse(run(process.execPath, [resolve('dist/cli.js'), 'alternatives', file, '--cpu', cpu, '--kernel', 'compat64', '--json'])) as {
    entries: Array<{ site: number; originalBytes: string }>;
    patches: Array<{ address: number; after: string }>;
  };
  return json.patches.find((p) => p.address === json.entries[0]!.site)?.after ?? json.entries[0]!.originalBytes;
}

test('ALTERNATIVE blocks in a real VS Code', { timeout: 240_000 }, async (t: TestContext) => {
  const bin = codeServerBinary();
  const dirs = runDirs(keptFolder('vdso-lab-e2e-alt-'));
  const workspace = join(dirs.root, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'stub.h'), HEADER);
  writeFileSync(join(workspace, 'stub.S'), STUB);
  writeFileSync(join(workspace, 'misspelled.S'), STUB.replace('X86_FEATURE_SYSCALL32', 'X86_FEATURE_SYSCAL32'));
  writeFileSync(join(workspace, 'inactive.S'), STUB.replace('\tint\t$0x80', '#ifdef NOT_CONFIGURED\n\tALTERNATIVE "", "pushl %eax", X86_FEATURE_SEP\n#endif\n\tint\t$0x80'));
  installExtension(bin, dirs, packageExtension(dirs.root));

  await withWorkbench(t, bin, dirs, workspace, async (_bench, step) => {
    const editor = '.editor-group-container.active .monaco-editor';
    /** The rendered line whose text starts with `prefix` (after indentation), with its top. */
    const lineTop = async (b: Workbench, prefix: string) => until(`a rendered line starting "${prefix}"`, async () => {
      const rows = await b.page.locator(`${editor} .view-lines .view-line`).evaluateAll((els, p) =>
        els.map((e) => ({ text: (e.textContent ?? '').replace(/\u00a0/g, ' ').trim(), top: parseFloat((e as unknown as El).style.top) })).filter((r) => r.text.startsWith(p as string)), prefix);
      return rows[0]?.top;
    });
    /** The colour of the token span holding exactly `text` on the line at `top`. */
    const tokenColour = (b: Workbench, top: number, text: string) => b.page.locator(`${editor} .view-lines .view-line`).evaluateAll((els, [y, word]) => {
      const line = els.find((e) => parseFloat((e as unknown as El).style.top) === y) as unknown as El | undefined;
      const span = [...((line?.querySelectorAll('span span') ?? []) as El[])].find((s) => (s.textContent ?? '').replace(/\u00a0/g, ' ') === word);
      return span ? getComputedStyle(span).color : undefined;
    }, [top, text] as const);

    await step('the ALTERNATIVE_2 block has a background and a gutter mark on each of its lines', async (b) => {
      await b.openFile('stub.S');
      // Lines move when code lenses arrive: positions are read again on every try.
      let first = -1;
      let second = -1;
      const marks = await until('the block\'s decorations', async () => {
        first = await lineTop(b, 'ALTERNATIVE_2');
        second = await lineTop(b, '"movl %ecx');
        const glyphs = await b.page.locator(`${editor} .cgmr`).evaluateAll((els) => els.map((e) => {
          const el = e as unknown as El;
          const own = parseFloat(el.style.top);
          return Number.isNaN(own) ? parseFloat(el.parentElement?.style.top ?? '-1') : own;
        }));
        const backgrounds = await b.page.locator(`${editor} .view-overlays > div`).evaluateAll((els) =>
          els.filter((e) => [...((e as unknown as El).children as El[])].some((c) => /ced-/.test(c.className) && getComputedStyle(c).backgroundColor !== 'rgba(0, 0, 0, 0)')).map((e) => parseFloat((e as unknown as El).style.top)));
        const pushTop = await lineTop(b, 'pushl');
        return glyphs.includes(first) && glyphs.includes(second) && backgrounds.includes(first) && backgrounds.includes(second) ? { glyphs, backgrounds, pushTop } : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('alternative-block')}`);
      assert.ok(!marks.backgrounds.includes(marks.pushTop), 'the line before the block is not decorated');
    });

    await step('the replacement instructions are coloured as instructions, not as a string', async (b) => {
      const colours = await until('semantic colours on the block', async () => {
        const first = await lineTop(b, 'ALTERNATIVE_2');
        const pushTop = await lineTop(b, 'pushl');
        const movl = await tokenColour(b, first, 'movl');
        const sysenter = await tokenColour(b, first, 'sysenter');
        const pushl = await tokenColour(b, pushTop, 'pushl');
        const quote = await tokenColour(b, first, '"');
        return movl && sysenter && pushl && quote && movl === pushl ? { movl, sysenter, pushl, quote } : undefined;
      });
      assert.equal(colours.sysenter, colours.pushl);
      assert.notEqual(colours.movl, colours.quote, 'an instruction is not coloured as the quotes around it');
    });

    await step('hover on ALTERNATIVE_2 shows what the site becomes per CPU, as `vdso-lab alternatives` patches it', async (b) => {
      const word = b.page.locator(`${editor} .view-lines span span`, { hasText: /^ALTERNATIVE_2$/ }).first();
      await word.hover();
      const hover = b.page.locator('.monaco-hover:not(.hidden)');
      const text = await until('the hover with the per-CPU table', async () => {
        const shown = (await hover.allInnerTexts()).join('\n');
        return /generic/.test(shown) && /native32/.test(shown) ? shown : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('alternative-hover')}`);
      for (const cpu of ['intel', 'amd', 'generic']) {
        const bytes = cliPatched(join(workspace, 'stub.S'), cpu);
        assert.ok(new RegExp(`${cpu}\\s+compat64\\s+${bytes}`).test(text.replace(/\s+/g, ' ')), `hover lacks ${cpu} compat64 ${bytes}:\n${text}`);
      }
      await b.page.keyboard.press('Escape');
    });

    await step('F12 on a macro use opens its definition in the included header', async (b) => {
      await b.page.locator(`${editor} .view-lines span span`, { hasText: /^STUB_ENTRY/ }).first().click();
      await b.page.keyboard.press('F12');
      await b.page.locator('.tabs-container .tab.active', { hasText: 'stub.h' }).waitFor({ state: 'visible' });
      t.diagnostic(`screenshot: ${await b.screenshot('definition-in-header')}`);
      const cursorLine = await until('the cursor on the #define line', async () => {
        const lines = await b.activeEditorLines();
        return lines.find((l) => l.includes('#define STUB_ENTRY'));
      });
      assert.ok(cursorLine);
    });

    await step('a misspelled feature name is in Problems, with the closest name', async (b) => {
      await b.openFile('misspelled.S');
      const problems = await until('the unknown feature in Problems', async () => {
        const text = await b.problems();
        return text.includes('X86_FEATURE_SYSCAL32') ? text : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('misspelled-feature')}`);
      assert.match(problems, /unknown feature X86_FEATURE_SYSCAL32; did you mean X86_FEATURE_SYSCALL32\?/);
    });

    await step('an ALTERNATIVE in an #ifdef branch cpp skips is dimmed, with no block mark; the active one is not', async (b) => {
      await b.openFile('inactive.S');
      /** The opacity of the text on the line at `top`, and whether a gutter mark sits there. */
      const look = (top: number) => b.page.locator(`${editor} .view-lines .view-line`).evaluateAll((els, y) => {
        const line = els.find((e) => parseFloat((e as unknown as El).style.top) === y) as unknown as El | undefined;
        const spans = [...((line?.querySelectorAll('span span') ?? []) as El[])];
        return spans.length > 0 ? Math.min(...spans.map((s) => Number(getComputedStyle(s).opacity))) : undefined;
      }, top);
      const seen = await until('the skipped lines dimmed', async () => {
        const skipped = await lineTop(b, 'ALTERNATIVE ""');
        const active = await lineTop(b, 'ALTERNATIVE_2');
        if (skipped === undefined || active === undefined) return undefined;
        const dim = await look(skipped);
        const bright = await look(active);
        const glyphs = await b.page.locator(`${editor} .cgmr`).evaluateAll((els) => els.map((e) => {
          const el = e as unknown as El;
          const own = parseFloat(el.style.top);
          return Number.isNaN(own) ? parseFloat(el.parentElement?.style.top ?? '-1') : own;
        }));
        return dim !== undefined && dim < 1 && bright === 1 && glyphs.includes(active) ? { dim, bright, skippedMarked: glyphs.includes(skipped) } : undefined;
      });
      t.diagnostic(`screenshot: ${await b.screenshot('inactive-branch')}`);
      assert.ok(seen.dim < 0.7, `the skipped ALTERNATIVE's text has opacity ${seen.dim}`);
      assert.equal(seen.skippedMarked, false, 'the skipped ALTERNATIVE has no gutter mark');
    });

    await step('the "Debug" lens on the stub function starts a session that stops in it, in this file', async (b) => {
      await b.openFile('stub.S');
      const lens = b.page.locator(`${editor} .codelens-decoration a`, { hasText: /^Debug$/ });
      await until('the Debug lens', async () => ((await lens.count()) > 0 ? true : undefined));
      await lens.first().click();
      const top = await until('the call stack to stop in __kernel_vsyscall', async () => {
        const labels = await b.page.locator('.debug-call-stack .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
        return labels.find((l) => l.includes('__kernel_vsyscall'));
      });
      t.diagnostic(`screenshot: ${await b.screenshot('debug-lens-stop')}`);
      const pushLine = STUB.split('\n').findIndex((l) => l.includes('pushl\t%ebp')) + 1;
      assert.match(top, new RegExp(`line ${pushLine}\\b`), top);
      assert.match(top, /stub\.S/, top);
      const lensBreakpoint = b.page.locator('.debug-breakpoints .monaco-list-row', { hasText: '__kernel_vsyscall' });
      await until('the lens\'s function breakpoint in BREAKPOINTS', async () => ((await lensBreakpoint.count()) > 0 ? true : undefined));
      await b.page.keyboard.press('Shift+F5');
      await b.page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
      await until('the lens\'s function breakpoint to go once the session ends', async () => ((await lensBreakpoint.count()) === 0 ? true : undefined));
    });
  });
});

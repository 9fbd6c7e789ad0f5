// Owns driving the VS Code workbench in headless Chromium with playwright-core: opening the
// workspace, files, commands and context menus, reading what the UI shows (status bar,
// Problems, Go to Symbol, editor text), screenshots, and a dump of the page for failures.
// Every wait is bounded; a timeout names what was awaited and what was last seen.
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { basename, dirname, join } from 'node:path';
import { CHROMIUM, isolatedEnv, type RunDirs } from './code-server';

const STEP_MS = 30_000;

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = STEP_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e instanceof Error ? e.message.split('\n')[0] : e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Monaco renders spaces as no-break spaces; the tests compare plain text. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

export class Workbench {
  private shot = 0;

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly dirs: RunDirs,
  ) {}

  /** Launches Chromium on a fresh profile and opens `folder` in the workbench at `url`. */
  static async open(dirs: RunDirs, url: string, folder: string): Promise<Workbench> {
    const context = await chromium.launchPersistentContext(dirs.browserProfile, {
      executablePath: CHROMIUM,
      env: isolatedEnv(dirs),
      timeout: STEP_MS,
      viewport: { width: 1400, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    context.setDefaultTimeout(STEP_MS);
    const page = context.pages()[0] ?? (await context.newPage());
    const bench = new Workbench(page, context, dirs);
    try {
      await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { timeout: STEP_MS });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible' });
    } catch (e) {
      const shown = await bench.report();
      await context.close();
      throw new Error(`the workbench did not show ${folder} in the explorer: ${(e as Error).message}\n=== the page showed:\n${shown}`);
    }
    return bench;
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /** Saves a screenshot as screens/NN-name.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(this.dirs.screens, `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path, timeout: STEP_MS });
    return path;
  }

  private explorerRow(name: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  }

  /** Opens a workspace file from the explorer and waits until its tab is the active one. */
  async openFile(name: string): Promise<void> {
    await this.explorerRow(name).click();
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible' });
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').waitFor({ state: 'visible' });
  }

  /** The language mode the status bar shows for the active editor. */
  async languageMode(): Promise<string> {
    return (await this.page.locator('#status\\.editor\\.mode').innerText()).trim();
  }

  /** Runs a command from the palette (F1) by its full label, e.g. "View: Focus Problems". */
  async runCommand(label: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${label}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row').first();
    await until(`the command palette to offer "${label}"`, async () => ((await row.getAttribute('aria-label'))?.startsWith(label) ? true : undefined));
    await this.page.keyboard.press('Enter');
    // The palette closes, or (Go to Symbol...) turns into the command's own quick input.
    await until(`the command palette to run "${label}"`, async () =>
      !(await input.isVisible()) || !(await input.inputValue()).startsWith('>') ? true : undefined);
  }

  /** The Problems panel's text once it lists a marker. */
  async problems(): Promise<string> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const panel = this.page.locator('.markers-panel');
    return until('a marker in the Problems panel', async () => {
      const rows = await panel.locator('.monaco-list-row').allInnerTexts();
      return rows.length > 1 ? plain(rows.join('\n')) : undefined;
    });
  }

  /**
   * Puts the cursor on `line` of the active editor (Ctrl+G): Enter pressed before the widget
   * offers the line is dropped, and the next key would go to the still open widget.
   */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(`:${line}`);
    await this.page.locator('.quick-input-widget', { hasText: `line ${line}` }).waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** Closes whatever quick input (palette, picker, file dialog) is open. */
  async closeQuickInput(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'hidden' });
  }

  /**
   * Answers VS Code's own open dialog (the simple file dialog: a quick input holding a folder
   * path, listing its entries) with a file: once it lists the file's folder, types the name.
   */
  async answerOpenDialog(path: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const folder = dirname(path) + '/';
    const entry = this.page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: basename(path) });
    await until(`the open dialog to list ${folder}`, async () =>
      (await input.isVisible()) && (await input.inputValue()) === folder && (await entry.count()) > 0 ? true : undefined);
    await input.press('End');
    await input.pressSequentially(basename(path));
    await until(`the open dialog to take ${path}`, async () => ((await input.inputValue()) === path ? true : undefined));
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** The symbol names Go to Symbol in Editor lists for the active editor (the picker stays open). */
  async goToSymbol(): Promise<string[]> {
    await this.runCommand('Go to Symbol in Editor...');
    const names = this.page.locator('.quick-input-list .monaco-list-row .monaco-icon-label .label-name');
    const list = this.page.locator('.quick-input-list');
    // Until the language client has started, the picker shows only a "does not provide
    // symbol information" row; it refills once the provider registers, and may render its
    // rows in more than one pass: wait for as many rows as its "symbols (N)" separator counts.
    const found = await until('all the symbols in Go to Symbol in Editor', async () => {
      const count = /symbols \((\d+)\)/.exec(plain(await list.innerText()))?.[1];
      const texts = (await names.allInnerTexts()).map((t) => plain(t).trim()).filter((t) => t !== '');
      return count !== undefined && texts.length === Number(count) ? texts : undefined;
    });
    return found;
  }

  /** Right-clicks a file in the explorer and picks `label` from its context menu. */
  async explorerContextCommand(name: string, label: string): Promise<void> {
    await this.explorerRow(name).click({ button: 'right' });
    const menu = this.page.locator('.monaco-menu');
    const item = this.page.locator('.monaco-menu .action-item', { hasText: label });
    await item.first().waitFor({ state: 'visible' });
    // A click that lands while the menu is still laying itself out is lost: then the menu
    // stays open; pick the item again with the keyboard.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt === 0) await item.first().click();
      else {
        await item.first().hover();
        await this.page.keyboard.press('Enter');
      }
      try {
        await menu.first().waitFor({ state: 'hidden', timeout: 3000 });
        return;
      } catch {
        // still open: try again
      }
    }
    throw new Error(`the context menu item '${label}' did not run (the menu stayed open)`);
  }

  /** The active editor's visible lines in order (the editor renders only what is on screen). */
  async activeEditorLines(): Promise<string[]> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    const count = await lines.count();
    const rows: Array<{ top: number; text: string }> = [];
    for (let i = 0; i < count; i++) {
      const style = (await lines.nth(i).getAttribute('style')) ?? '';
      const top = Number(/top:\s*(-?[\d.]+)px/.exec(style)?.[1] ?? NaN);
      rows.push({ top, text: plain((await lines.nth(i).textContent()) ?? '') });
    }
    return rows.sort((a, b) => a.top - b.top).map((r) => r.text);
  }

  /** What the page shows, for a failure message: the parts of the workbench the tests read. */
  async report(): Promise<string> {
    const parts: string[] = [];
    const grab = async (what: string, selector: string): Promise<void> => {
      try {
        const texts = await this.page.locator(selector).filter({ visible: true }).allInnerTexts();
        const text = plain(texts.join('\n')).trim();
        if (text) parts.push(`--- ${what}:\n${text.slice(0, 3_000)}`);
      } catch (e) {
        parts.push(`--- ${what}: (unreadable: ${(e as Error).message.split('\n')[0]})`);
      }
    };
    await grab('title', '.part.titlebar');
    await grab('tabs', '.tabs-container');
    await grab('active editor', '.editor-group-container.active .monaco-editor .view-lines');
    await grab('quick input', '.quick-input-widget');
    await grab('context menu', '.monaco-menu');
    await grab('notifications', '.notifications-toasts, .notifications-center');
    await grab('panel', '.part.panel');
    await grab('status bar', '.part.statusbar');
    try {
      parts.push(`--- screenshot: ${await this.screenshot('failure')}`);
    } catch (e) {
      parts.push(`--- screenshot failed: ${(e as Error).message.split('\n')[0]}`);
    }
    return parts.join('\n');
  }
}

// The README's Neovim set-ups, exactly as written there, in a real `nvim --headless`: each
// Neovim runs the snippet it supports (the `vim.lsp.start` one from 0.10, the
// `vim.lsp.start_client` one before) as its init file, `vdso-lab` on PATH runs this
// checkout's CLI, and opening a .S with a misspelled feature name must bring the server's
// diagnostic into Neovim's diagnostic list and its hover on X86_FEATURE_SYSENTER32 the
// feature's number. Two Neovims: the distribution's `nvim` (Debian 12's 0.7 runs the older
// snippet) and the 0.10 that npm test's first step puts in the cache folder
// (.ci/install-neovim), which runs the newer one. Each is skipped, saying why, where it is not.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir } from '../../toolchain/cache';
import { scratch } from '../support/oracles';
import { assertMisspeltFeature, cliOnPath, MISSPELT_STUB } from './editor-setup';

interface NvimApi {
  readonly version: string;
  readonly start: boolean;
  readonly root: boolean;
  readonly startClient: boolean;
}

/** What the nvim at `nvim` offers, or undefined when it does not run. */
function nvimApi(nvim: string, env: NodeJS.ProcessEnv): NvimApi | undefined {
  const probe = 'lua io.stdout:write(table.concat({ tostring(vim.version().major) .. "." .. tostring(vim.version().minor), tostring(vim.lsp.start ~= nil), tostring(vim.fs ~= nil and vim.fs.root ~= nil), tostring(vim.lsp.start_client ~= nil) }, " "))';
  const r = spawnSync(nvim, ['--headless', '--clean', '-c', probe, '-c', 'qa!'], { encoding: 'utf8', env, timeout: 20_000 });
  if (r.error || r.status !== 0) return undefined;
  const [version, start, root, startClient] = r.stdout.trim().split(' ');
  return { version: version!, start: start === 'true', root: root === 'true', startClient: startClient === 'true' };
}

/** A scratch folder laid out as a checkout (`.git`, which the newer snippet's root_dir looks for) and an environment that keeps nvim inside it. */
function workspace(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = scratch('vdso-lab-nvim-');
  mkdirSync(join(dir, '.git'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_CACHE_HOME: join(dir, 'cache'),
  };
  return { dir, env };
}

/** The README's two Lua snippets. */
function readmeSnippets(): { modern: string; older: string } {
  const blocks = [...readFileSync(resolve('README.md'), 'utf8').matchAll(/```lua\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const modern = blocks.find((b) => b.includes('vim.lsp.start({'));
  const older = blocks.find((b) => b.includes('vim.lsp.start_client('));
  assert.ok(modern && older, 'the README has both Neovim snippets');
  return { modern, older };
}

/** The stub the editor opens: the misspelled feature, and a correct one to hover on. */
const SOURCE = MISSPELT_STUB.replace('\tint\t$0x80', '\tALTERNATIVE "", "sysenter", X86_FEATURE_SYSENTER32\n\tint\t$0x80');

/** Runs `snippet` as nvim's init file on the stub; returns the diagnostics and the hover text nvim got from the server. */
function runSnippet(nvim: string, snippet: string, dir: string, env: NodeJS.ProcessEnv): { diagnostics: string[][]; hover: string } {
  cliOnPath(dir, env);
  const lines = SOURCE.split('\n');
  const hoverLine = lines.findIndex((l) => l.includes('X86_FEATURE_SYSENTER32'));
  const hoverCharacter = lines[hoverLine]!.indexOf('X86_FEATURE_SYSENTER32') + 4;
  const out = join(dir, 'diagnostics.txt');
  const hoverOut = join(dir, 'hover.txt');
  const init = join(dir, 'init.lua');
  writeFileSync(init, `${snippet}
-- The test's part: once diagnostics arrive, write them and the server's hover on the correct
-- feature name, then quit; give up after 40 s.
local done = false
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function()
    local found = vim.diagnostic.get(0)
    if #found == 0 or done then return end
    done = true
    local f = io.open(${JSON.stringify(out)}, 'w')
    for _, d in ipairs(found) do f:write(d.lnum .. '\\t' .. d.message .. '\\n') end
    f:close()
    vim.schedule(function()
      local params = { textDocument = vim.lsp.util.make_text_document_params(0), position = { line = ${hoverLine}, character = ${hoverCharacter} } }
      local replies = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 20000) or {}
      local h = io.open(${JSON.stringify(hoverOut)}, 'w')
      for _, reply in pairs(replies) do
        local contents = reply.result and reply.result.contents
        if type(contents) == 'table' then h:write(contents.value or vim.fn.json_encode(contents)) elseif contents then h:write(contents) end
      end
      h:close()
      vim.cmd('qa!')
    end)
  end,
})
vim.defer_fn(function() vim.cmd('cquit 3') end, 40000)
`);
  const source = join(dir, 'stub.S');
  writeFileSync(source, SOURCE);
  const r = spawnSync(nvim, ['--headless', '-i', 'NONE', '-u', init, source], { cwd: dir, encoding: 'utf8', env, timeout: 50_000 });
  assert.equal(r.status, 0, `nvim exited ${r.status} (3: no diagnostic within 40 s): ${r.stderr}`);
  assert.ok(existsSync(out), 'nvim wrote the diagnostics it got');
  assert.ok(existsSync(hoverOut), 'nvim wrote the hover it got');
  return { diagnostics: readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split('\t')), hover: readFileSync(hoverOut, 'utf8') };
}

function assertServed(got: { diagnostics: string[][]; hover: string }): void {
  assertMisspeltFeature(got.diagnostics, JSON.stringify(got.diagnostics));
  assert.match(got.hover, /X86_FEATURE_SYSENTER32/, got.hover);
  assert.match(got.hover, /3\s*\\?\*\s*32\s*\+\s*15/, got.hover);
}

test('the README\'s Neovim set-up for the installed nvim brings the server\'s diagnostic and hover into nvim --headless', { timeout: 60_000 }, (t: TestContext) => {
  const { dir, env } = workspace();
  const api = nvimApi('nvim', env);
  if (!api) {
    t.skip('no nvim on this host (Debian: apt-get install neovim)');
    return;
  }
  const { modern, older } = readmeSnippets();
  const snippet = api.start && api.root ? modern : api.startClient ? older : undefined;
  if (!snippet) {
    t.skip(`nvim ${api.version} has neither vim.lsp.start with vim.fs.root nor vim.lsp.start_client`);
    return;
  }
  t.diagnostic(`nvim ${api.version}: the README's ${snippet === modern ? 'vim.lsp.start' : 'vim.lsp.start_client'} snippet`);
  assertServed(runSnippet('nvim', snippet, dir, env));
});

test('the README\'s Neovim 0.10 set-up (vim.lsp.start, vim.fs.root) brings the server\'s diagnostic and hover into a real Neovim 0.10', { timeout: 60_000 }, (t: TestContext) => {
  const { dir, env } = workspace();
  const nvim = join(cacheDir(), 'neovim', 'bin', 'nvim');
  if (!existsSync(nvim)) {
    t.skip(`no Neovim 0.10 at ${nvim}: npm test's first step installs it from Debian 13's packages where apt-get can reach them (VDSO_LAB_CACHE=${cacheDir()} bash .ci/install-neovim)`);
    return;
  }
  const api = nvimApi(nvim, env);
  assert.ok(api, `${nvim} runs`);
  assert.ok(api.start && api.root, `nvim ${api.version} at ${nvim} has vim.lsp.start and vim.fs.root`);
  t.diagnostic(`nvim ${api.version}: the README's vim.lsp.start snippet`);
  assertServed(runSnippet(nvim, readmeSnippets().modern, dir, env));
});

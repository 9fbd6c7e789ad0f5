// The README's Neovim set-up, exactly as written there, in a real `nvim --headless`: the
// snippet the installed Neovim supports (the `vim.lsp.start` one from 0.10, the
// `vim.lsp.start_client` one before) is the init file, `vdso-lab` on PATH runs this
// checkout's CLI, and opening a .S with a misspelled feature name must bring the server's
// diagnostic into Neovim's diagnostic list. Skipped, saying why, where there is no nvim.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratch } from '../support/oracles';
import { assertMisspeltFeature, cliOnPath, MISSPELT_STUB } from './editor-setup';

/** What the installed nvim offers, or undefined when there is none. */
function nvimApi(env: NodeJS.ProcessEnv): { version: string; start: boolean; root: boolean; startClient: boolean } | undefined {
  const probe = 'lua io.stdout:write(table.concat({ tostring(vim.version().major) .. "." .. tostring(vim.version().minor), tostring(vim.lsp.start ~= nil), tostring(vim.fs ~= nil and vim.fs.root ~= nil), tostring(vim.lsp.start_client ~= nil) }, " "))';
  const r = spawnSync('nvim', ['--headless', '--clean', '-c', probe, '-c', 'qa!'], { encoding: 'utf8', env, timeout: 20_000 });
  if (r.error || r.status !== 0) return undefined;
  const [version, start, root, startClient] = r.stdout.trim().split(' ');
  return { version: version!, start: start === 'true', root: root === 'true', startClient: startClient === 'true' };
}

test('the README\'s Neovim set-up brings the server\'s diagnostic into nvim --headless', { timeout: 60_000 }, (t: TestContext) => {
  const dir = scratch('vdso-lab-nvim-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_STATE_HOME: join(dir, 'state'),
    XDG_CACHE_HOME: join(dir, 'cache'),
  };
  const api = nvimApi(env);
  if (!api) {
    t.skip('no nvim on this host (Debian: apt-get install neovim)');
    return;
  }
  const blocks = [...readFileSync(resolve('README.md'), 'utf8').matchAll(/```lua\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const modern = blocks.find((b) => b.includes('vim.lsp.start({'));
  const older = blocks.find((b) => b.includes('vim.lsp.start_client('));
  assert.ok(modern && older, 'the README has both Neovim snippets');
  const snippet = api.start && api.root ? modern : api.startClient ? older : undefined;
  if (!snippet) {
    t.skip(`nvim ${api.version} has neither vim.lsp.start with vim.fs.root nor vim.lsp.start_client`);
    return;
  }
  t.diagnostic(`nvim ${api.version}: the README's ${snippet === modern ? 'vim.lsp.start' : 'vim.lsp.start_client'} snippet`);

  cliOnPath(dir, env);

  const out = join(dir, 'diagnostics.txt');
  const init = join(dir, 'init.lua');
  writeFileSync(init, `${snippet}
-- The test's part: write the buffer's diagnostics once some arrive, then quit; give up after 40 s.
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function()
    local found = vim.diagnostic.get(0)
    if #found == 0 then return end
    local f = io.open(${JSON.stringify(out)}, 'w')
    for _, d in ipairs(found) do f:write(d.lnum .. '\\t' .. d.message .. '\\n') end
    f:close()
    vim.cmd('qa!')
  end,
})
vim.defer_fn(function() vim.cmd('cquit 3') end, 40000)
`);
  const source = join(dir, 'stub.S');
  writeFileSync(source, MISSPELT_STUB);
  const r = spawnSync('nvim', ['--headless', '-i', 'NONE', '-u', init, source], { cwd: dir, encoding: 'utf8', env, timeout: 50_000 });
  assert.equal(r.status, 0, `nvim exited ${r.status} (3: no diagnostic within 40 s): ${r.stderr}`);
  assert.ok(existsSync(out), 'nvim wrote the diagnostics it got');
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  assertMisspeltFeature(lines, JSON.stringify(lines));
});

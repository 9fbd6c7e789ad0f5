// The README's Emacs set-up (eglot), exactly as written there, in a real `emacs --batch`:
// `vdso-lab` on PATH runs this checkout's CLI, and visiting a .S with a misspelled feature
// name must bring the server's diagnostic into Flymake. Skipped, saying why, where there is
// no emacs or no eglot (Emacs 29 has it built in; Debian 12's Emacs 28 gets it from the
// elpa-eglot package). Emacs is not among the prerequisites: it is about 150 MB.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratch } from '../support/oracles';
import { assertMisspeltFeature, cliOnPath, MISSPELT_STUB } from './editor-setup';

test('the README\'s Emacs set-up brings the server\'s diagnostic into Flymake in emacs --batch', { timeout: 60_000 }, (t: TestContext) => {
  const dir = scratch('vdso-lab-emacs-');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') };
  const probe = spawnSync('emacs', ['--batch', '--eval', '(princ (format "%s %s" emacs-version (if (require (quote eglot) nil t) "eglot" "none")))'], { encoding: 'utf8', env, timeout: 20_000 });
  if (probe.error || probe.status !== 0) {
    t.skip('no emacs on this host');
    return;
  }
  const [version, eglot] = probe.stdout.trim().split(' ');
  if (eglot !== 'eglot') {
    t.skip(`emacs ${version} has no eglot (Debian 12: apt-get install elpa-eglot)`);
    return;
  }
  t.diagnostic(`emacs ${version} with eglot`);
  const readme = /```elisp\n([\s\S]*?)```/.exec(readFileSync(resolve('README.md'), 'utf8'));
  assert.ok(readme, 'the README has the Emacs snippet');

  cliOnPath(dir, env);

  const source = join(dir, 'stub.S');
  writeFileSync(source, MISSPELT_STUB);
  const init = join(dir, 'init.el');
  // The test's part after the README's: visit the file (eglot-ensure waits for a command loop
  // that batch mode lacks, so post-command-hook is run by hand), then print Flymake's list.
  writeFileSync(init, `${readme[1]}
(require 'eglot)
(find-file ${JSON.stringify(source)})
(let ((deadline (+ (float-time) 40)) (found nil))
  (while (and (< (float-time) deadline) (not found))
    (run-hooks 'post-command-hook)
    (accept-process-output nil 0.2)
    (setq found (flymake-diagnostics)))
  (dolist (d found)
    (princ (format "%d\\t%s\\n" (1- (line-number-at-pos (flymake-diagnostic-beg d))) (flymake-diagnostic-text d))))
  (kill-emacs (if found 0 3)))
`);
  const r = spawnSync('emacs', ['--batch', '-l', init], { cwd: dir, encoding: 'utf8', env, timeout: 50_000 });
  assert.equal(r.status, 0, `emacs exited ${r.status} (3: no diagnostic within 40 s): ${r.stderr}`);
  const got = r.stdout.trim().split('\n').map((l) => l.split('\t'));
  assertMisspeltFeature(got, r.stdout);
});

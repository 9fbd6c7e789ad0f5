// Every document a source file cites is in the repository: a `*.md` path in a comment (or
// anywhere in the text) of the code, the stub sources, the scripts and the CI files must name
// a file that exists (relative to the repository or to the citing file's folder), and the
// notes that live outside it (DESIGN, KERNEL-FACTS, STYLE, PERF-NOTES, VSCODE-E2E) are never
// cited by those names: their content is in docs/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve('.');
const FOLDERS = ['toolchain', 'emulator', 'debug-adapter', 'language-server', 'cli', 'extension', 'bench', 'test', 'scripts', 'vdso', '.ci', 'syntaxes'];
const SOURCE = /\.(ts|mjs|js|S|s|sh|json)$|^(install-vscode|run)$/;
/** The outside notes by the names code used to cite them. */
const OUTSIDE = /\b(?:KERNEL-FACTS|PERF-NOTES|VSCODE-E2E)\b|\b(?:DESIGN|STYLE)(?:\.md\b|'s\b| §)|\bshared\/[A-Z-]+\.md\b/;
/**
 * What this test itself must write to say what it looks for. Written out rather than taken from
 * the module's own path (in a bundle, the bundle's), so that the quick runner groups this file
 * with the others: it runs a file that reads its own path in a process of its own.
 */
const SELF = 'test/cli/doc-citations.test.ts';

function files(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (SOURCE.test(name)) out.push(path);
  }
  return out;
}

test('every document a source file cites is in the repository, and none cites the notes outside it', () => {
  const problems: string[] = [];
  let cited = 0;
  for (const file of FOLDERS.flatMap((f) => files(join(ROOT, f)))) {
    const where = relative(ROOT, file);
    if (where === SELF) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (OUTSIDE.test(line)) problems.push(`${where}:${i + 1}: cites a note outside the repository: ${line.trim().slice(0, 120)}`);
      for (const m of line.matchAll(/(?:^|[\s(`'"[])((?:\.{1,2}\/)?[\w-][\w./-]*\.md)\b/g)) {
        const doc = m[1]!;
        cited++;
        if (!existsSync(join(ROOT, doc)) && !existsSync(join(dirname(file), doc))) problems.push(`${where}:${i + 1}: cites ${doc}, which is not in the repository`);
      }
    });
  }
  assert.ok(cited > 20, `the scan saw the citations (${cited})`);
  assert.deepEqual(problems, []);
});

test('the README links into docs/, and every docs/ link resolves', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const docs = readdirSync(join(ROOT, 'docs')).filter((n) => n.endsWith('.md'));
  for (const doc of docs) assert.ok(readme.includes(`docs/${doc}`), `README links docs/${doc}`);
  for (const doc of ['README.md', ...docs.map((d) => `docs/${d}`)]) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      assert.ok(existsSync(join(ROOT, dirname(doc), target)), `${doc} links ${target}, which exists`);
    }
  }
});

// The dependency rule (extension -> debug-adapter / language-server -> emulator -> toolchain),
// checked on every import of every source file: a layer imports only itself and the layers
// below it, and only extension/ imports `vscode`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve('.');
/** What each top-level folder may import from the project (besides itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  toolchain: [],
  emulator: ['toolchain'],
  'debug-adapter': ['emulator', 'toolchain'],
  'language-server': ['emulator', 'toolchain'],
  cli: ['debug-adapter', 'language-server', 'emulator', 'toolchain', 'bench'],
  bench: ['debug-adapter', 'language-server', 'emulator', 'toolchain'],
  extension: ['debug-adapter', 'language-server', 'emulator', 'toolchain'],
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('every import points down the layers, and only extension/ imports vscode', () => {
  const problems: string[] = [];
  let imports = 0;
  for (const layer of Object.keys(ALLOWED)) {
    for (const file of sources(join(ROOT, layer))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        imports++;
        const spec = m[1]!;
        const where = relative(ROOT, file);
        if (spec === 'vscode' && layer !== 'extension') problems.push(`${where} imports vscode`);
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(dirname(file), spec)).split('/')[0]!;
        if (target !== layer && !ALLOWED[layer]!.includes(target)) problems.push(`${where} imports ${spec} (${layer} -> ${target})`);
      }
    }
  }
  assert.ok(imports > 500, `the scan saw the imports (${imports})`);
  assert.deepEqual(problems, []);
});

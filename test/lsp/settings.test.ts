// package.json's vdsoLab.lsp.* settings say what language-server/build-settings.ts does with
// them: the same default, and a range the server accepts (a value outside it falls back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_DEBOUNCE_MS, debounceMs } from '../../language-server/build-settings';

interface Setting {
  readonly type?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
}

const manifest = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Setting> } } };

test('vdsoLab.lsp.debounceMs in package.json has the server\'s default and the range it accepts', () => {
  const s = manifest.contributes.configuration.properties['vdsoLab.lsp.debounceMs'];
  assert.ok(s, 'package.json declares vdsoLab.lsp.debounceMs');
  assert.equal(s.type, 'number');
  assert.equal(s.default, DEFAULT_DEBOUNCE_MS);
  assert.equal(debounceMs({}), DEFAULT_DEBOUNCE_MS);
  assert.equal(debounceMs({ lsp: { debounceMs: s.minimum! } }), s.minimum);
  assert.equal(debounceMs({ lsp: { debounceMs: s.maximum! } }), s.maximum);
  assert.equal(debounceMs({ lsp: { debounceMs: s.maximum! + 1 } }), DEFAULT_DEBOUNCE_MS);
  assert.equal(debounceMs({ lsp: { debounceMs: s.minimum! - 1 } }), DEFAULT_DEBOUNCE_MS);
});

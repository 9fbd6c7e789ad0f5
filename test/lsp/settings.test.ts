// The language server's settings are declared once and package.json's
// contributes.configuration says the same: vdsoLab.lsp.* (build-settings.ts: the same
// default, and a range the server accepts; a value outside it falls back), the diagnostic
// kinds (diagnostic-types.ts) and the inlay hint parts (inlay-hints.ts); and the
// offset/length inlay hint, turned on by vdsoLab.inlayHints.offsets, gives what objdump says
// of GNU as's object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DEBOUNCE_MS, debounceMs } from '../../language-server/build-settings';
import { DIAGNOSTIC_KIND_DESCRIPTIONS } from '../../language-server/diagnostic-types';
import { INLAY_HINT_PARTS } from '../../language-server/inlay-hints';
import { run, scratch } from '../support/oracles';
import { startLsp } from './lsp-client';
import { objdumpInstructions } from './frames-oracle';

interface Setting {
  readonly type?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Record<string, { type: string; default: unknown; description: string }>;
  readonly additionalProperties?: boolean;
}

const manifest = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Setting> } } };
const settings = manifest.contributes.configuration.properties;

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

test('vdsoLab.diagnostics lists exactly the server\'s diagnostic kinds, each on by default, with the module\'s description', () => {
  const s = settings['vdsoLab.diagnostics']!;
  assert.equal(s.type, 'object');
  assert.equal(s.additionalProperties, false);
  assert.deepEqual(Object.keys(s.properties!), Object.keys(DIAGNOSTIC_KIND_DESCRIPTIONS));
  assert.deepEqual(s.default, Object.fromEntries(Object.keys(DIAGNOSTIC_KIND_DESCRIPTIONS).map((k) => [k, true])));
  for (const [kind, description] of Object.entries(DIAGNOSTIC_KIND_DESCRIPTIONS)) {
    assert.deepEqual(s.properties![kind], { type: 'boolean', default: true, description }, kind);
  }
});

test('vdsoLab.inlayHints lists exactly the server\'s inlay hint parts with their defaults and descriptions', () => {
  const s = settings['vdsoLab.inlayHints']!;
  assert.equal(s.type, 'object');
  assert.equal(s.additionalProperties, false);
  assert.deepEqual(s.default, Object.fromEntries(Object.entries(INLAY_HINT_PARTS).map(([k, v]) => [k, v.default])));
  for (const [part, { default: on, description }] of Object.entries(INLAY_HINT_PARTS)) {
    assert.deepEqual(s.properties![part], { type: 'boolean', default: on, description }, part);
  }
});

const SOURCE = `\t.text
\t.globl f
\t.type f, @function
f:
\t.cfi_startproc
\tpushl %ebp
\t.cfi_adjust_cfa_offset 4
\tmovl %esp, %ebp
\tsubl $0x100, %esp
\tleave
\t.cfi_adjust_cfa_offset -4
\tret
\t.cfi_endproc
`;

async function hints(options: Record<string, unknown>, name: string): Promise<Map<number, string>> {
  const lsp = startLsp(options);
  try {
    const path = join(dir, name);
    writeFileSync(path, SOURCE);
    const uri = await lsp.open(path, SOURCE);
    const got = await lsp.request<Array<{ position: { line: number }; label: string }>>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    return new Map(got.map((h) => [h.position.line, h.label]));
  } finally {
    await lsp.close();
  }
}

const dir = scratch('vdso-lab-lsp-settings-');

test('vdsoLab.inlayHints.offsets: each code line\'s offset and length as objdump gives them; off by default', async () => {
  const src = join(dir, 'offsets.s');
  writeFileSync(src, SOURCE);
  run('as', ['--32', '-g', src, '-o', join(dir, 'offsets.o')]);
  const insns = objdumpInstructions(join(dir, 'offsets.o')).filter((i) => i.section === '.text');
  assert.equal(insns.length, 5);
  const on = await hints({ inlayHints: { offsets: true } }, 'on.s');
  for (const i of insns) {
    const label = on.get(i.line - 1);
    assert.ok(label?.startsWith(`+0x${i.address.toString(16)} (${i.length})  CFA=`), `line ${i.line}: ${label}`);
  }
  const byDefault = await hints({}, 'default.s');
  for (const label of byDefault.values()) assert.match(label, /^CFA=/);
  assert.equal(byDefault.size, insns.length);
  const offsetsOnly = await hints({ inlayHints: { cfa: false, offsets: true } }, 'only.s');
  for (const i of insns) assert.equal(offsetsOnly.get(i.line - 1), `+0x${i.address.toString(16)} (${i.length})`);
  assert.equal((await hints({ inlayHints: false }, 'none.s')).size, 0);
});

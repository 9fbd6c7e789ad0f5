// The quick semantic tokens of the visible lines (AnalysisCache.preview) decide conditional
// assembly as GAS does: a GAS macro whose body picks with .if, .ifc, .ifb, .ifdef and .else
// which label to define and how to type it, and a top-level .if/.else, used far below the
// uses at the top. The names GNU as defines (readelf -s of as --32's object: defined or
// undefined, FUNC or OBJECT) are what the whole analysis colours, and the preview colours the
// same, in a .S and in a .s (which GAS reads without cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, AnalysisCache, diskFileSource } from '../../language-server/analysis';
import { semanticTokens, type SemanticToken } from '../../language-server/semantic-tokens';
import { run, scratch } from '../support/oracles';

function filler(from: number, count: number): string[] {
  const out: string[] = [];
  for (let i = from; i < from + count; i++) out.push(`filler_${i}:`, '\tpushl\t%ebp', '\tmovl\t%esp, %ebp', '\tpopl\t%ebp', '\tret', `\t.size\tfiller_${i}, .-filler_${i}`);
  return out;
}

const USES = ['late_fn', 'late_obj', 'late_extra_extra', 'late_extra_plain', 'late_b_blank', 'late_c_blank', 'late_alt', 'top_if_false', 'top_if_true'];

const SOURCE = [
  '\t.macro FUNC name, global=1, kind=function',
  '\t.if \\global',
  '\t.globl \\name',
  '\t.endif',
  '\t.ifc \\kind,function',
  '\t.type \\name, @function',
  '\t.else',
  '\t.type \\name, @object',
  '\t.endif',
  '\\name\\():',
  '\t.endm',
  '\t.macro MAYBE name',
  '\t.ifdef WANT_EXTRA',
  '\\name\\()_extra:',
  '\t.else',
  '\\name\\()_plain:',
  '\t.endif',
  '\t.endm',
  '\t.macro BLANK name, alt',
  '\t.ifb \\alt',
  '\\name\\()_blank:',
  '\t.elseif 1',
  '\\alt\\():',
  '\t.endif',
  '\t.endm',
  '\tWANT_EXTRA = 1',
  '\t.text',
  'start:',
  ...USES.map((u) => `\tjmp\t${u}`),
  '\tret',
  ...filler(0, 60),
  '\tFUNC late_fn',
  '\tret',
  '\tFUNC late_obj, 0, object',
  '\tnop',
  '\tMAYBE late_extra',
  '\tBLANK late_b',
  '\tBLANK late_c, late_alt',
  '.if 0',
  'top_if_false:',
  '.else',
  'top_if_true:',
  '.endif',
  '\tret',
  ...filler(60, 150),
].join('\n') + '\n';

const lines = SOURCE.split('\n');
const shown = (tokens: readonly SemanticToken[]) => tokens.map((t) => `${t.line}:${t.start} ${lines[t.line]!.slice(t.start, t.start + t.length)} ${t.type} ${t.modifiers.join(',')}`);

for (const ext of ['S', 's']) {
  test(`preview tokens of a .${ext} decide .if/.ifc/.ifb/.ifdef/.else in macro bodies and at top level as GNU as does`, () => {
    const dir = scratch('vdso-lab-preview-cond-');
    const path = join(dir, `cond.${ext}`);
    writeFileSync(path, SOURCE);
    const object = join(dir, 'cond.o');
    run('as', ['--32', path, '-o', object]);
    const symbols = new Map([...run('readelf', ['-sW', object]).matchAll(/^\s*\d+:\s+[0-9a-f]+\s+\d+\s+(\w+)\s+\w+\s+\w+\s+(\w+)\s+(\S+)$/gm)].map((m) => [m[3]!, { type: m[1]!, defined: m[2] !== 'UND' }]));
    const uri = pathToFileURL(path).href;
    const files = diskFileSource(() => undefined);
    const doc = { uri, version: 1, getText: () => SOURCE };
    const last = lines.findIndex((l) => l === '\tret');
    const whole = analyze(doc, {}, files);
    const expected = shown(semanticTokens(whole, 0, last));
    // The premise: the whole analysis colours each use by what GNU as defined.
    for (const name of USES) {
      const s = symbols.get(name)!;
      const kind = !s.defined ? undefined : s.type === 'FUNC' ? 'function' : s.type === 'OBJECT' ? 'variable' : 'label';
      const token = expected.find((t) => t.includes(` ${name} `));
      if (kind === undefined) assert.equal(token, undefined, `${name} is not defined: ${token}`);
      else assert.ok(token, `${name} (${s.type}) has a token: ${expected.join("\n")}`);
      if (kind === 'function') assert.match(token!, / function /);
    }
    const cache = new AnalysisCache(() => ({ lsp: { debounceMs: 60_000 } }), files, () => undefined);
    try {
      const preview = cache.preview(doc, 0, last);
      assert.ok(preview, 'a preview of the first lines');
      assert.notEqual(preview, whole);
      assert.ok(preview.expanded.length < whole.expanded.length / 3, 'the preview ran only a part of the document');
      assert.deepEqual(shown(semanticTokens(preview, 0, last)), expected);
    } finally {
      cache.forget(uri);
    }
  });
}

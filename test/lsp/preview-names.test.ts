// The quick semantic tokens of the visible lines (AnalysisCache.preview: the prefix and the
// regions over those lines, before the whole analysis) colour the names defined further down
// the document as the whole analysis does: a function (VDSO_FUNCTION, SYM_FUNC_START-style
// cpp macros, or a label with `.type NAME,@function`) and a label used above their
// definitions, a function a GAS .macro marks with .type (directly and from a nested macro use),
// one inside an #if group that is false (not a name) and one in a group that is true. The expected tokens are those of analyze() on the same text. (A local label used
// across regions is no case: such a document has no preview.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, AnalysisCache, diskFileSource } from '../../language-server/analysis';
import { semanticTokens, type SemanticToken } from '../../language-server/semantic-tokens';
import { scratch } from '../support/oracles';

function filler(from: number, count: number): string[] {
  const out: string[] = [];
  for (let i = from; i < from + count; i++) {
    out.push(`VDSO_FUNCTION(filler_${i})`, '\tCFI_STARTPROC', '\tpushl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t4', '\tpopl\t%ebp', '\tCFI_ADJUST_CFA_OFFSET\t-4', '\tret', '\tCFI_ENDPROC', `VDSO_END(filler_${i})`);
  }
  return out;
}

/** Uses at the top, definitions several regions below. */
const SOURCE = [
  '#include "vdso-lab.h"',
  '#define FAR_FUNCTION(name) .globl name; .type name, @function; name:',
  '.macro GAS_FUNCTION name, align=4',
  '\t.globl\t\\name',
  '\t.type\t\\name, @function',
  '\t.p2align\t\\align',
  '\\name\\():',
  '.endm',
  '.macro GAS_TWICE first, second',
  '\tGAS_FUNCTION\t\\first',
  '\tGAS_FUNCTION\t\\second',
  '.endm',
  '\t.text',
  'VDSO_FUNCTION(__kernel_vsyscall)',
  '\tCFI_STARTPROC',
  '\tcall\tlate_function',
  '\tcall\tlate_typed',
  '\tcall\tlate_macro_function',
  '\tcall\tlate_gas_function',
  '\tcall\tlate_gas_nested',
  '\tjmp\tlate_label',
  '\tjmp\tnever_defined',
  '\tjmp\tonly_if_false',
  '\tjmp\tonly_if_true',
  '\tret',
  '\tCFI_ENDPROC',
  'VDSO_END(__kernel_vsyscall)',
  ...filler(0, 60),
  'VDSO_FUNCTION(late_function)',
  '\tret',
  'VDSO_END(late_function)',
  ...filler(60, 30),
  '\t.globl\tlate_typed',
  '\t.type\tlate_typed, @function',
  'late_typed:',
  '\tret',
  '\t.size\tlate_typed, .-late_typed',
  ...filler(90, 30),
  'FAR_FUNCTION(late_macro_function)',
  '\tret',
  'GAS_FUNCTION late_gas_function',
  '\tret',
  'GAS_TWICE late_gas_other, late_gas_nested',
  '\tret',
  'late_label:',
  '\tnop',
  '#ifdef CONFIG_NOT_SET',
  'only_if_false:',
  '#else',
  'only_if_true:',
  '#endif',
  '\tret',
  ...filler(120, 30),
].join('\n') + '\n';

const shown = (tokens: readonly SemanticToken[]) => tokens.map((t) => `${t.line}:${t.start} ${SOURCE.split('\n')[t.line]!.slice(t.start, t.start + t.length)} ${t.type} ${t.modifiers.join(',')}`);

test('preview tokens of the first lines know the names defined below them, as the whole analysis does', () => {
  const dir = scratch('vdso-lab-preview-names-');
  const uri = pathToFileURL(join(dir, 'late.S')).href;
  const files = diskFileSource(() => undefined);
  const doc = { uri, version: 1, getText: () => SOURCE };
  const whole = analyze(doc, {}, files);
  const last = SOURCE.split('\n').findIndex((l) => l.includes('VDSO_END(__kernel_vsyscall)'));
  const expected = shown(semanticTokens(whole, 0, last));
  // The uses are coloured by what is defined below (the test's premise, from the whole analysis).
  for (const name of ['late_function', 'late_typed', 'late_macro_function', 'late_gas_function', 'late_gas_nested']) assert.ok(expected.some((t) => t.includes(` ${name} function`)), `${name} is a function: ${expected.join('\n')}`);
  for (const name of ['late_label', 'only_if_true']) assert.ok(expected.some((t) => t.includes(` ${name} label`)), `${name} is a label`);
  for (const name of ['never_defined', 'only_if_false']) assert.ok(!expected.some((t) => t.includes(` ${name} `)), `${name} is no name`);

  const cache = new AnalysisCache(() => ({ lsp: { debounceMs: 60_000 } }), files, () => undefined);
  try {
    const preview = cache.preview(doc, 0, last);
    assert.ok(preview, 'a preview of the first lines');
    assert.notEqual(preview, whole);
    assert.ok(preview.expanded.length < whole.expanded.length / 4, 'the preview ran only a part of the document');
    assert.deepEqual(shown(semanticTokens(preview, 0, last)), expected);
  } finally {
    cache.forget(uri);
  }
});

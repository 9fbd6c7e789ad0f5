// Differential test of the encoder against GNU as 2.40 (`as --32`), run at test time: a corpus
// generated from the opcode table (every row × spellings × operand forms) plus the GAS-choice
// edge cases, assembled in one file (a label per line), compared byte for byte with
// encodeInstruction's output (in-place addends filled in) and relocation for relocation; lines
// GAS rejects must be rejected too (and with GAS's message for the common mistakes).
// Round trip: decoding our bytes gives the row's operation back. The tests' lines go to GNU as
// in one run, and each line is encoded once for the file. Quick runs take every table row with
// a tenth of its spellings × operand forms (test/support/scale.ts), the hand-written lines whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '../../toolchain/isa/decoder';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { Op } from '../../toolchain/isa/ops';
import { EDGE_CASES, INVALID_LINES, INVALID_OTHER_WORDING, tableCorpus, tableCorpusRows } from './corpus';
import { sampled, TEST_SCALE } from '../support/scale';
import { gasLines, type GasLine } from './gas';
import { CONTEXT, encodeLine, hex, splitLine, type OurLine } from './harness';
import { encodeInstruction, parseOperands, OperandError } from '../../toolchain/asm/encoder/index';
import { resolveMnemonic } from '../../toolchain/asm/encoder/match';

const BRANCHES = ['jmp', 'je', 'jz', 'jne', 'jnae', 'jc', 'jb', 'ja', 'jg', 'jle', 'jo', 'jns', 'jpe', 'jpo', 'cs je', 'ds jne'];

/**
 * Every line the file's tests give GNU as, by test, assembled in one as run (gas.ts) when a
 * test first asks: the near branches first, so that line i's target x<i+1> is the label after it.
 */
const LINE_SETS = {
  near: BRANCHES.map((b, i) => `${b} x${i + 1}`),
  far: BRANCHES.map((b) => `${b} undefined_target`),
  table: TEST_SCALE >= 1 ? tableCorpus() : [...new Set(tableCorpusRows().flatMap((row) => sampled(row)))],
  edge: EDGE_CASES,
  invalid: INVALID_LINES,
  otherWording: INVALID_OTHER_WORDING,
};
let gasSets: Record<keyof typeof LINE_SETS, GasLine[]> | undefined;
function gasOf(set: keyof typeof LINE_SETS): GasLine[] {
  if (!gasSets) {
    const keys = Object.keys(LINE_SETS) as (keyof typeof LINE_SETS)[];
    const all = gasLines(keys.flatMap((k) => LINE_SETS[k]));
    let at = 0;
    gasSets = Object.fromEntries(keys.map((k) => { at += LINE_SETS[k].length; return [k, all.slice(at - LINE_SETS[k].length, at)]; })) as Record<keyof typeof LINE_SETS, GasLine[]>;
  }
  return gasSets[set];
}

/** Our encoding of each line, made once for the file's tests. */
const encoded = new Map<string, OurLine>();
function ourLine(line: string): OurLine {
  let r = encoded.get(line);
  if (!r) { r = encodeLine(line); encoded.set(line, r); }
  return r;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function compare(set: 'table' | 'edge'): { checked: number; problems: string[]; gasErrors: number } {
  const gas = gasOf(set);
  const problems: string[] = [];
  let gasErrors = 0;
  for (const g of gas) {
    const ours = ourLine(g.line);
    if (g.error !== undefined) {
      gasErrors++;
      if (ours.error === undefined) problems.push(`${g.line}: GAS rejects (${g.error}), we give ${hex(ours.bytes)}`);
      continue;
    }
    if (ours.error !== undefined) { problems.push(`${g.line}: GAS gives ${hex(g.bytes)}, we reject: ${ours.error}`); continue; }
    if (!sameBytes(ours.bytes, g.bytes)) problems.push(`${g.line}: GAS ${hex(g.bytes)} | ours ${hex(ours.bytes)}`);
    const rel = (r: { offset: number; type: number }[]) => r.map((x) => `${x.offset}:${x.type}`).join(',');
    if (rel(ours.relocs) !== rel(g.relocs)) problems.push(`${g.line}: GAS relocs ${rel(g.relocs)} | ours ${rel(ours.relocs)}`);
    const gw = g.warnings;
    if (gw.join('|') !== ours.warnings.join('|')) problems.push(`${g.line}: GAS warns [${gw.join('|')}] | ours [${ours.warnings.join('|')}]`);
  }
  return { checked: gas.length, problems, gasErrors };
}

test('every table row x spelling x operand form encodes exactly as as --32', () => {
  assert.ok(LINE_SETS.table.length > 2000, `corpus has ${LINE_SETS.table.length} lines`);
  const { checked, problems, gasErrors } = compare('table');
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} of ${checked} lines differ (${gasErrors} rejected by GAS)`);
});

test('GAS choices and edge cases encode exactly as as --32', () => {
  const { problems } = compare('edge');
  assert.deepEqual(problems, []);
});

test('lines GAS rejects are rejected with GAS\'s message', () => {
  const problems: string[] = [];
  for (const g of gasOf('invalid')) {
    const ours = ourLine(g.line);
    if (g.error === undefined) problems.push(`${g.line}: GAS accepts it (test data wrong)`);
    else if (ours.error === undefined) problems.push(`${g.line}: GAS: ${g.error}; we accept it`);
    else if (ours.error !== g.error) problems.push(`${g.line}: GAS: ${g.error} | ours: ${ours.error}`);
  }
  assert.deepEqual(problems, []);
});

test('decoding the encoder\'s bytes gives back the operation and length', () => {
  let n = 0;
  const problems: string[] = [];
  for (const line of [...LINE_SETS.table, ...EDGE_CASES]) {
    const ours = ourLine(line);
    const { mnemonic } = splitLine(line);
    const words = mnemonic.split(' ');
    const resolved = resolveMnemonic(words[words.length - 1]!);
    // Prefix-only lines are not instructions; `int $3` is GAS's int3 on purpose.
    if (ours.error !== undefined || !resolved || /^int \$3$/.test(line)) continue;
    const d = decode(ours.bytes, 0, 0x1000);
    n++;
    const ops = new Set(resolved.candidates.map((c) => c.entry.op));
    // 90 is both nop and xchg %eax,%eax (66 90 both data16 nop and xchg %ax,%ax).
    if (ops.has(Op.Xchg) || ops.has(Op.Nop)) { ops.add(Op.Xchg); ops.add(Op.Nop); }
    if (d.status !== DecodeStatus.Ok || d.length !== ours.bytes.length || !ops.has(d.entry!.op)) {
      problems.push(`${line}: ${hex(ours.bytes)} decodes to status ${d.status} length ${d.length} ${d.entry?.intel ?? ''}`);
    }
  }
  assert.ok(n > 2000);
  assert.deepEqual(problems.slice(0, 20), []);
});

test('lines GAS rejects with other wording are rejected too', () => {
  for (const g of gasOf('otherWording')) {
    assert.ok(g.error !== undefined, `${g.line}: GAS accepts it`);
    assert.ok(ourLine(g.line).error !== undefined, `${g.line}: GAS: ${g.error}; we accept it`);
  }
});

test('relaxable jmp/jcc: the short form is what GAS emits for a near local target, the near form for an undefined one', () => {
  // Line i jumps to the label after it (x<i+1>): in range, so GAS keeps the short form.
  for (const g of gasOf('near')) {
    const { mnemonic, operands } = splitLine(g.line);
    const r = encodeInstruction(mnemonic, parseOperands(operands), CONTEXT);
    assert.ok('relax' in r, `${g.line}: not relaxable`);
    const short = Uint8Array.from(r.relax.short.bytes);
    // The short displacement to the next instruction is 0.
    assert.equal(hex(short), hex(g.bytes), g.line);
    assert.equal(r.relax.short.fixupOffset, short.length - 1);
    assert.deepEqual(g.relocs, []);
  }
  // Undefined targets: GAS emits the near form with R_386_PC32 (checked byte for byte above through encodeLine).
  for (const g of gasOf('far')) assert.equal(hex(ourLine(g.line).bytes), hex(g.bytes), g.line);
});

test('operand syntax errors carry GAS wording and the column', () => {
  const cases: [string, string, number][] = [
    ['(%eax,%eax,3),%eax', 'expecting scale factor of 1, 2, 4, or 8: got `3\'', 1],
    ['%eaz,%eax', 'bad register name `%eaz\'', 0],
    ['%al,%ah,', "expecting operand after ','; got nothing", 8],
    [' ,%eax', "expecting operand before ','; got nothing", 1],
    ['%eax,1(%ebx', 'unbalanced parenthesis in operand 2.', 5],
  ];
  for (const [text, message, column] of cases) {
    assert.throws(() => parseOperands(text), (e: unknown) => e instanceof OperandError && e.message === message && e.column === column, text);
  }
});

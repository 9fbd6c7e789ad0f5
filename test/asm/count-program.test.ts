// Checks count-program.ts against what it stands in for: for random count trees of numbers,
// numeric label references (labels of two sections, forward references never defined) and the
// operators a built-in padding uses, the program's value is what `smallValue` gives the tree
// `AsmState.bind` makes (NaN where it gives none), the tree it binds evaluates as that tree, and
// the numeric references the editor is told of are the same, in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsmState } from '../../toolchain/asm/state';
import { bindCount, countProgram, smallCount } from '../../toolchain/asm/count-program';
import { smallValue } from '../../toolchain/asm/evaluate';
import { parseWholeExpression, type Expr } from '../../toolchain/asm/expr';
import { PRELUDE_TEXT } from '../../toolchain/asm/prelude';
import { scaled } from '../support/scale';

/** A state with numeric labels 1-3 defined in .text and 4 in .data (three instances each), recording references. */
function state(): AsmState {
  const st = new AsmState('count.s');
  st.recordNumericReferences();
  for (let k = 0; k < 3; k++) {
    for (const n of ['1', '2', '3']) {
      st.emit([0x90, 0x90, 0x90].slice(0, 1 + ((k + Number(n)) % 3)));
      st.defineLabel(n);
    }
    st.section('.data', 0);
    st.emit([0, 0]);
    st.defineLabel('4');
    st.section('.text', 0);
  }
  return st;
}

function references(st: AsmState): string[] {
  const r = st.numericReferences!;
  const out: string[] = [];
  for (let k = 0; k < r.count; k++) out.push(`${r.text(k)}@${r.place(k)}=${r.instance(k).name}`);
  return out;
}

function randomTree(next: () => number, depth: number): string {
  const leaves = ['0', '1', '7', '2147483648', '1b', '2b', '3b', '4b', '1f', '5f', '(2b - 1b)', '(3b - 4b)', '(1f - 2b)', '(2b - 1f)'];
  if (depth === 0 || next() % 4 === 0) return leaves[next() % leaves.length]!;
  const k = next() % 6;
  if (k === 0) return `-(${randomTree(next, depth - 1)})`;
  const op = ['+', '-', '*', '>', '-'][k - 1]!;
  const a = randomTree(next, depth - 1);
  // Equal subtrees, as the padding has them.
  const b = next() % 3 === 0 ? a : randomTree(next, depth - 1);
  return `(${a} ${op} ${b})`;
}

test('a count program evaluates and binds as smallValue and binding do on random trees', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  let numbers = 0;
  // At least 600: the first tree whose value needs two labels' sections told apart comes after 450.
  const trees = scaled(3000, 600);
  for (let i = 0; i < trees; i++) {
    const text = randomTree(next, 5);
    const tree: Expr = parseWholeExpression(text);
    const program = countProgram(tree);
    const a = state();
    const b = state();
    const want = smallValue(a.bind(tree));
    const { tree: bound, small } = bindCount(b, program);
    assert.ok(Object.is(smallCount(small), want), `${text}: ${smallCount(small)} against ${want}`);
    assert.ok(Object.is(smallValue(bound), want), text);
    assert.deepEqual(references(b), references(a), text);
    if (!Number.isNaN(want)) numbers++;
  }
  assert.ok(numbers > trees / 10, `only ${numbers} of ${trees} trees had a value`);
});

test("the built-in paddings' counts are programs of their distinct nodes", () => {
  const counts = [...PRELUDE_TEXT.matchAll(/\.skip (.*), 0x90/g)].map((m) => parseWholeExpression(m[1]!));
  assert.equal(counts.length, 3);
  const size = (e: Expr): number => (e.kind === 'unary' ? 1 + size(e.operand) : e.kind === 'binary' ? 1 + size(e.left) + size(e.right) : 1);
  for (const c of counts) assert.ok(countProgram(c).nodes.length < size(c), 'equal subtrees made one');
});

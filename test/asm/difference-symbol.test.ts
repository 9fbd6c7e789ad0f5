// Checks evaluate.ts's differenceSymbol against the evaluator it stands in for: for every bound
// `a - b` of labels (of one section and of two), undefined, equated and common symbols, `.`
// and @suffixed names, where it gives an answer the evaluator succeeds and its value's `sym`
// is that answer (null for none), and it answers for every difference of two labels or
// undefined symbols (what data directives ask of the kernel's ALTERNATIVE entries).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attrsOf, SymbolTable } from '../../toolchain/asm/symbol-table';
import { bindExpr, differenceSymbol, Evaluator } from '../../toolchain/asm/evaluate';
import { parseWholeExpression } from '../../toolchain/asm/expr';
import type { Frag, SectionState } from '../../toolchain/asm/layout';

function frag(section: string, address: number): Frag {
  return { section: { name: section } as SectionState, address } as Frag;
}

test('differenceSymbol answers as the evaluator does, for every difference of two labels or undefined symbols', () => {
  const symbols = new SymbolTable();
  const text = frag('.text', 0);
  const text2 = { ...text, address: 16 } as Frag;
  const data = frag('.data', 0);
  const label = (name: string, f: Frag, offset: number) => {
    const s = symbols.get(name);
    s.state = 'label';
    s.frag = f;
    s.offset = offset;
  };
  label('t1', text, 4);
  label('t2', text2, 1);
  label('d1', data, 8);
  symbols.get('u1');
  symbols.get('u2');
  const e = symbols.get('e1');
  e.state = 'equated';
  attrsOf(e).equ = { kind: 'number', value: 7n };
  const g = symbols.get('g1');
  g.state = 'equated';
  attrsOf(g).binding = 'global';
  attrsOf(g).equ = { kind: 'symbol', name: 'u1', bound: symbols.get('u1') };
  const c = symbols.get('c1');
  c.state = 'common';
  const here = { dotSymbol: () => symbols.dot(text, 12) };
  const evaluator = new Evaluator(symbols);
  const names = ['t1', 't2', 'd1', 'u1', 'u2', 'e1', 'g1', 'c1', '.', 'u1@GOTOFF'];
  const plain = new Set(['t1', 't2', 'd1', 'u1', 'u2', '.']);
  let answered = 0;
  for (const a of names) {
    for (const b of names) {
      for (const form of [`${a} - ${b}`, `${a} + ${b}`, `(${a}) - ${b} - 0`, a]) {
        const bound = bindExpr(parseWholeExpression(form), symbols, here);
        const d = differenceSymbol(bound);
        if (form === `${a} - ${b}` && plain.has(a) && plain.has(b)) assert.notEqual(d, undefined, form);
        if (d === undefined) continue;
        answered++;
        const v = evaluator.evaluate(bound);
        assert.equal(v.sym ?? null, d, form);
      }
    }
  }
  assert.equal(answered, plain.size * plain.size);
});

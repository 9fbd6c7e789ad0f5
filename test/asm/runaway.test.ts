// Hostile sources the assembler must stop with a message instead of exhausting memory: a
// macro that calls itself twice, fills and padding beyond the bound, more symbols than the
// limit (labels several to a line and references, which the statement count does not bound). Random mutations of
// sources are test/fuzz's (targets asm and cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, MAX_SYMBOLS } from '../../toolchain/asm/assembler';

test('a macro that calls itself twice stops with a message instead of exhausting memory', () => {
  const m = assemble({ file: 'r.s', text: '.macro twice\n twice\n twice\n nop\n.endm\n twice\n' });
  const messages = m.diagnostics.map((d) => d.message);
  assert.ok(messages.length <= 1001);
  assert.ok(messages.some((t) => /nested too deeply|too many/.test(t)), messages.slice(0, 3).join('; '));
});

test('a fill or padding beyond the bound is an error, not a giant allocation', () => {
  const fill = assemble({ file: 'f.s', text: '.fill 0x10000000, 8, 1\n' });
  assert.match(fill.diagnostics.map((d) => d.message).join('\n'), /\.fill size too large/);
  const org = assemble({ file: 'o.s', text: '.text\nnop\n.org 0x7fffffff\n' });
  assert.ok(org.diagnostics.some((d) => d.severity === 'error'), 'a 2 GiB .org is refused');
});

test('more symbols than the limit: one error at the statement that passed it, and the assembly stops', () => {
  assert.ok(MAX_SYMBOLS >= 1_000_000, 'the default leaves room for any real source');
  // 100 statements of 30 labels and 30 references each: 6,000 symbols from 100 statements.
  const line = (i: number): string => `${Array.from({ length: 30 }, (_, k) => `l${i}_${k}:`).join(' ')} .long ${Array.from({ length: 30 }, (_, k) => `u${i}_${k}`).join(',')}\n`;
  const m = assemble({ file: 'many.s', text: Array.from({ length: 100 }, (_, i) => line(i)).join(''), maxSymbols: 1000 });
  assert.deepEqual(m.diagnostics.map((d) => `${d.location.line}: ${d.message}`), ['17: more than 1000 symbols; stopped here']);
  const under = assemble({ file: 'few.s', text: line(0), maxSymbols: 1000 });
  assert.deepEqual(under.diagnostics, []);
});

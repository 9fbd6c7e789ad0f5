// Hostile sources the assembler must stop with a message instead of exhausting memory: a
// macro that calls itself twice, fills and padding beyond the bound. Random mutations of
// sources are test/fuzz's (targets asm and cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../toolchain/asm/assembler';

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

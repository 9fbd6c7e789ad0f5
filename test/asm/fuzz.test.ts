// Hostile sources: mutated copies of a realistic GAS source (code, CFI, macros, .rept/.irp,
// conditionals, alternatives, leb128, .org, .fill) from a fixed seed. Each must come back
// from the preprocessor and the assembler as diagnostics, never an exception, a hang or
// unbounded memory (runaway macros and huge fills are stopped with a message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchSource } from '../../bench/asm-throughput';
import { assemble } from '../../toolchain/asm/assembler';
import { preprocess } from '../../toolchain/asm/cpp/preprocess';
import { scaled } from '../support/scale';

const BASE = benchSource(2500) + `
.macro m a, b=2, c:vararg
 .long \\a, \\b, \\c
.endm
 m 1
 m 1, 3, 4, 5
.rept 3
 nop
.endr
.irp r, eax, ebx
 push %\\r
.endr
.if 1 < 2
 .byte 1
.else
 .byte 2
.endif
ALTERNATIVE_2 "", "movl %esp, %ebp; sysenter", X86_FEATURE_SYSENTER32, "movl %ecx, %ebp; syscall", X86_FEATURE_SYSCALL32
.uleb128 .Ldone1 - f0
.sleb128 -100
.org . + 4
.fill 3, 2, 0x1234
.p2align 4
.cfi_startproc
.cfi_escape 0x10, 0x05
.cfi_endproc
`;
const CHARS = ' ,.()%$:;#"\'\\-+*/<>&|^!~0123456789abcdefxyz\n\t_@[]{}=';

function mutations(seed: number, count: number): string[] {
  let s = seed;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let text = BASE;
    const n = 1 + Math.floor(rnd() * 8);
    for (let j = 0; j < n; j++) {
      const at = Math.floor(rnd() * text.length);
      const r = rnd();
      if (r < 0.4) text = text.slice(0, at) + CHARS[Math.floor(rnd() * CHARS.length)] + text.slice(at);
      else if (r < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 20));
      else {
        const from = Math.floor(rnd() * text.length);
        text = text.slice(0, at) + text.slice(from, from + Math.floor(rnd() * 80)) + text.slice(at);
      }
    }
    out.push(text);
  }
  return out;
}

const MUTANTS = scaled(600, 60);

test(`${MUTANTS} mutated sources: diagnostics, never an exception; each bounded in time`, () => {
  let withErrors = 0;
  let slowest = 0;
  for (const [k, text] of mutations(20151006, MUTANTS).entries()) {
    const t0 = Date.now();
    try {
      const pre = preprocess({ file: 'f.S', text, readFile: () => undefined });
      assemble({ file: 'f.S', text: pre.text });
      const m = assemble({ file: 'f.s', text });
      if (m.diagnostics.some((d) => d.severity === 'error')) withErrors++;
    } catch (e) {
      assert.fail(`case ${k} threw ${(e as Error).stack}`);
    }
    slowest = Math.max(slowest, Date.now() - t0);
  }
  assert.ok(withErrors > MUTANTS / 6, `most mutations are errors (${withErrors})`);
  assert.ok(slowest < 10_000, `slowest case ${slowest} ms`);
});

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

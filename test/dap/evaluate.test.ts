// The debug adapter's evaluate request. C-like expressions over integers against gcc: a
// few hundred random expressions (every operator, casts, parentheses) evaluated by the
// adapter and by a C program gcc compiles, in 32-bit unsigned arithmetic. Over a stopped
// gcc -m32 program: registers in each spelling, memory through casts against readMemory,
// pt_regs fields against the pt_regs scope, gdb's x/NFU against gdb reading the same
// program file, errors for Watch and hover that do not pop up (showUser false), and hostile
// input answered with one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { buildC, run, scratch } from '../support/oracles';
import { scaled } from '../support/scale';
import { builtOnce, hex, launch, rawRequest, readMemory, registers, startClient, until } from './dap-helpers';

/** A deterministic generator (the same expressions every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/** A random expression in the adapter's syntax and the same in C over uint32_t. */
function generate(next: () => number, depth: number): { ours: string; c: string } {
  const pick = (n: number): number => next() % n;
  if (depth === 0 || pick(4) === 0) {
    const v = pick(3) === 0 ? next() : pick(3) === 0 ? pick(40) : pick(1000);
    const text = pick(2) ? hex(v) : String(v);
    return { ours: text, c: `((u32)${v}u)` };
  }
  const kind = pick(10);
  if (kind < 2) {
    const a = generate(next, depth - 1);
    const u = ['-', '~', '!', '(u8)', '(u16)', '(u32)'][pick(6)]!;
    const c = u === '!' ? `((u32)!${a.c})` : u.startsWith('(') ? `((u32)${u}${a.c})` : `((u32)(${u}${a.c}))`;
    return { ours: `${u}(${a.ours})`, c };
  }
  const a = generate(next, depth - 1);
  const b = generate(next, depth - 1);
  const op = ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '<', '<=', '>', '>=', '==', '!=', '&&', '||'][pick(18)]!;
  if (op === '<<' || op === '>>') {
    const n = pick(32);
    return { ours: `(${a.ours}) ${op} ${n}`, c: `((u32)(${a.c} ${op} ${n}))` };
  }
  if (op === '/' || op === '%') return { ours: `(${a.ours}) ${op} ((${b.ours}) | 1)`, c: `((u32)(${a.c} ${op} (${b.c} | 1u)))` };
  return { ours: `(${a.ours}) ${op} (${b.ours})`, c: `((u32)(${a.c} ${op} ${b.c}))` };
}

/** A chain of constants and operators without parentheses: C's precedence decides (values stay unsigned or 0/1). */
function chain(next: () => number): { ours: string; c: string } {
  const ops = ['+', '*', '&', '|', '^', '<', '<=', '>', '>=', '==', '!=', '&&', '||'];
  let ours = '';
  let c = '';
  for (let k = 0, n = 2 + (next() % 5); k < n; k++) {
    const v = next() % 3 === 0 ? next() : next() % 50;
    if (k > 0) {
      const op = ops[next() % ops.length]!;
      ours += ` ${op} `;
      c += ` ${op} `;
    }
    ours += String(v);
    c += `((u32)${v}u)`;
  }
  return { ours, c };
}

async function evaluate(client: DebugClient, expression: string, context = 'repl'): Promise<string> {
  const r = await client.evaluateRequest({ expression, context, frameId: 0 });
  return r.body.result;
}

test('evaluate: C expressions over integers equal what gcc computes', async () => {
  const next = lcg(9);
  const cases = [...Array.from({ length: scaled(300, 30) }, () => generate(next, 4)), ...Array.from({ length: scaled(150, 15) }, () => chain(next))];
  const dir = scratch();
  const src = join(dir, 'exprs.c');
  writeFileSync(src, `#include <stdio.h>\n#include <stdint.h>\ntypedef uint8_t u8; typedef uint16_t u16; typedef uint32_t u32;\nint main(void) {\n${cases.map((c) => `  printf("%u\\n", (u32)(${c.c}));`).join('\n')}\n  return 0;\n}\n`);
  run('gcc', ['-w', src, '-o', join(dir, 'exprs')]);
  const expected = run(join(dir, 'exprs'), []).trim().split('\n').map(Number);
  const program = builtOnce('tiny', 'int main(void) { return 0; }\n', ['-static']);
  const { client } = await startClient();
  try {
    await launch(client, { program, stopOnEntry: true });
    for (let k = 0; k < cases.length; k++) {
      assert.equal(Number(await evaluate(client, cases[k]!.ours)), expected[k], cases[k]!.ours);
    }
  } finally {
    await client.stop();
  }
});

const SOURCE = `
#include <unistd.h>
const char greeting[] = "hello, vDSO";
unsigned table[4] = { 0x11223344, 0xdeadbeef, 7, 0xffffffff };
int main(void) {
  write(1, greeting, 5);
  return table[2];
}
`;

test('evaluate over a stopped program: registers, memory casts, pt_regs, x/NFU as gdb prints it, quiet errors, hostile input', async () => {
  const program = buildC('guest', SOURCE, ['-static', '-O1', '-fno-pie', '-no-pie']);
  const { client } = await startClient();
  try {
    await launch(client, { program, stopOnEntry: true });
    await client.setExceptionBreakpointsRequest({ filters: ['syscall'], filterOptions: [{ filterId: 'syscall', condition: 'write' }] });
    await until(client, () => client.continueRequest({ threadId: 1 }));
    const regs = await registers(client);
    for (const spelling of ['$eax', 'eax', '%eax']) assert.equal(Number(await evaluate(client, spelling)), regs.eax, spelling);
    assert.equal(Number(await evaluate(client, '$eax+4')), (regs.eax! + 4) >>> 0);
    assert.equal(Number(await evaluate(client, '$ax')), regs.eax! & 0xffff);
    assert.equal(Number(await evaluate(client, '%ah')), (regs.eax! >>> 8) & 0xff);
    assert.equal(Number(await evaluate(client, '$pc')), regs.eip);
    assert.equal(Number(await evaluate(client, '$esp % 16')), regs.esp! % 16, '% after an operand is the operator');
    const stackWords = await readMemory(client, regs.esp!, 8);
    assert.equal(Number(await evaluate(client, '*(int*)$esp')), stackWords.readUInt32LE(0));
    assert.equal(Number(await evaluate(client, '*(u32*)($esp + 4)')), stackWords.readUInt32LE(4));
    assert.equal(Number(await evaluate(client, '*(u8*)($esp+1)')), stackWords[1]);
    assert.equal(Number(await evaluate(client, '*(u16*)$esp + 1')), stackWords.readUInt16LE(0) + 1);
    assert.equal(Number(await evaluate(client, '*((u16*)$esp + 1)')), stackWords.readUInt16LE(2), 'pointer arithmetic moves by the pointee size');
    // pt_regs of the write just made, against the pt_regs scope.
    const scopes = await client.scopesRequest({ frameId: 0 });
    const pt = new Map((await client.variablesRequest({ variablesReference: scopes.body.scopes.find((s) => s.name === 'pt_regs')!.variablesReference })).body.variables.map((v) => [v.name, Number(v.value)]));
    assert.equal(Number(await evaluate(client, 'pt_regs.orig_ax')), pt.get('orig_ax'));
    assert.equal(Number(await evaluate(client, 'regs->dx')), 5);
    assert.equal(Number(await evaluate(client, 'pt_regs.orig_ax == 4')), 1);
    // x/NFU against gdb reading the program file (the static program's data is where the file puts it).
    // One gdb for all of them, each command's output after a marker line; gdb's x remembers the
    // last format, so a command without one comes first, where a fresh gdb's default holds.
    const commands = ['x/4xw &table', 'x/8xb &table', 'x/3dw &table', 'x/2xg &table', 'x/s &greeting', 'x/4uh &table', 'x/2c &greeting', 'x/2tb &table', 'x/2ow &table', 'x &table'];
    const asked = [...commands].sort((a, b) => Number(a.includes('/')) - Number(b.includes('/')));
    const MARK = '--- vdso-lab: next command ---';
    const answers = run('gdb', ['-nx', '-batch', ...asked.flatMap((cmd) => ['-ex', `echo ${MARK}\\n`, '-ex', cmd]), program]).split(`${MARK}\n`).slice(1);
    assert.equal(answers.length, asked.length, 'gdb answered each command');
    const gdbSays = new Map(asked.map((cmd, k) => [cmd, answers[k]!.trim()]));
    for (const cmd of commands) {
      const gdb = gdbSays.get(cmd)!;
      assert.equal((await evaluate(client, cmd)).replace(/\s+/g, ' '), gdb.replace(/\s+/g, ' '), cmd);
    }
    // Watch and hover failures answer an error that does not pop up.
    for (const context of ['watch', 'hover', 'repl']) {
      const r = await rawRequest(client, 'evaluate', { expression: 'no_such_symbol + 1', context, frameId: 0 });
      assert.equal(r.success, false);
      assert.match(r.message ?? '', /no register or symbol 'no_such_symbol'/);
      const body = r.body as { error?: { showUser?: boolean } } | undefined;
      assert.equal(body?.error?.showUser, false, context);
    }
    // Hostile input: deep nesting, long input, garbage: one line each, and the adapter still answers.
    for (const expression of ['('.repeat(100_000) + '1' + ')'.repeat(100_000), '-'.repeat(3000) + '1', '~!'.repeat(1500) + '1', '1 +', '1 / 0', '*(u8*)0', 'x/5000x $esp', '(((1)', '\u0000', '0x1ffffffff']) {
      const r = await rawRequest(client, 'evaluate', { expression, context: 'watch', frameId: 0 });
      if (r.success) continue;
      assert.equal((r.message ?? '').split('\n').length, 1, expression.slice(0, 20));
    }
    assert.equal(Number(await evaluate(client, '-'.repeat(3000) + '1')), 1, 'an even number of negations');
    assert.equal(Number(await evaluate(client, '((((((((((7))))))))))')), 7);
  } finally {
    await client.stop();
  }
});

// Three-byte opcodes (0f 38 xx, 0f 3a xx) and the MMX/SSE opcodes of the 0f map, under every
// prefix objdump reads as a mandatory one (none, 66, f2, f3), where objdump finds them
// undefined (for that prefix, or register or memory operand): `vdso-lab disasm` prints
// what `objdump -d` prints, line for line: `(bad)` after the opcode bytes alone (no modrm is
// read), with the prefixes named (`repnz (bad)` for f2 0f 38 ff), and the bytes after it
// decoded as the next instruction. Each case is its own symbol, so that both tools start
// afresh at it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { run, scratch } from '../support/oracles';

test('undefined 0f 38 / 0f 3a opcodes and undefined forms of the 0f-map SSE opcodes under every prefix: the listing objdump -d gives', async () => {
  const dir = scratch('vdso-lab-undefined-opcodes-');
  const lines = ['\t.text'];
  let n = 0;
  // Each opcode byte once per prefix: which are defined is objdump's to say; the listing must agree either way.
  for (const prefix of [[], [0x66], [0xf2], [0xf3]]) {
    for (const escape of [0x38, 0x3a]) {
      for (let op = 0; op < 256; op++) {
        lines.push(`f${n++}:`, `\t.byte ${[...prefix, 0x0f, escape, op, 0xc1, 0x05].join(',')}`, `\t.fill 8, 1, 0x90`);
      }
    }
    // The MMX/SSE/SSE2/SSE3 opcodes of the 0f map (not the groups 0f 71-73, whose forms differ by modrm.reg), register and memory forms.
    const sse = [[0x10, 0x17], [0x28, 0x2f], [0x50, 0x70], [0x74, 0x7f], [0xb8, 0xb8], [0xc2, 0xc6], [0xd0, 0xff]];
    for (const [from, to] of sse) {
      for (let op = from!; op <= to!; op++) {
        for (const modrm of [0xc1, 0x01]) lines.push(`f${n++}:`, `\t.byte ${[...prefix, 0x0f, op, modrm].join(',')}`, `\t.fill 8, 1, 0x90`);
      }
    }
  }
  const src = join(dir, 'undefined.s');
  const obj = join(dir, 'undefined.o');
  writeFileSync(src, `${lines.join('\n')}\n`);
  run('as', ['--32', src, '-o', obj]);
  const gnu = run('objdump', ['-d', obj]);
  assert.match(gnu, /\tf2 0f 38 ff {10}\trepnz \(bad\)\n/);
  const out: string[] = [];
  const status = await runCli(['disasm', obj], { cwd: dir, out: (t) => out.push(t), err: (t) => out.push(t) });
  assert.equal(status, 0);
  // Each symbol's block, keyed by its name, only for the opcodes objdump finds undefined (the defined ones are SSE, not in the table yet).
  const blocks = (text: string): Map<string, string> =>
    new Map(text.split('\n\n').flatMap((b) => {
      const m = /^[0-9a-f]+ <(f\d+)>:\n/.exec(b.trim() + '\n');
      return m ? [[m[1]!, b.trim()] as [string, string]] : [];
    }));
  const want = blocks(gnu);
  const got = blocks(out.join(''));
  const undefinedOnes = [...want].filter(([, b]) => /^\s+[0-9a-f]+:\t[^\n]*\t(?:(?:data16|repz|repnz) )?\(bad\)$/m.test(b.split('\n')[1] ?? ''));
  assert.ok(undefinedOnes.length > 1500, `${undefinedOnes.length} undefined cases`);
  const differ = undefinedOnes.filter(([name, b]) => got.get(name) !== b).map(([name, b]) => `${b}\n  ours:\n${got.get(name)}`);
  assert.deepEqual(differ.slice(0, 5), [], `${differ.length} of ${undefinedOnes.length} differ`);
});

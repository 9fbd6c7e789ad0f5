// An instruction fact's op and stack effect (language-server/instructions.ts) come from a
// table by the instruction's bytes when the same bytes were met before, and its decoded form
// is made when first read: each fact's op, stack effect and decoded form must be what
// decoding its bytes at its offset gives. On the bench's generator, kernel-style stubs,
// vdso/'s designs and the asm fuzz corpus, each analysed twice (the second analysis's facts
// all come from the table), through every fact and through the per-procedure ranges the CFI
// findings read. Likewise a run of code decoded whole (an ALTERNATIVE site's original or
// replacement), which short runs take from a table by their bytes: random runs of real
// instructions' bytes, cut anywhere, each met several times at different places of a buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, diskFileSource } from '../../language-server/analysis';
import { decodeCode, instructionFacts, instructionsIn, stackEffect, type InstructionFact } from '../../language-server/instructions';
import { DecodeStatus, type Instruction } from '../../toolchain/isa/instruction';
import { prng } from '../support/prng';
import { scaled } from '../support/scale';
import { decode } from '../../toolchain/isa/decoder';
import { kernelStyleSource } from '../../bench/lsp-latency';
import { HEADER, kernelStyle } from './kernel-style';
import { scratch } from '../support/oracles';

const BENCH_HEADER = '#ifndef BENCH_H\n#define BENCH_H\n#include "vdso-lab.h"\n#define BENCH_ENTRY(name) VDSO_FUNCTION(name)\n#endif\n';

function check(f: InstructionFact, what: string): void {
  const fresh = decode(f.bytes, 0, f.offset, f.bytes.length);
  assert.equal(f.op, fresh.op, `${what}: op at ${f.section}+${f.offset}`);
  assert.deepEqual(f.stack, stackEffect(fresh), `${what}: stack effect at ${f.section}+${f.offset}`);
  assert.deepEqual(f.insn, fresh, `${what}: decoded at ${f.section}+${f.offset}`);
}

test('each instruction fact has the op, stack effect and decoded form of its own bytes', () => {
  const dir = scratch('vdso-lab-facts-');
  try {
    writeFileSync(join(dir, 'bench.h'), BENCH_HEADER);
    writeFileSync(join(dir, 't.h'), HEADER);
    // Instructions that share their first bytes and differ in what they do to %esp.
    const esp = ['subl $4, %esp', 'subl $8, %esp', 'addl $12, %esp', 'addl $-4, %esp', 'subl $0x1000, %esp', 'subl $0x2000, %esp', 'leal 4(%esp), %esp', 'leal -8(%esp), %esp',
      'leal 4(%esp,%eax), %esp', 'ret $4', 'ret $8', 'ret', 'movl %eax, %esp', 'movl %esp, %eax', 'popl %esp', 'popl %eax', 'xchgl %eax, %esp', 'xchgl %eax, %ebx', 'incl %esp', 'incl %eax'];
    const stack = ['\t.text', 'f:', ...esp.map((i) => `\t${i}`), ...[...esp].reverse().map((i) => `\t${i}`)].join('\n') + '\n';
    // [path, text]: the generated sources written beside their headers, the others read where they are.
    const subjects: Array<[string, string]> = [[join(dir, 'bench.S'), kernelStyleSource(40)], [join(dir, 'entry.S'), kernelStyle(30).join('\n')], [join(dir, 'stack.S'), stack]];
    for (const [path, text] of subjects) writeFileSync(path, text);
    for (const d of ['vdso', 'test/fuzz/corpus/asm']) {
      for (const name of readdirSync(resolve(d))) if (/\.[sS]$/.test(name)) subjects.push([join(resolve(d), name), readFileSync(join(resolve(d), name), 'utf8')]);
    }
    const files = diskFileSource(() => undefined);
    let facts = 0;
    const ops = new Set<number>();
    for (let round = 0; round < 2; round++) {
      for (const [path, text] of subjects) {
        const name = path.slice(path.lastIndexOf('/') + 1);
        const a = analyze({ uri: pathToFileURL(path).href, version: 1, getText: () => text }, {}, files);
        // The CFI findings' way in: a range of a section, its facts not kept.
        for (const s of a.module.sections) for (const f of instructionsIn(a, s.name, 0, s.bytes.length + 1, false)) check(f, `${name} (range, round ${round})`);
        for (const f of instructionFacts(a)) {
          check(f, `${name} (round ${round})`);
          ops.add(f.op);
          facts++;
        }
      }
    }
    assert.ok(facts > 1000 && ops.size > 20, `the sources have instructions of many kinds (${facts}, ${ops.size} ops)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run of code decodes to what decoding it instruction by instruction gives, met once or again', () => {
  const pool = [[0x51], [0x5d], [0x89, 0xe5], [0x89, 0xcd], [0x0f, 0x34], [0x0f, 0x05], [0xcd, 0x80], [0xc3], [0xc2, 0x04, 0x00], [0x83, 0xec, 0x04], [0x83, 0xc4, 0x08],
    [0x8d, 0x64, 0x24, 0x04], [0xe8, 0x00, 0x00, 0x00, 0x00], [0xeb, 0xfe], [0x74, 0x02], [0x90], [0x0f, 0x1f, 0x40, 0x00], [0x66, 0x90], [0xf3, 0xc3], [0x5c], [0xc9], [0x0f]];
  const rnd = prng(41);
  const pick = (n: number): number => Math.floor(rnd() * n);
  function reference(code: Uint8Array): { instructions: Instruction[]; undecodableAt: number | undefined } {
    const instructions: Instruction[] = [];
    for (let at = 0; at < code.length; ) {
      const i = decode(code, at, at, code.length);
      if (i.status !== DecodeStatus.Ok) return { instructions, undecodableAt: at };
      instructions.push(i);
      at += i.length;
    }
    return { instructions, undecodableAt: undefined };
  }
  const runs: number[][] = [];
  for (let n = 0, count = scaled(400, 40); n < count; n++) {
    const bytes: number[] = [];
    for (let k = pick(4); k > 0; k--) bytes.push(...pool[pick(pool.length)]!);
    runs.push(bytes.slice(0, pick(bytes.length + 1)));
  }
  for (let round = 0; round < 3; round++) {
    for (const bytes of runs) {
      const at = pick(5);
      const buffer = new Uint8Array(at + bytes.length + 3).fill(0x90);
      buffer.set(bytes, at);
      const code = buffer.subarray(at, at + bytes.length);
      assert.deepEqual(decodeCode(code), reference(Uint8Array.from(bytes)), `[${bytes.map((b) => b.toString(16)).join(' ')}] round ${round}`);
    }
  }
});

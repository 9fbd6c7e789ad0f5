// Checks runEach (run-tool.ts): readelf, objdump and nm runs that differ only in their file, made one
// run over all the files, give each caller what its own run prints, byte for byte; a file that
// fails gives its caller its own error while the others keep their outputs; and the runs of
// other tools keep their places.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assemble, run, scratch } from './oracles';
import { runEach, runOverFiles, type ToolRun } from './run-tool';

const dir = scratch('vdso-lab-run-tool-');
const files = [
  assemble('one', '.text\n.globl f\nf: movl $1, %eax\n\tret\n.data\n.long 7\n', dir),
  assemble('two', '.text\n.globl g\ng: nop\n\tnop\n\tret\n.section .rodata\n.asciz "two"\n', dir),
  'three.o',
];
assemble('three', '.text\nh: int $0x80\n\t.cfi_startproc\n\tret\n\t.cfi_endproc\n', dir);

test('readelf, objdump and nm over several files: each file\'s output is its own run\'s, byte for byte', () => {
  const readings: ToolRun[] = [
    ...files.map((file) => ({ tool: 'readelf', args: ['-W', '-x', '.text', '-x', '.data', file], cwd: dir })),
    ...files.map((file) => ({ tool: 'objdump', args: ['-d', '-w', file], cwd: dir })),
    { tool: 'readelf', args: ['-sW', files[1]!], cwd: dir },
    ...files.map((file) => ({ tool: 'readelf', args: ['--debug-dump=frames', file], cwd: dir })),
    ...files.map((file) => ({ tool: 'nm', args: [file], cwd: dir })),
  ];
  const outputs = runEach(readings);
  const alone = readings.map((r) => run(r.tool, r.args, { cwd: dir }));
  readings.forEach((r, k) => assert.equal(outputs[k]!(), alone[k], `${r.tool} ${r.args.join(' ')}`));
  // Every reading printed something but the frames of the two files without CFI.
  assert.deepEqual(alone.map((text) => text.length > 0), [...new Array<boolean>(7).fill(true), false, false, true, true, true, true]);
});

test('a file that fails gives its own error; the files beside it keep their outputs', () => {
  const readings = [files[0]!, 'missing.o', files[1]!].map((file) => ({ tool: 'readelf', args: ['-h', file], cwd: dir }));
  const [first, missing, last] = runEach(readings);
  assert.equal(first!(), run('readelf', ['-h', files[0]!]));
  assert.throws(() => missing!(), (e: unknown) => e instanceof Error && /^readelf -h missing\.o failed \(1\): .*'missing\.o'/.test(e.message));
  assert.equal(last!(), run('readelf', ['-h', files[1]!]));
});

test('the runs of other tools keep their places between the ones made one', () => {
  const out = join(dir, 'one.bin');
  const [hex, copy, dump] = runEach([
    { tool: 'readelf', args: ['-x', '.text', files[0]!], cwd: dir },
    { tool: 'objcopy', args: ['-O', 'binary', '--only-section=.text', files[0]!, out], cwd: dir },
    { tool: 'readelf', args: ['-x', '.text', files[1]!], cwd: dir },
  ]);
  assert.equal(copy!(), '');
  assert.equal(hex!(), run('readelf', ['-x', '.text', files[0]!]));
  assert.equal(dump!(), run('readelf', ['-x', '.text', files[1]!]));
  assert.deepEqual([...run('od', ['-An', '-tx1', out]).matchAll(/[0-9a-f]{2}/g)].map((m) => m[0]).join(''), 'b801000000c3');
});

test('one run, or one run over every file, gives what the tool prints; a missing tool says what to install', () => {
  const [alone] = runEach([{ tool: 'readelf', args: ['-h', files[0]!], cwd: dir }]);
  assert.equal(alone!(), run('readelf', ['-h', files[0]!]));
  assert.deepEqual(runOverFiles('objdump', ['-h'], files, dir), files.map((file) => run('objdump', ['-h', file], { cwd: dir })));
  const [missing] = runEach([{ tool: 'vdso-lab-no-such-tool', args: ['x'], cwd: dir }]);
  assert.throws(() => missing!(), /oracle 'vdso-lab-no-such-tool' is not installed: \.ci\/run must install it/);
});

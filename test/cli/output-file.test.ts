// Every file a command writes goes through cli/output-file.ts: a device node, a FIFO and a
// symlink given to -o survive it (written into, not replaced), and a symlink planted under
// a temporary name is never followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { writeOutputFile } from '../../cli/output-file';
import { scratch } from '../support/oracles';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { cwd, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

function setup(): string {
  const dir = scratch('vdso-lab-outfile-');
  writeFileSync(join(dir, 'a.S'), '.text\nnop\n');
  return dir;
}

const ELF = [0x7f, 0x45, 0x4c, 0x46];

test('asm -o through a symlink writes its target and keeps the symlink', async () => {
  const dir = setup();
  writeFileSync(join(dir, 'real.o'), 'old');
  symlinkSync('real.o', join(dir, 'link.o'));
  const t = io(dir);
  assert.equal(await runCli(['asm', 'a.S', '-o', 'link.o'], t.io), 0, t.err.join(''));
  assert.ok(lstatSync(join(dir, 'link.o')).isSymbolicLink());
  assert.equal(readlinkSync(join(dir, 'link.o')), 'real.o');
  assert.deepEqual([...readFileSync(join(dir, 'real.o')).subarray(0, 4)], ELF);
  assert.deepEqual(readdirSync(dir).sort(), ['a.S', 'link.o', 'real.o']);
});

test('asm -o a character device writes into it and leaves the node in place', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('mknod needs root');
  const dir = setup();
  const made = spawnSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
  if (made.status !== 0) return t.skip(`mknod: ${made.stderr}`);
  const c = io(dir);
  assert.equal(await runCli(['asm', 'a.S', '-o', 'null'], c.io), 0, c.err.join(''));
  const st = lstatSync(join(dir, 'null'));
  assert.ok(st.isCharacterDevice(), 'still the device node');
  assert.deepEqual(readdirSync(dir).sort(), ['a.S', 'null']);
});

test('asm -o a FIFO writes the object to its reader and keeps the FIFO', async () => {
  const dir = setup();
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  reader.stdout.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise((r) => reader.on('close', r));
  const c = io(dir);
  assert.equal(await runCli(['asm', 'a.S', '-o', 'pipe'], c.io), 0, c.err.join(''));
  await done;
  assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  const got = Buffer.concat(chunks);
  assert.deepEqual([...got.subarray(0, 4)], ELF);
  assert.ok(got.length > 100);
});

test('a symlink planted under the temporary name is not followed', async () => {
  const dir = setup();
  writeFileSync(join(dir, 'victim'), 'precious');
  // The name asm used to take (it was predictable from the process id).
  symlinkSync(join(dir, 'victim'), join(dir, `.out.o.${process.pid}.tmp`));
  const c = io(dir);
  assert.equal(await runCli(['asm', 'a.S', '-o', 'out.o'], c.io), 0, c.err.join(''));
  assert.equal(readFileSync(join(dir, 'victim'), 'utf8'), 'precious');
  assert.deepEqual([...readFileSync(join(dir, 'out.o')).subarray(0, 4)], ELF);
  // A collision with the random name itself: the next name is taken, the link untouched.
  const names = ['planted', 'fresh'];
  symlinkSync(join(dir, 'victim'), join(dir, '.second.o.planted.tmp'));
  writeOutputFile(join(dir, 'second.o'), 'second.o', new Uint8Array([1, 2, 3]), { randomName: () => names.shift()! });
  assert.equal(readFileSync(join(dir, 'victim'), 'utf8'), 'precious');
  assert.deepEqual([...readFileSync(join(dir, 'second.o'))], [1, 2, 3]);
  assert.ok(lstatSync(join(dir, '.second.o.planted.tmp')).isSymbolicLink());
  assert.equal(readdirSync(dir).filter((n) => n.includes('fresh')).length, 0, 'the temporary file was renamed away');
});

test('an output in a missing folder is a one-line error and leaves nothing behind', async () => {
  const dir = setup();
  const c = io(dir);
  assert.equal(await runCli(['asm', 'a.S', '-o', 'no/such/out.o'], c.io), 2);
  assert.match(c.err.join(''), /^vdso-lab asm: no\/such\/out\.o: cannot write the output: .*ENOENT\n$/);
});

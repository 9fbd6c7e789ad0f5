// `vdso-lab capture-host`: on this host (no i386 execution) one line and status 2; through
// --runner, the running-kernel path end to end (qemu-i386 alone, and the harness that gives
// the program a real vDSO); --kernel-image; and FILE never half-written or clobbered on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { hostRunsI386, run, scratch } from '../support/oracles';
import { cachedKernelImage, realVdso } from '../support/real-vdso';
import { harness } from './harness';

function memoryIo(cwd = process.cwd()) {
  const io = { stdout: '', stderr: '', cwd, out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

function assertOneLineFailure(io: ReturnType<typeof memoryIo>, status: number, pattern: RegExp): void {
  assert.equal(status, 2, io.stderr);
  assert.equal(io.stdout, '');
  assert.equal(io.stderr.split('\n').length, 2, `exactly one line: ${JSON.stringify(io.stderr)}`);
  assert.match(io.stderr, /^vdso-lab capture-host: /);
  assert.match(io.stderr, pattern);
}

/** A script usable as --runner: runs `body` with the capture program as $1. */
function runnerScript(body: string): string {
  const path = join(scratch(), 'runner');
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

test('without -o it is a usage error', async () => {
  const io = memoryIo();
  assertOneLineFailure(io, await runCli(['capture-host'], io), /missing -o FILE/);
});

test('on this host it captures the running vDSO where i386 programs run, and otherwise says so in one line and exits 2', async () => {
  const dir = scratch();
  const io = memoryIo(dir);
  const status = await runCli(['capture-host', '-o', 'vdso32.so'], io);
  if (hostRunsI386()) {
    assert.equal(status, 0, io.stderr);
    const symbols = run('readelf', ['--dyn-syms', '-W', join(dir, 'vdso32.so')]);
    assert.match(symbols, /__kernel_vsyscall@@LINUX_2\.5/);
  } else {
    assertOneLineFailure(io, status, /cannot run i386 programs \(execve: Exec format error.*--kernel-image VMLINUZ/);
    assert.deepEqual(readdirSync(dir), []);
  }
});

test('under qemu-i386 (which maps no vDSO for i386 guests) it reports the missing AT_SYSINFO_EHDR and keeps an existing FILE', async () => {
  const dir = scratch();
  writeFileSync(join(dir, 'vdso32.so'), 'previous contents');
  const io = memoryIo(dir);
  assertOneLineFailure(io, await runCli(['capture-host', '-o', 'vdso32.so', '--runner', 'qemu-i386'], io), /no AT_SYSINFO_EHDR/);
  assert.equal(readFileSync(join(dir, 'vdso32.so'), 'utf8'), 'previous contents');
  assert.deepEqual(readdirSync(dir), ['vdso32.so']);
});

test('given a real vDSO through AT_SYSINFO_EHDR (the qemu-i386 harness) it writes exactly that image', async () => {
  const h = harness();
  const vdso = realVdso();
  const runner = runnerScript(`exec qemu-i386 '${h.harness}' "$1" '${vdso.path}' ok`);
  const dir = scratch();
  const io = memoryIo(dir);
  assert.equal(await runCli(['capture-host', '-o', 'vdso32.so', '--runner', runner, '--json'], io), 0, io.stderr);
  assert.equal(Buffer.compare(readFileSync(join(dir, 'vdso32.so')), Buffer.from(vdso.bytes)), 0);
  const json = JSON.parse(io.stdout) as Record<string, unknown>;
  assert.equal(json.source, 'running-kernel');
  assert.equal(json.size, vdso.bytes.length);
  assert.deepEqual(readdirSync(dir), ['vdso32.so'], 'no temporary file left');
});

test('output that is not an i386 vDSO is refused and FILE is not written', async () => {
  const dir = scratch();
  const cases: [string, RegExp][] = [
    ['cat /etc/hostname', /running kernel \[vdso\]: offset 0x0: (no ELF magic|only \d+ bytes)/],
    [`head -c 6000 '${realVdso().path}'`, /running kernel \[vdso\]: offset 0x0: image of 0x1940 bytes runs past the end of the data/],
    [`cat '${realVdso().path}'; echo trailing`, /running kernel \[vdso\]: offset 0x1940: 9 bytes beyond the 6464-byte image/],
    ['exit 3', /no AT_SYSINFO_EHDR/],
    ['kill -SEGV $$', /killed by SIGSEGV/],
  ];
  for (const [body, pattern] of cases) {
    const io = memoryIo(dir);
    assertOneLineFailure(io, await runCli(['capture-host', '-o', 'out.so', '--runner', runnerScript(body)], io), pattern);
    assert.deepEqual(readdirSync(dir), [], body);
  }
});

test('--kernel-image extracts from the Debian vmlinuz; a corrupt image fails in one line and leaves no FILE', async () => {
  const kernel = cachedKernelImage();
  const dir = scratch();
  const io = memoryIo(dir);
  assert.equal(await runCli(['capture-host', '-o', 'vdso32.so', '--kernel-image', kernel.path], io), 0, io.stderr);
  assert.equal(Buffer.compare(readFileSync(join(dir, 'vdso32.so')), Buffer.from(realVdso().bytes)), 0);
  assert.match(io.stdout, new RegExp(`^wrote vdso32.so: 6464-byte i386 vDSO from .*\\(${kernel.version}\\)\\n$`));
  const half = join(dir, 'half-vmlinuz');
  writeFileSync(half, readFileSync(kernel.path).subarray(0, 1 << 20));
  const bad = memoryIo(dir);
  assertOneLineFailure(bad, await runCli(['capture-host', '-o', 'other.so', '--kernel-image', 'half-vmlinuz'], bad), /half-vmlinuz: offset 0x248: payload .*truncated/);
  const missing = memoryIo(dir);
  assertOneLineFailure(missing, await runCli(['capture-host', '-o', 'other.so', '--kernel-image', 'nope'], missing), /nope: no such file/);
  assert.ok(!existsSync(join(dir, 'other.so')));
  assert.deepEqual(readdirSync(dir).sort(), ['half-vmlinuz', 'vdso32.so']);
});

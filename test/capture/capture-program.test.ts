// The i386 capture program and the x86-64 launcher: their bytes against objdump, their
// executables against readelf, and the capture program's behaviour under qemu-i386 with
// real and doctored aux vectors and vDSO images (see harness.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostRunsI386, run, scratch } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { CAPTURE_EXIT, captureCode, captureExecutable } from '../../toolchain/capture/capture-program';
import { launcherCode, launcherExecutable } from '../../toolchain/capture/exec-launcher';
import type { MachineCode } from '../../toolchain/capture/machine-code';
import { harness, runUnderHarness } from './harness';

/** objdump's disassembly of raw bytes as [offset, hex bytes, AT&T text] rows. */
function objdumpRows(code: Uint8Array, machine: string): { offset: number; bytes: string; att: string }[] {
  const file = join(scratch(), 'code.bin');
  writeFileSync(file, code);
  const rows = [];
  for (const line of run('objdump', ['-D', '-b', 'binary', '-m', machine, file]).split('\n')) {
    const m = /^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(line);
    if (m) rows.push({ offset: parseInt(m[1]!, 16), bytes: m[2]!.trim(), att: m[3]!.replace(/\s+/g, ' ').trim() });
  }
  return rows;
}

function assertListingMatchesObjdump(m: MachineCode, machine: string): void {
  const rows = objdumpRows(m.code, machine);
  assert.equal(rows.length, m.listing.length, 'objdump sees as many instructions as the listing has');
  m.listing.forEach((ins, k) => {
    const row = rows[k]!;
    assert.equal(row.offset, ins.offset, `instruction ${k} offset`);
    assert.equal(row.bytes, Array.from(ins.bytes, (b) => b.toString(16).padStart(2, '0')).join(' '), `instruction ${k} bytes`);
    assert.equal(row.att, ins.att, `instruction ${k} at 0x${ins.offset.toString(16)} (${ins.why})`);
  });
}

test('every capture-program instruction disassembles (objdump -m i386) to the text written beside it', () => {
  const m = captureCode();
  assert.ok(m.listing.length > 60);
  assertListingMatchesObjdump(m, 'i386');
});

test('every launcher instruction disassembles (objdump -m i386:x86-64) to the text written beside it', () => {
  assertListingMatchesObjdump(launcherCode(), 'i386:x86-64');
});

function readelfChecked(file: string): string {
  const r = spawnSync('readelf', ['-h', '-l', '-W', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'readelf prints no warnings');
  return r.stdout;
}

test('readelf reads the capture executable as an i386 ET_EXEC with one R E PT_LOAD and the entry at the code', () => {
  const file = join(scratch(), 'capture');
  const bytes = captureExecutable();
  writeFileSync(file, bytes);
  const out = readelfChecked(file);
  assert.match(out, /Class:\s+ELF32/);
  assert.match(out, /Type:\s+EXEC \(Executable file\)/);
  assert.match(out, /Machine:\s+Intel 80386/);
  assert.match(out, /Entry point address:\s+0x8048054/);
  assert.match(out, /Number of program headers:\s+1\b/);
  const size = '0x' + bytes.length.toString(16).padStart(5, '0');
  assert.match(out, new RegExp(`LOAD\\s+0x000000 0x08048000 0x08048000 ${size} ${size} R E 0x1000`));
});

test('readelf reads the launcher as an x86-64 ET_EXEC with one R E PT_LOAD', () => {
  const file = join(scratch(), 'launch');
  const bytes = launcherExecutable();
  writeFileSync(file, bytes);
  const out = readelfChecked(file);
  assert.match(out, /Class:\s+ELF64/);
  assert.match(out, /Machine:\s+Advanced Micro Devices X86-64/);
  assert.match(out, /Entry point address:\s+0x400078/);
  const size = '0x' + bytes.length.toString(16).padStart(6, '0');
  assert.match(out, new RegExp(`LOAD\\s+0x000000 0x0000000000400000 0x0000000000400000 ${size} ${size} R E 0x1000`));
});

test('under plain qemu-i386 (no AT_SYSINFO_EHDR for i386 guests) the program exits "no AT_SYSINFO_EHDR" and writes nothing', () => {
  const h = harness();
  const r = spawnSync('qemu-i386', [h.program]);
  assert.equal(r.error, undefined);
  assert.equal(r.status, CAPTURE_EXIT.noSysinfoEhdr);
  assert.equal(r.stdout.length, 0);
});

test('with AT_SYSINFO_EHDR pointing at the real Debian vdso32.so it writes exactly that file', () => {
  const vdso = realVdso();
  const r = runUnderHarness(vdso.path, 'ok');
  assert.equal(r.status, CAPTURE_EXIT.ok, r.stderr);
  assert.equal(Buffer.compare(r.stdout, Buffer.from(vdso.bytes)), 0, `stdout (${r.stdout.length} bytes) equals the ${vdso.bytes.length}-byte image`);
});

/** The real image with some header fields changed, written to a scratch file. */
function doctored(edit: (v: DataView) => void): { path: string; bytes: Uint8Array } {
  const bytes = Uint8Array.from(realVdso().bytes);
  edit(new DataView(bytes.buffer));
  const path = join(scratch(), 'doctored.so');
  writeFileSync(path, bytes);
  return { path, bytes };
}

test('without section headers the size is the end of the PT_LOAD (as readelf -l gives it)', () => {
  const load = /LOAD\s+(0x[0-9a-f]+) 0x[0-9a-f]+ 0x[0-9a-f]+ (0x[0-9a-f]+)/.exec(run('readelf', ['-l', '-W', realVdso().path]));
  assert.ok(load, 'readelf shows a LOAD header');
  const end = parseInt(load[1]!, 16) + parseInt(load[2]!, 16);
  const image = doctored((v) => {
    v.setUint32(32, 0, true);
    v.setUint16(48, 0, true);
  });
  assert.ok(end < image.bytes.length, 'the PT_LOAD ends before the section header table');
  const r = runUnderHarness(image.path, 'ok');
  assert.equal(r.status, CAPTURE_EXIT.ok, r.stderr);
  assert.equal(r.stdout.length, end);
  assert.equal(Buffer.compare(r.stdout, Buffer.from(image.bytes.subarray(0, end))), 0);
});

test('a PT_LOAD reaching past the section header table sets the size', () => {
  const original = realVdso().bytes;
  const shEnd = original.length;
  // Program header 0 is the PT_LOAD (offset 0): make its p_filesz run 0x20 bytes past the table.
  const image = doctored((v) => v.setUint32(52 + 16, shEnd + 0x20, true));
  const padded = new Uint8Array(shEnd + 0x20);
  padded.set(image.bytes);
  writeFileSync(image.path, padded);
  const r = runUnderHarness(image.path, 'ok');
  assert.equal(r.status, CAPTURE_EXIT.ok, r.stderr);
  assert.equal(r.stdout.length, shEnd + 0x20);
});

test('each failure has its own exit status and writes nothing', () => {
  const vdso = realVdso().path;
  const notElf = join(scratch(), 'not-elf');
  writeFileSync(notElf, 'this is not an ELF image at all\n');
  const elf64 = doctored((v) => v.setUint8(4, 2));
  const huge = doctored((v) => v.setUint32(32, 0x7fff0000, true));
  const empty = doctored((v) => {
    v.setUint32(32, 0, true);
    v.setUint16(48, 0, true);
    v.setUint32(52 + 16, 0, true);
  });
  const cases: [string, () => ReturnType<typeof runUnderHarness>, number][] = [
    ['no AT_SYSINFO_EHDR', () => runUnderHarness(vdso, 'none'), CAPTURE_EXIT.noSysinfoEhdr],
    ['AT_SYSINFO_EHDR = 0', () => runUnderHarness(vdso, 'zero'), CAPTURE_EXIT.notElf],
    ['not an ELF header', () => runUnderHarness(notElf, 'ok'), CAPTURE_EXIT.notElf],
    ['an ELF64 header', () => runUnderHarness(elf64.path, 'ok'), CAPTURE_EXIT.notElf],
    ['section headers 2 GiB away', () => runUnderHarness(huge.path, 'ok'), CAPTURE_EXIT.badSize],
    ['size 0', () => runUnderHarness(empty.path, 'ok'), CAPTURE_EXIT.badSize],
    ['envp never ends', () => runUnderHarness(vdso, 'endless'), CAPTURE_EXIT.noAuxv],
    ['stdout closed', () => runUnderHarness(vdso, 'ok', { closeStdout: true }), CAPTURE_EXIT.writeFailed],
  ];
  for (const [what, go, status] of cases) {
    const r = go();
    assert.equal(r.signal, null, `${what}: no signal`);
    assert.equal(r.status, status, `${what}: status ${r.status}, stderr ${r.stderr}`);
    assert.equal(r.stdout.length, 0, `${what}: nothing written`);
  }
  assert.equal(new Set(Object.values(CAPTURE_EXIT)).size, Object.keys(CAPTURE_EXIT).length, 'statuses are distinct');
});

test('the launcher execs its argument with the arguments and environment, and reports execve errors as 100 + errno', () => {
  const dir = scratch();
  const launch = join(dir, 'launch');
  writeFileSync(launch, launcherExecutable(), { mode: 0o755 });
  const ok = spawnSync(launch, ['/bin/sh', '-c', 'printf "%s|%s|%s" "$0" "$1" "$CAPTURE_TEST"; exit 7', 'zero', 'one'], {
    encoding: 'utf8',
    env: { CAPTURE_TEST: 'env passed' },
  });
  assert.equal(ok.status, 7);
  assert.equal(ok.stdout, 'zero|one|env passed');
  assert.equal(spawnSync(launch, [join(dir, 'missing')]).status, 100 + 2, 'ENOENT');
  const notExecutable = join(dir, 'plain');
  writeFileSync(notExecutable, 'x', { mode: 0o644 });
  assert.equal(spawnSync(launch, [notExecutable]).status, 100 + 13, 'EACCES');
  const i386 = spawnSync(launch, [harness().program]).status;
  if (hostRunsI386()) assert.ok(i386 !== null && i386 < 100, `the host runs i386: the launcher execs the program (status ${i386})`);
  else assert.equal(i386, 100 + 8, 'ENOEXEC: this host cannot run i386 programs');
});

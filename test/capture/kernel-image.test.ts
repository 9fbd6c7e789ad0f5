// Extraction of the i386 vDSO from kernel images: the real Debian vmlinuz (LZ4 legacy)
// checked with lz4(1) and readelf; the same kernel recompressed with gzip(1) and lz4 -l,
// bare or in a rebuilt bzImage, gives the same bytes; other compressions, truncated and
// corrupt images give one-line InputErrors (mutated LZ4 streams: test/fuzz, target lz4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, scratch } from '../support/oracles';
import { cachedKernelImage } from '../support/real-vdso';
import { InputError } from '../../toolchain/errors';
import { parseBzImage } from '../../toolchain/image/bzimage';
import { decompressPayload } from '../../toolchain/image/decompress';
import { extractVdsos } from '../../toolchain/image/kernel-image';

interface Kernel {
  readonly path: string;
  readonly image: Uint8Array;
  readonly payloadOffset: number;
  readonly payload: Uint8Array;
  /** The decompressed kernel as lz4(1) produces it. */
  readonly vmlinux: Uint8Array;
  readonly vmlinuxPath: string;
}

let kernel: Kernel | undefined;

/** A compressor's binary stdout; a missing tool fails naming what scripts/prerequisites.ts must install. */
function toolBytes(tool: string, args: readonly string[], input?: Uint8Array): Uint8Array {
  const r = spawnSync(tool, args, { input, maxBuffer: 256 << 20 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(`oracle '${tool}' is not installed: scripts/prerequisites.ts (npm test's first step) must install it`);
  if (r.error || r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.toString()}`);
  return new Uint8Array(r.stdout);
}

function realKernel(): Kernel {
  if (kernel) return kernel;
  const { path } = cachedKernelImage();
  const image = new Uint8Array(readFileSync(path));
  const header = parseBzImage(image, path);
  const payload = image.subarray(header.payloadOffset, header.payloadOffset + header.payloadLength);
  const dir = scratch();
  // lz4(1) reads the kernel's 4-byte size trailer as a bad block header, so it gets the stream without it.
  writeFileSync(join(dir, 'payload.lz4'), payload.subarray(0, payload.length - 4));
  const vmlinuxPath = join(dir, 'vmlinux');
  run('lz4', ['-d', '-f', '-q', join(dir, 'payload.lz4'), vmlinuxPath]);
  kernel = { path, image, payloadOffset: header.payloadOffset, payload, vmlinux: new Uint8Array(readFileSync(vmlinuxPath)), vmlinuxPath };
  return kernel;
}

function expectInputError(go: () => unknown, pattern: RegExp, fileName: string): InputError {
  try {
    go();
  } catch (e) {
    assert.ok(e instanceof InputError, `an InputError, not ${(e as Error).stack}`);
    assert.equal(e.message.split('\n').length, 1, `one line: ${e.message}`);
    assert.ok(e.message.startsWith(`${fileName}: `), `names the file: ${e.message}`);
    assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`no error (wanted ${pattern})`);
}

/** A copy of the real bzImage with its payload replaced (and payload_length updated). */
function withPayload(payload: Uint8Array): Uint8Array {
  const k = realKernel();
  const out = new Uint8Array(k.payloadOffset + payload.length);
  out.set(k.image.subarray(0, k.payloadOffset));
  out.set(payload, k.payloadOffset);
  new DataView(out.buffer).setUint32(0x24c, payload.length, true);
  return out;
}

let expected: Uint8Array | undefined;
/** The vDSO the real kernel image gives (checked against readelf in its own test). */
function realVdso32(): Uint8Array {
  expected ??= extractVdsos(realKernel().image, realKernel().path).vdso32.bytes;
  return expected;
}

test('the LZ4 legacy decoder gives the same vmlinux as lz4(1), and checks the size trailer', () => {
  const k = realKernel();
  const { kind, bytes } = decompressPayload(k.payload, k.path, k.payloadOffset);
  assert.equal(kind, 'lz4-legacy');
  assert.equal(bytes.length, k.vmlinux.length);
  assert.equal(Buffer.compare(Buffer.from(bytes), Buffer.from(k.vmlinux)), 0);
  assert.equal(new DataView(k.payload.buffer, k.payload.byteOffset).getUint32(k.payload.length - 4, true), k.vmlinux.length);
});

test('the real Debian kernel image gives a vdso32.so that readelf -a -W reads without warnings, with the kernel entry points', () => {
  const k = realKernel();
  const found = extractVdsos(k.image, k.path);
  assert.equal(found.container, 'bzImage');
  assert.equal(found.compression, 'lz4-legacy');
  assert.equal(found.kernelVersion, cachedKernelImage().version);
  assert.equal(found.vdso32.offset % 4096, 0);
  const dir = scratch();
  const check = (bytes: Uint8Array, name: string): string => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const r = spawnSync('readelf', ['-a', '-W', file], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '', `${name}: readelf prints nothing on stderr`);
    assert.doesNotMatch(r.stdout, /warning|error|corrupt/i);
    return r.stdout;
  };
  const out32 = check(found.vdso32.bytes, 'vdso32.so');
  assert.match(out32, /Class:\s+ELF32/);
  assert.match(out32, /Type:\s+DYN/);
  assert.match(out32, /Machine:\s+Intel 80386/);
  const shoff = Number(/Start of section headers:\s+(\d+)/.exec(out32)![1]);
  const shnum = Number(/Number of section headers:\s+(\d+)/.exec(out32)![1]);
  assert.equal(found.vdso32.bytes.length, shoff + shnum * 40, 'the image ends with its section header table');
  for (const name of ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn']) {
    assert.match(out32, new RegExp(`FUNC\\s+GLOBAL\\s+DEFAULT\\s+\\d+ ${name}@@LINUX_2\\.5\\n`), name);
  }
  assert.ok(found.vdso64, 'the x86-64 vDSO is found too');
  const out64 = check(found.vdso64.bytes, 'vdso64.so');
  assert.match(out64, /Machine:\s+Advanced Micro Devices X86-64/);
  assert.match(out64, /__vdso_clock_gettime@@LINUX_2\.6/);
});

test('gzip(1) and lz4 -l recompressions, bare or in a bzImage, and the raw vmlinux give the same bytes', () => {
  const k = realKernel();
  const dir = scratch();
  const gz = toolBytes('gzip', ['-1', '-c', k.vmlinuxPath]);
  run('lz4', ['-l', '-1', '-f', '-q', k.vmlinuxPath, join(dir, 'vmlinux.lz4')]);
  const lz4 = new Uint8Array(readFileSync(join(dir, 'vmlinux.lz4')));
  assert.equal(gz[0], 0x1f);
  const cases: [string, Uint8Array, string, string][] = [
    ['gzip bzImage', withPayload(gz), 'bzImage', 'gzip'],
    ['bare gzip', gz, 'payload', 'gzip'],
    ['bare lz4 -l', lz4, 'payload', 'lz4-legacy'],
    ['lz4 -l bzImage', withPayload(lz4), 'bzImage', 'lz4-legacy'],
    ['raw vmlinux', k.vmlinux, 'vmlinux', 'none'],
  ];
  for (const [what, data, container, compression] of cases) {
    const found = extractVdsos(data, what);
    assert.equal(found.container, container, what);
    assert.equal(found.compression, compression, what);
    assert.equal(Buffer.compare(Buffer.from(found.vdso32.bytes), Buffer.from(realVdso32())), 0, `${what}: same vdso32 bytes`);
  }
});

test('kernels compressed with xz, zstd, bzip2, lzma, lzo or the LZ4 frame format get one line naming the compression', () => {
  const dir = scratch();
  const sample = join(dir, 'sample');
  writeFileSync(sample, 'a small stand-in for a kernel\n'.repeat(100));
  const compressed = (tool: string, args: string[]) => toolBytes(tool, [...args, '-c', sample]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['xz', compressed('xz', []), /xz-compressed, not supported/],
    ['zstd', compressed('zstd', ['-q']), /zstd-compressed, not supported/],
    ['bzip2', compressed('bzip2', []), /bzip2-compressed, not supported/],
    ['lzma', compressed('xz', ['--format=lzma']), /lzma-compressed, not supported/],
    ['lzo', Uint8Array.of(0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a), /lzo-compressed, not supported/],
    ['lz4 frame', compressed('lz4', ['-q']), /LZ4 frame format, not supported/],
  ];
  for (const [what, payload, pattern] of cases) {
    assert.ok(payload.length > 8, `${what} produced output`);
    const e = expectInputError(() => extractVdsos(withPayload(payload), 'vmlinuz'), pattern, 'vmlinuz');
    assert.match(e.message, new RegExp(`offset 0x${realKernel().payloadOffset.toString(16)}`), `${what}: the place is the payload`);
  }
});

test('truncated and corrupt kernel images give one-line InputErrors', () => {
  const k = realKernel();
  const patched = (at: number, bytes: number[]) => {
    const copy = Uint8Array.from(k.image);
    copy.set(bytes, at);
    return copy;
  };
  const gz = withPayload(toolBytes('gzip', ['-1', '-c'], k.vmlinux.subarray(0, 1 << 20)));
  gz.fill(0x55, k.payloadOffset + 1000, k.payloadOffset + 1100);
  const end = k.payloadOffset + k.payload.length;
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /empty file/],
    ['not a kernel', new TextEncoder().encode('#!/bin/sh\necho hello\n'.repeat(40)), /offset 0x0: not a kernel image/],
    ['half a bzImage', k.image.subarray(0, k.image.length >> 1), /offset 0x248: payload .* not inside the \d+-byte file \(truncated\?\)/],
    ['setup header only', k.image.subarray(0, 0x230), /file ends inside the setup header/],
    ['old boot protocol', patched(0x206, [0x06, 0x02]), /boot protocol 2\.06 has no payload_offset/],
    ['payload cut short', withPayload(k.payload.subarray(0, k.payload.length >> 1)), /LZ4 stream truncated|corrupt LZ4/],
    ['block size garbage', patched(k.payloadOffset + 4, [0xff, 0xff, 0xff, 0x7f]), /block size \d+ is not in 1\.\./],
    ['size trailer wrong', patched(end - 4, [1, 2, 3, 4]), /size trailer says 67305985 bytes but the blocks hold \d+/],
    ['LZ4 magic wrong', patched(k.payloadOffset, [0x02, 0x21, 0x4c, 0x19]), /payload compression not recognised \(starts 02 21 4c 19/],
    ['gzip data corrupt', gz, /corrupt gzip payload/],
    ['no vDSO inside', withPayload(new Uint8Array(readFileSync(process.execPath).subarray(0, 1 << 20))), /no 32-bit vDSO/],
  ];
  for (const [what, data, pattern] of cases) {
    const e = expectInputError(() => extractVdsos(data, 'vmlinuz'), pattern, 'vmlinuz');
    assert.ok(e.message.length < 300, `${what}: a short line`);
  }
});


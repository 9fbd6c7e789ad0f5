// Tests how the patcher treats a vDSO copied out of a running kernel (capture-host): the
// kernel patched it for its own processor at boot, so a site may already hold a replacement
// and its original is gone. Two images: the Debian 6.1 vdso32.so with the bytes the kernel
// writes for an Intel 64-bit kernel put in by the test (the site and the replacement bytes
// from objdump of the image), and, where this host runs i386, its own running kernel's vDSO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseElf32 } from '../../toolchain/elf/reader';
import { applyAlternatives } from '../../emulator/kernel/vdso/alternatives';
import { runCli } from '../../cli/run-cli';
import { realVdso } from '../support/real-vdso';
import { hostRunsI386, run, scratch } from '../support/oracles';
import { hostCpuModel } from '../kernel-acceptance/support';

const real = realVdso();
const elf = parseElf32(real.bytes, real.path);
const vsyscall = elf.dynamicSymbols.find((s) => s.name === '__kernel_vsyscall')!.value;

/** objdump -d's bytes of the first two instructions of .altinstr_replacement: Intel's `mov %esp,%ebp; sysenter`. */
function sysenterReplacement(): number[] {
  const out = run('objdump', ['-d', '-j', '.altinstr_replacement', real.path]);
  const bytes = [...out.matchAll(/^\s+[0-9a-f]+:\t([0-9a-f ]+)\t/gm)].slice(0, 2).flatMap((m) => m[1]!.trim().split(' '));
  assert.match(out, /mov\s+%esp,%ebp[\s\S]*sysenter/);
  return bytes.map((h) => parseInt(h, 16));
}

/** The Debian image as a 64-bit kernel on Intel leaves it: __kernel_vsyscall+3 holds mov %esp,%ebp; sysenter. */
function capturedOnIntel(): Uint8Array {
  const image = new Uint8Array(real.bytes);
  image.set(sysenterReplacement(), vsyscall + 3);
  return image;
}

test('a site that already holds the SYSENTER32 replacement is reported held; Intel keeps it, AMD gets SYSCALL32 patched over it', () => {
  const image = capturedOnIntel();
  const intel = applyAlternatives(image, { cpu: 'intel', kernel: 'compat64', fileName: 'captured' });
  const site = intel.held.find((h) => h.address === vsyscall + 3);
  assert.deepEqual(site, { address: vsyscall + 3, feature: 'X86_FEATURE_SYSENTER32', originalLost: false });
  assert.deepEqual([...intel.bytes.subarray(vsyscall + 3, vsyscall + 7)], sysenterReplacement());
  const amd = applyAlternatives(image, { cpu: 'amd', kernel: 'compat64', fileName: 'captured' });
  assert.equal(amd.held.find((h) => h.address === vsyscall + 3)?.originalLost, false);
  assert.equal(Buffer.from(amd.bytes.subarray(vsyscall + 3, vsyscall + 7)).toString('hex'), '89cd0f05');
});

test('a model that needs the original of a held site keeps the host\'s bytes and says so in one line', async () => {
  const dir = scratch();
  const file = join(dir, 'captured.so');
  writeFileSync(file, capturedOnIntel());
  const io = { stdout: '', stderr: '', cwd: dir, out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  assert.equal(await runCli(['alternatives', file, '--cpu', 'generic', '--json'], io), 0, io.stderr);
  const json = JSON.parse(io.stdout) as { held: { address: number; feature: string; originalLost: boolean }[] };
  assert.deepEqual(json.held, [{ address: vsyscall + 3, feature: 'X86_FEATURE_SYSENTER32', originalLost: true }]);
  const unpatched = applyAlternatives(real.bytes, { cpu: 'generic', kernel: 'compat64', fileName: real.path });
  assert.deepEqual(unpatched.held, [], 'an image from a kernel package holds no patched site');
});

test('this host\'s running vDSO, where the host runs i386: __kernel_vsyscall holds the replacement for its own processor', async (t) => {
  if (!hostRunsI386()) {
    t.skip('this host cannot run i386 programs: no running vDSO to capture');
    return;
  }
  const dir = scratch();
  const io = { stdout: '', stderr: '', cwd: dir, out(x: string) { io.stdout += x; }, err(x: string) { io.stderr += x; } };
  assert.equal(await runCli(['capture-host', '-o', 'host.so'], io), 0, io.stderr);
  const bytes = new Uint8Array(readFileSync(join(dir, 'host.so')));
  const host = parseElf32(bytes, 'host.so');
  const at = host.dynamicSymbols.find((s) => s.name === '__kernel_vsyscall')!.value;
  const want = hostCpuModel() === 'intel' ? 'X86_FEATURE_SYSENTER32' : 'X86_FEATURE_SYSCALL32';
  const r = applyAlternatives(bytes, { cpu: hostCpuModel(), kernel: 'compat64', fileName: 'host.so' });
  const held = r.held.find((h) => h.address > at && h.address < at + 16);
  assert.equal(held?.feature, want);
  assert.equal(held?.originalLost, false);
  // objdump agrees: the site's instruction is the entry the host's processor uses.
  const out = run('objdump', ['-d', `--start-address=0x${held!.address.toString(16)}`, `--stop-address=0x${(held!.address + 4).toString(16)}`, join(dir, 'host.so')]);
  assert.match(out, hostCpuModel() === 'intel' ? /\tsysenter/ : /\tsyscall/);
});

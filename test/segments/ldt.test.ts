// Segments acceptance: a C program (gcc -m32 -static -O2) sets LDT entries with modify_ldt,
// reads the table back, loads an entry into %fs and reads memory through it: the same
// output under `vdso-lab run` as under qemu-i386, on both kernel kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { program, runLab, runQemu } from '../kernel-acceptance/support';
import { LDT_PROGRAM } from './programs';

/**
 * Linux's fill_ldt sets the accessed bit of every descriptor it writes (so that the LDT can
 * be mapped read-only: the CPU never needs to write it); qemu-i386 7.2 leaves it clear. The
 * qemu table lines get the bit set before the comparison; everything else is compared as is.
 */
function withAccessedBit(stdout: string): string {
  return stdout.split('\n').map((line) => {
    if (!line.startsWith('table:')) return line;
    const bytes = line.slice(6).trim().split(' ').map((h) => parseInt(h, 16));
    for (let k = 5; k < bytes.length; k += 8) if (bytes[k]! & 0x80) bytes[k]! |= 1;
    return `table: ${bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  }).join('\n');
}

test('modify_ldt write (both layouts), read, clear; an LDT selector in %fs reads through its base, as under qemu-i386', async () => {
  const prog = program('ldt', LDT_PROGRAM);
  const q = runQemu(prog, []);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /fs 0x17: byte 6 't', word 0x6c6c6568/);
  for (const kernel of ['compat64', 'native32']) {
    const l = await runLab(prog, ['--vdso', 'none', '--kernel', kernel]);
    assert.equal(l.stdout, withAccessedBit(q.stdout), kernel);
    assert.equal(l.status, 0, kernel);
  }
});

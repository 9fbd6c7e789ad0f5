// parseElf32 on the real Debian 6.1 vdso32.so (from test/support/real-vdso.ts) against
// readelf: every field, plus the facts the rest of vdso-lab relies on (the exported
// entry points and their LINUX_2.5 / LINUX_2.6 versions, the Linux version note).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseElf32 } from '../../toolchain/elf/reader';
import { versionedName } from '../../toolchain/elf/names';
import { realVdso } from '../support/real-vdso';
import { assertMatchesReadelf } from './compare-readelf';

test('the real vdso32.so: every field matches readelf', () => {
  const vdso = realVdso();
  const elf = parseElf32(vdso.bytes, vdso.path);
  const r = assertMatchesReadelf(elf, vdso.path);
  assert.ok(r.symbolTables.get('.dynsym')!.length > 5 && r.verdefs.length === 3 && r.notes.length >= 2, 'the comparison covered symbols, versions and notes');
});

test('the real vdso32.so exports __kernel_vsyscall@@LINUX_2.5 and the LINUX_2.6 clock functions', () => {
  const vdso = realVdso();
  const elf = parseElf32(vdso.bytes, vdso.path);
  const byName = new Map(elf.dynamicSymbols.map((s) => [s.name, s]));
  const vsyscall = byName.get('__kernel_vsyscall');
  assert.ok(vsyscall);
  assert.equal(versionedName(vsyscall), '__kernel_vsyscall@@LINUX_2.5');
  assert.equal(elf.section('.text')?.index, vsyscall.shndx);
  assert.equal(versionedName(byName.get('__kernel_rt_sigreturn')!), '__kernel_rt_sigreturn@@LINUX_2.5');
  assert.equal(versionedName(byName.get('__vdso_clock_gettime')!), '__vdso_clock_gettime@@LINUX_2.6');
  assert.equal(elf.header.type, 3);
  assert.deepEqual(elf.versionDefinitions.map((d) => d.names[0]), ['linux-gate.so.1', 'LINUX_2.6', 'LINUX_2.5']);
  const linuxNotes = elf.notes.filter((n) => n.name === 'Linux');
  assert.ok(linuxNotes.some((n) => /^\d+\.\d+\.\d+/.test(new TextDecoder().decode(n.desc))), 'the kernel release note');
});

// Tests applyAlternatives on the real Debian 6.1 vdso32.so (12-byte struct alt_instr): the
// bytes __kernel_vsyscall gets per CPU model and kernel kind (docs/kernel-facts.md §§2, 6), checked
// against objdump -d of the patched image, and the table read as readelf shows the section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../toolchain/elf/reader';
import { applyAlternatives, readAlternatives } from '../../emulator/kernel/vdso/alternatives';
import { realVdso } from '../support/real-vdso';
import { run, scratch } from '../support/oracles';

const real = realVdso();
const elf = parseElf32(real.bytes, real.path);
const vsyscall = elf.dynamicSymbols.find((s) => s.name === '__kernel_vsyscall')!.value;
const dir = scratch('vdso-lab-designs-');

/** objdump -d's instruction bytes for the 4 bytes at __kernel_vsyscall+3 of a patched copy. */
function objdumpSite(bytes: Uint8Array, name: string): string {
  const path = join(dir, `${name}.so`);
  writeFileSync(path, bytes);
  const start = vsyscall + 3;
  const out = run('objdump', ['-d', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + 4).toString(16)}`, path]);
  return out
    .split('\n')
    .map((l) => /^\s+[0-9a-f]+:\t([0-9a-f ]+)\t/.exec(l)?.[1]?.trim())
    .filter((b): b is string => !!b)
    .join(' ');
}

test('the Debian 6.1 table is read as 12-byte entries: 20 entries, the first two at __kernel_vsyscall+3', () => {
  const { table } = readAlternatives(real.bytes, real.path);
  assert.equal(table.layout, 12);
  assert.equal(table.layoutFrom, 'detected');
  assert.equal(table.entries.length, elf.section('.altinstructions')!.size / 12);
  const [a, b] = table.entries;
  assert.equal(a!.site, vsyscall + 3);
  assert.equal(b!.site, vsyscall + 3);
  assert.deepEqual([a!.feature, b!.feature], [3 * 32 + 15, 3 * 32 + 14]);
  assert.equal(a!.replacement, elf.section('.altinstr_replacement')!.addr);
  assert.throws(() => readAlternatives(real.bytes, real.path, 14), /not a multiple of the 14-byte/);
});

const cases: { cpu: 'intel' | 'amd' | 'generic'; kernel: 'compat64' | 'native32'; want: string; feature: string }[] = [
  { cpu: 'intel', kernel: 'compat64', want: '89 e5 0f 34', feature: 'X86_FEATURE_SYSENTER32' },
  { cpu: 'amd', kernel: 'compat64', want: '89 cd 0f 05', feature: 'X86_FEATURE_SYSCALL32' },
  { cpu: 'generic', kernel: 'compat64', want: '0f 1f 40 00', feature: 'nops' },
  { cpu: 'intel', kernel: 'native32', want: '8d 74 26 00', feature: 'nops' },
  { cpu: 'amd', kernel: 'native32', want: '8d 74 26 00', feature: 'nops' },
];
for (const c of cases) {
  test(`Debian vdso32.so on ${c.cpu}/${c.kernel}: objdump shows ${c.want} at __kernel_vsyscall+3`, () => {
    const r = applyAlternatives(real.bytes, { cpu: c.cpu, kernel: c.kernel, fileName: real.path });
    assert.equal(objdumpSite(r.bytes, `${c.cpu}-${c.kernel}`), c.want);
    const patch = r.patches.find((p) => p.address === vsyscall + 3)!;
    assert.equal(Buffer.from(patch.before).toString('hex'), '90909090');
    assert.equal(Buffer.from(patch.after).toString('hex'), c.want.replace(/ /g, ''));
    assert.equal(patch.feature, c.feature);
    // The rdtsc sites (ALTERNATIVE_2 rdtsc / lfence; rdtsc / rdtscp): on the intel and amd models
    // (RDTSCP, no LFENCE_RDTSC) `0f 01 f9` then a 2-byte NOP from the kernel's table, as this
    // host's 6.18 kernel patched its own image; on generic `0f 31` then a 3-byte NOP.
    const nop = c.cpu === 'generic' ? (c.kernel === 'compat64' ? '0f1f00' : '8d7600') : c.kernel === 'compat64' ? '6690' : '89f6';
    const rdtsc = r.patches.filter((p) => p.address !== vsyscall + 3);
    assert.equal(rdtsc.length, 9);
    for (const p of rdtsc) assert.equal(Buffer.from(p.after).toString('hex'), `${c.cpu === 'generic' ? '0f31' : '0f01f9'}${nop}`);
    for (const p of rdtsc) assert.equal(p.feature, c.cpu === 'generic' ? 'nops' : 'X86_FEATURE_RDTSCP');
    // Nothing outside the sites changed.
    let changed = 0;
    for (let i = 0; i < real.bytes.length; i++) if (r.bytes[i] !== real.bytes[i]) changed++;
    assert.ok(changed > 0 && changed <= 4 + 9 * 5, `changed ${changed}`);
  });
}

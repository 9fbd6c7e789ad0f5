// `vdso-lab symbols` through runCli: its table and --json compared with readelf
// --dyn-syms -W (and -s for --all) of the real vDSO and a versioned gcc -m32 shared
// object; the one-line errors for a non-ELF file and a file with no symbol table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/run-cli';
import { readBytes, readelf, scratch } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { parseReadelf, type ReadelfSymbol } from './readelf-output';
import { buildAll } from './programs';

function memoryIo() {
  const io = { stdout: '', stderr: '', cwd: process.cwd(), out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

const built = buildAll();
const library = built.find((b) => b.path.endsWith('lib.so'))!.path;
const object = built.find((b) => b.path.endsWith('object.o'))!.path;

/** What `symbols` should list for `path`, computed from readelf: [address, size, type, bind, vis, section, name]. */
function expectedRows(path: string, table: '.dynsym' | '.symtab'): string[][] {
  const r = parseReadelf(readelf(['-S', '-s', '--dyn-syms', '-W', path]));
  const sectionName = (ndx: string) => (/^\d+$/.test(ndx) ? r.sections[Number(ndx)]!.name : ndx);
  const base = (s: ReadelfSymbol) => s.name.split('@')[0]!;
  return (r.symbolTables.get(table) ?? [])
    .filter((s) => s.num !== 0 && s.ndx !== 'UND' && (s.bind === 'GLOBAL' || s.bind === 'WEAK'))
    .sort((a, b) => a.value - b.value || (base(a) < base(b) ? -1 : base(a) > base(b) ? 1 : 0))
    .map((s) => [s.value.toString(16).padStart(8, '0'), String(s.size), s.type, s.bind, s.vis, sectionName(s.ndx), s.name]);
}

async function symbols(args: string[]) {
  const io = memoryIo();
  const status = await runCli(['symbols', ...args], io);
  return { status, stdout: io.stdout, stderr: io.stderr };
}

function tableRows(stdout: string): string[][] {
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^Address\s+Size\s+Type\s+Bind\s+Vis\s+Section\s+Name$/);
  return lines.slice(1).map((l) => {
    const m = l.match(/^([0-9a-f]{8})\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/);
    assert.ok(m, `table line '${l}'`);
    return m.slice(1);
  });
}

for (const [label, path] of [['the real vDSO', () => realVdso().path], ['a versioned gcc -m32 -shared object', () => library]] as const) {
  test(`symbols on ${label}: the table lists readelf's defined global .dynsym entries by address`, async () => {
    const file = path();
    const r = await symbols([file]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const expected = expectedRows(file, '.dynsym');
    assert.ok(expected.length >= 5, 'readelf lists exported symbols');
    assert.deepEqual(tableRows(r.stdout), expected);
  });

  test(`symbols --json on ${label} agrees with readelf`, async () => {
    const file = path();
    const r = await symbols([file, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    const ours = rows.map((o) => [
      (o.address as number).toString(16).padStart(8, '0'), String(o.size), o.type, o.bind, o.visibility, o.section,
      o.version === null ? o.name : `${o.name}${o.versionDefault ? '@@' : '@'}${o.version}`,
    ]);
    assert.deepEqual(ours, expectedRows(file, '.dynsym'));
    assert.ok(rows.every((o) => o.table === 'dynsym' && o.versionNeeded === false));
  });
}

test('symbols --all lists every .dynsym and .symtab entry readelf shows (but the null ones)', async () => {
  const r = await symbols([library, '--all']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').slice(1);
  const readelfTables = parseReadelf(readelf(['-s', '--dyn-syms', '-W', library])).symbolTables;
  const count = (t: string) => readelfTables.get(t)!.length - 1;
  assert.equal(lines.filter((l) => l.startsWith('.dynsym ')).length, count('.dynsym'));
  assert.equal(lines.filter((l) => l.startsWith('.symtab ')).length, count('.symtab'));
  assert.ok(lines.some((l) => / UND\s+printf@GLIBC_[0-9.]+ \(\d+\)$/.test(l)), 'needed versions are shown');
});

test('symbols on an object file without .dynsym lists its .symtab globals', async () => {
  const r = await symbols([object]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(tableRows(r.stdout), expectedRows(object, '.symtab'));
});

test('symbols on a non-ELF file exits 2 with one line naming the file', async () => {
  const path = join(scratch(), 'notes.txt');
  writeFileSync(path, 'just text, not an ELF file\n');
  const r = await symbols([path]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^vdso-lab symbols: .*notes\.txt: offset 0x0: not an ELF file \(bad magic\)\n$/);
});

test('symbols on a missing file exits 2 with one line', async () => {
  const r = await symbols([join(scratch(), 'absent.so')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^vdso-lab symbols: .*absent\.so: no such file\n$/);
});

test('symbols on a file with neither .dynsym nor .symtab exits 1 with one line', async () => {
  const bytes = readBytes(library).slice();
  const view = new DataView(bytes.buffer);
  view.setUint32(32, 0, true);
  view.setUint16(48, 0, true);
  view.setUint16(50, 0, true);
  const path = join(scratch(), 'no-tables.so');
  writeFileSync(path, bytes);
  const r = await symbols([path]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^vdso-lab symbols: .*no-tables\.so: no symbol table \(neither \.dynsym nor \.symtab\)\n$/);
});

test('symbols --help documents the exit status for a file without symbol tables', async () => {
  const io = memoryIo();
  assert.equal(await runCli(['symbols', '--help'], io), 0);
  assert.match(io.stdout, /^usage: vdso-lab symbols FILE \[--json\] \[--all\]/);
  assert.match(io.stdout, /Exit status 1 when the file has neither table/);
});

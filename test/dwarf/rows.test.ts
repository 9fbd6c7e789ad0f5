// The row table (toolchain/dwarf/rows.ts) against readelf --debug-dump=frames-interp:
// every FDE's rows (start address, CFA rule, each register's rule) are read back from
// readelf's table and compared with buildRowTable's rows; rowAt finds each row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assemble, buildC, readelf } from '../support/oracles';
import { realVdso } from '../support/real-vdso';
import { parseElf32 } from '../../toolchain/elf/reader';
import { frameSectionsOf } from '../../toolchain/dwarf/elf-frames';
import { buildRowTable, rowAt } from '../../toolchain/dwarf/rows';
import type { CfaRule, RegisterRule } from '../../toolchain/dwarf/types';
import { HAND_EH_FRAME_1 } from './frames-fixtures';

/** readelf's i386 names for the registers these inputs use (from binutils' table). */
const NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'];
const numberOf = (name: string): number => (NAMES.includes(name) ? NAMES.indexOf(name) : name === 'st4' ? 15 : Number(name.slice(1)));
const nameOf = (reg: number): string => NAMES[reg] ?? (reg === 15 ? 'st4' : `r${reg}`);

interface ReadelfFde {
  readonly offset: number;
  columns: string[];
  readonly rows: { loc: number; cfa: string; rules: string[] }[];
}

/** The FDE tables of one readelf frames-interp listing, keyed by section name. */
function readelfTables(text: string): Map<string, ReadelfFde[]> {
  const out = new Map<string, ReadelfFde[]>();
  let current: ReadelfFde[] = [];
  let fde: ReadelfFde | undefined;
  for (const line of text.split('\n')) {
    const section = /^Contents of the (\S+) section:/.exec(line);
    if (section) { current = []; out.set(section[1]!, current); fde = undefined; continue; }
    const head = /^([0-9a-f]{8}) [0-9a-f]+ [0-9a-f]+ (FDE|CIE)/.exec(line);
    if (head) { fde = head[2] === 'FDE' ? { offset: parseInt(head[1]!, 16), columns: [], rows: [] } : undefined; if (fde) current.push(fde); continue; }
    if (line === '' || line.includes('ZERO terminator')) { fde = undefined; continue; }
    if (!fde) continue;
    if (line.startsWith('   LOC')) { fde.columns = line.trim().split(/\s+/).slice(2); continue; }
    const row = /^([0-9a-f]{8}) (.*)$/.exec(line);
    if (row) {
      const tokens = row[2]!.match(/r\d+ \([^)]*\)|\S+/g) ?? [];
      fde.rows.push({ loc: parseInt(row[1]!, 16), cfa: tokens[0]!, rules: tokens.slice(1) });
    }
  }
  return out;
}

function cfaText(rule: CfaRule): string {
  if (rule.kind === 'expression') return 'exp';
  return `${nameOf(rule.reg)}${rule.offset < 0 || rule.signed ? (rule.offset < 0 ? '' : '+') : '+'}${rule.offset}`;
}

function ruleText(rule: RegisterRule | undefined): string {
  if (!rule) return 'u';
  switch (rule.kind) {
    case 'undefined': return 'u';
    case 'same_value': return 's';
    case 'offset': return `c${rule.offset < 0 ? '' : '+'}${rule.offset}`;
    case 'val_offset': return `v${rule.offset < 0 ? '' : '+'}${rule.offset}`;
    case 'register': return `r${rule.reg} (${nameOf(rule.reg)})`;
    case 'expression': return 'exp';
    case 'val_expression': return 'vexp';
  }
}

function checkFile(path: string): number {
  const elf = parseElf32(new Uint8Array(readFileSync(path)), path);
  const tables = readelfTables(readelf(['--debug-dump=frames-interp', path]));
  let checkedRows = 0;
  for (const frames of frameSectionsOf(elf)) {
    const expected = tables.get(frames.section.name);
    assert.ok(expected, `readelf shows no ${frames.section.name}`);
    assert.equal(frames.fdes.length, expected.length, `${frames.section.name}: FDE count`);
    frames.fdes.forEach((fde, i) => {
      const want = expected[i]!;
      assert.equal(fde.offset, want.offset);
      const table = buildRowTable(fde);
      const where = `${path} ${frames.section.name} FDE 0x${fde.offset.toString(16)}`;
      if (want.rows.length === 0) {
        assert.ok(fde.instructions.every((insn) => insn.op === 'nop'), `${where}: readelf printed no rows, so the FDE must be all nops`);
        assert.equal(table.rows.length, 1, `${where}: one row of CIE rules`);
        return;
      }
      assert.equal(table.rows.length, want.rows.length, `${where}: row count`);
      const ra = fde.cie.returnAddressRegister;
      const columns = want.columns.map((c) => (c === 'ra' ? ra : numberOf(c)));
      table.rows.forEach((row, j) => {
        const w = want.rows[j]!;
        assert.equal(row.start, w.loc, `${where} row ${j}: start`);
        assert.equal(cfaText(row.cfa), w.cfa, `${where} row ${j}: CFA`);
        assert.deepEqual(columns.map((c) => ruleText(row.registers.get(c))), w.rules, `${where} row ${j} at 0x${w.loc.toString(16)}: rules`);
        if (j + 1 < table.rows.length) assert.equal(row.end, table.rows[j + 1]!.start, `${where} row ${j}: contiguous`);
        if (row.start < row.end) {
          assert.equal(rowAt(table, row.start), row);
          assert.equal(rowAt(table, row.end - 1), row);
        }
        checkedRows++;
      });
      assert.equal(table.rows[table.rows.length - 1]!.end, (fde.start + fde.range) % 2 ** 32, `${where}: last row ends at the FDE's end`);
      assert.equal(rowAt(table, (fde.start + fde.range) % 2 ** 32), undefined, `${where}: no row past the end`);
    });
  }
  return checkedRows;
}

test('row tables of a static -O2 program equal readelf frames-interp, FDE by FDE', () => {
  const exe = buildC('prog', 'int main(int c, char **v) { return c + (v[0][0] == 0); }', ['-static', '-O2']);
  assert.ok(checkFile(exe) > 5000);
});

test('row tables of the real vDSO equal readelf frames-interp', () => {
  assert.ok(checkFile(realVdso().path) >= 8);
});

test('row tables of hand-written CFI with remember/restore and every rule kind equal readelf', () => {
  assert.ok(checkFile(assemble('hand1', HAND_EH_FRAME_1)) >= 10);
});

// The CFI rows the language server shows for procedures whose CIEs differ (cfi-rows.ts keeps the
// last CIE's initial rules and makes them again only for other CIE instructions; rows.ts hands
// rows with unchanged register rules the same rules): procedures of GAS's default CIE, `simple`
// ones with their own first rules, a signal frame and another return column, interleaved,
// and one whose CFI only its bytes say (.cfi_escape), each row compared with readelf
// --debug-dump=frames-interp on GNU as's object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze, diskFileSource } from '../../language-server/analysis';
import { formatRow, procedureRows } from '../../language-server/cfi-rows';
import { findings } from '../../language-server/diagnostics';
import { run, scratch } from '../support/oracles';
import { readelfFdes, rowAtAddress } from './frames-oracle';

const PLAIN = `	.cfi_startproc
	pushl %ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	movl %esp, %ebp
	.cfi_def_cfa_register ebp
	nop
	popl %ebp
	.cfi_def_cfa esp, 4
	.cfi_restore ebp
	ret
	.cfi_endproc
`;

const SIMPLE = (offset: number) => `	.cfi_startproc simple
	.cfi_def_cfa esp, ${offset}
	.cfi_offset eip, -${offset}
	pushl %ecx
	.cfi_adjust_cfa_offset 4
	.cfi_offset ecx, -${offset + 4}
	nop
	popl %ecx
	.cfi_adjust_cfa_offset -4
	.cfi_restore ecx
	ret
	.cfi_endproc
`;

const SIGNAL = `	.cfi_startproc
	.cfi_signal_frame
	pushl %esi
	.cfi_adjust_cfa_offset 4
	.cfi_same_value esi
	popl %esi
	.cfi_adjust_cfa_offset -4
	ret
	.cfi_endproc
`;

const RETURN_COLUMN = `	.cfi_startproc
	.cfi_return_column ecx
	pushl %ebx
	.cfi_adjust_cfa_offset 4
	.cfi_remember_state
	.cfi_offset ebx, -8
	nop
	.cfi_restore_state
	popl %ebx
	ret
	.cfi_endproc
`;

/** DW_CFA_def_cfa_offset 8 written as bytes: the language server's rows come from the procedure's emitted .eh_frame (cfi-rows.ts emittedRows). */
const ESCAPE = `	.cfi_startproc
	pushl %ebp
	.cfi_escape 0x0e, 0x08
	movl %esp, %ebp
	popl %ebp
	.cfi_adjust_cfa_offset -4
	ret
	.cfi_endproc
`;

/** Procedures f0, f1, ... of `parts`: each procedure's rows at every address, ours against readelf's on GNU as's object, over two analyses. */
function rowsAreReadelfs(parts: readonly string[]): void {
  const source = `\t.text\n${parts.map((p, i) => `f${i}:\n${p}`).join('')}`;
  const dir = scratch('vdso-lab-lsp-cie-');
  const path = join(dir, 'cie.s');
  writeFileSync(path, source);
  run('as', ['--32', path, '-o', join(dir, 'cie.o')]);
  const fdes = readelfFdes(join(dir, 'cie.o'));
  assert.equal(fdes.length, parts.length);
  // Twice: the second analysis starts from the CIE the first one ended with.
  for (let round = 0; round < 2; round++) {
    const a = analyze({ uri: pathToFileURL(path).href, version: 1, getText: () => source }, {}, diskFileSource(() => undefined));
    const procedures = procedureRows(a);
    assert.equal(procedures.length, parts.length);
    let compared = 0;
    for (let k = 0; k < fdes.length; k++) {
      const fde = fdes[k]!;
      const { procedure, rows } = procedures[k]!;
      assert.deepEqual([procedure.start, procedure.end], [fde.pcBegin, fde.pcEnd]);
      // Every address of the procedure: the row in force there, ours and readelf's.
      for (let at = fde.pcBegin; at < fde.pcEnd; at++) {
        const row = rows.find((r) => r.start <= at && at < r.end);
        assert.ok(row, `a row at ${at}`);
        assert.equal(formatRow(row, procedure.returnColumn), rowAtAddress(fde, at)!.cells, `row at ${at}`);
        compared++;
      }
    }
    assert.ok(compared >= 3 * parts.length, `${compared} rows compared`);
  }
}

test('rows of procedures with differing CIEs, interleaved, are readelf\'s', () => {
  rowsAreReadelfs([PLAIN, SIMPLE(4), PLAIN, SIMPLE(8), SIMPLE(8), SIGNAL, PLAIN, RETURN_COLUMN, PLAIN, SIMPLE(4)]);
});

test('rows of a procedure only its bytes describe (.cfi_escape: the procedure\'s own .eh_frame read back) are readelf\'s', () => {
  rowsAreReadelfs([PLAIN, ESCAPE, PLAIN]);
});

test('a CFI instruction\'s finding is on its directive\'s line, written plainly or through a macro', () => {
  const source = [
    '\t.macro undo reg',
    '\tnop',
    '\t.cfi_restore \\reg',
    '\t.endm',
    '\t.text',
    'g:',
    '\t.cfi_startproc',
    '\tpushl %ebx',
    '\t.cfi_adjust_cfa_offset 4',
    '\t.cfi_restore esi',
    '\tundo edi',
    '\tpopl %ebx',
    '\t.cfi_adjust_cfa_offset -4',
    '\tret',
    '\t.cfi_endproc',
    '',
  ].join('\n');
  const dir = scratch('vdso-lab-lsp-cie-');
  const path = join(dir, 'restore.s');
  writeFileSync(path, source);
  run('as', ['--32', path, '-o', join(dir, 'restore.o')]);
  const lines = source.split('\n');
  const expected = [
    { line: lines.indexOf('\t.cfi_restore esi'), register: 'esi' },
    { line: lines.indexOf('\tundo edi'), register: 'edi' },
  ];
  for (const text of [source, `\n\n${source}`]) {
    const shift = text === source ? 0 : 2;
    const a = analyze({ uri: pathToFileURL(path).href, version: 1, getText: () => text }, {}, diskFileSource(() => undefined));
    const said = findings(a, {}).filter((f) => f.message.includes('never saved')).map((f) => ({ line: f.line, register: /\.cfi_restore (\w+)/.exec(f.message)![1] }));
    assert.deepEqual(said, expected.map((e) => ({ ...e, line: e.line + shift })));
  }
});

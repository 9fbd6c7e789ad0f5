// The rows the language server shows come from the DW_CFA instructions the emitter says it
// writes (toolchain/dwarf/emit-cfi.ts: frameInstructions), without writing them. They must be
// the rows of the bytes it writes (cfi.test.ts holds those equal to GNU as's, and
// test/dwarf/rows.test.ts the rows of parsed bytes equal to readelf's): on the CFI corpus and
// the random CFI sources, every procedure's rows both ways, as its own .eh_frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CfiProcedure } from '../../toolchain/asm/module';
import { emitFrameSection, frameInstructions, FRAME_FACTORS } from '../../toolchain/dwarf/emit-cfi';
import { parseFrameSection } from '../../toolchain/dwarf/cie-fde';
import { buildRowTable, frameCfaRows, frameRows, initialState } from '../../toolchain/dwarf/rows';
import type { Row } from '../../toolchain/dwarf/types';
import { cfiFromSource } from './cfi-source';
import { CFI_CASES, randomCfiSources } from './corpus';
import { scaled } from '../support/scale';

const shown = (rows: readonly Row[]): string[] =>
  rows.map((r) => `${r.start}..${r.end} ${JSON.stringify(r.cfa)} ${JSON.stringify([...r.registers].sort((x, y) => x[0] - y[0]))} ${r.argsSize ?? '-'}`);

/** Rows from the bytes: the procedure's own .eh_frame written, parsed and run (`registers` false: their register rules left out). */
function fromBytes(p: CfiProcedure, registers = true): string[] {
  const bytes = emitFrameSection([{ ...p, ehFrame: true }], 'eh').bytes;
  const fde = parseFrameSection({ fileName: 't.o', name: '.eh_frame', address: 0, bytes }, 'eh_frame').fdes[0]!;
  const shift = p.start - fde.start;
  return shown(buildRowTable(fde).rows.map((r) => ({ ...r, start: r.start + shift, end: r.end + shift, ...(registers ? {} : { registers: new Map() }) })));
}

/** Whether each procedure of the sources had rows both ways, and how many had an escape (bytes only). */
function check(sources: Readonly<Record<string, string>>): { compared: number; bytesOnly: number } {
  let compared = 0;
  let bytesOnly = 0;
  for (const [name, source] of Object.entries(sources)) {
    for (const p of cfiFromSource(source, `${name}.s`)) {
      const frame = frameInstructions(p);
      if (!frame) {
        assert.ok(p.instructions.some((i) => i.op.kind === 'escape'), `${name}: a procedure without an escape is said without bytes`);
        bytesOnly++;
        continue;
      }
      const rows = frameRows(FRAME_FACTORS, initialState(FRAME_FACTORS, frame.cie), frame.fde, p.start, p.end - p.start);
      assert.deepEqual(shown(rows), fromBytes(p), `${name}: the procedure at ${p.section}+${p.start}\n${source}`);
      // The CFA rows alone: the bytes' rows with no register rule.
      const cfaRows = frameCfaRows(FRAME_FACTORS, initialState(FRAME_FACTORS, frame.cie), frame.fde, p.start, p.end - p.start);
      assert.deepEqual(shown(cfaRows), fromBytes(p, false), `${name}: the CFA rows of the procedure at ${p.section}+${p.start}\n${source}`);
      compared++;
    }
  }
  return { compared, bytesOnly };
}

test('CFI corpus: the rows said without bytes are the rows of the bytes written', () => {
  const { compared, bytesOnly } = check(CFI_CASES);
  assert.ok(compared > 10 && bytesOnly > 0, `${compared} compared, ${bytesOnly} with an escape`);
});

test('random CFI sources: the rows said without bytes are the rows of the bytes written', () => {
  const count = scaled(300, 30);
  const sources = Object.fromEntries(randomCfiSources(count, 0xc0ffee).map((s, i) => [`r${i}`, s]));
  const { compared } = check(sources);
  // At least a third of the sources compared, at the full count and at test:quick's.
  assert.ok(compared > count / 3, `${compared} compared of ${count} sources`);
});

// Test support: what GNU binutils say about an object, for the language server's CFI
// findings: readelf --debug-dump=frames-interp rows per FDE, and objdump's instructions with
// the source line each came from.
import { run } from '../support/oracles';

export interface ReadelfFde {
  readonly pcBegin: number;
  readonly pcEnd: number;
  /** Rows in address order: the start address and readelf's cells (`CFA=esp+8 ebp=c-16 ra=c-4`, unset columns left out). */
  readonly rows: ReadonlyArray<{ readonly loc: number; readonly cells: string; readonly cfa: string }>;
}

/** Every FDE of the object's .eh_frame as readelf --debug-dump=frames-interp prints it. */
export function readelfFdes(object: string): ReadelfFde[] {
  const out = run('readelf', ['--debug-dump=frames-interp', object]);
  const fdes: ReadelfFde[] = [];
  for (const block of out.split(/\n(?=[0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} )/)) {
    const range = / FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(block);
    if (!range) continue;
    const lines = block.split('\n');
    const header = lines.find((l) => /^\s+LOC\s+CFA/.test(l))!.trim().split(/\s+/);
    const rows = [];
    for (const l of lines) {
      const m = /^([0-9a-f]{8}) (.*)$/.exec(l);
      if (!m || / FDE /.test(l)) continue;
      const cols = m[2]!.trim().split(/\s+/);
      const cells = [`CFA=${cols[0]}`];
      for (let i = 1; i < cols.length; i++) if (cols[i] !== 'u') cells.push(`${header[i + 1]}=${cols[i]}`);
      rows.push({ loc: parseInt(m[1]!, 16), cells: cells.join(' '), cfa: cols[0]! });
    }
    fdes.push({ pcBegin: parseInt(range[1]!, 16), pcEnd: parseInt(range[2]!, 16), rows });
  }
  return fdes;
}

/** The row of the FDE in force at `address`. */
export function rowAtAddress(fde: ReadelfFde, address: number): { loc: number; cells: string; cfa: string } | undefined {
  return [...fde.rows].reverse().find((r) => r.loc <= address);
}

export interface ObjdumpInstruction {
  readonly section: string;
  readonly address: number;
  readonly length: number;
  readonly mnemonic: string;
  readonly operands: string;
  /** 1-based source line objdump -l names for it (0 when none). */
  readonly line: number;
}

/** Every instruction of the object's code sections, with its source line (objdump -d -l). */
export function objdumpInstructions(object: string): ObjdumpInstruction[] {
  const out: ObjdumpInstruction[] = [];
  let section = '';
  let line = 0;
  for (const l of run('objdump', ['-d', '-l', '-w', object]).split('\n')) {
    const s = /^Disassembly of section (\S+):/.exec(l);
    if (s) {
      section = s[1]!;
      line = 0;
      continue;
    }
    const src = /^\S+:(\d+)( \(discriminator \d+\))?$/.exec(l);
    if (src) {
      line = Number(src[1]);
      continue;
    }
    const m = /^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)\s*(.*)$/.exec(l);
    if (m) out.push({ section, address: parseInt(m[1]!, 16), length: m[2]!.split(' ').length, mnemonic: m[3]!, operands: m[4]!.trim(), line });
  }
  return out;
}

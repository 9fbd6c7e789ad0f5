// Owns the JSON form of a parsed line-number program (`vdso-lab lines --json`): the
// header's fields, the directory and file tables (MD5 as hex), and the matrix rows.
import type { LineFile, LineProgram } from './line-table';

const hexOf = (n: number): string => '0x' + n.toString(16);

function file(f: LineFile): Record<string, unknown> {
  return {
    name: f.name ?? null, directoryIndex: f.directoryIndex, mtime: f.mtime.toString(), length: f.length.toString(),
    ...(f.md5 ? { md5: Buffer.from(f.md5).toString('hex') } : {}),
  };
}

export function lineProgramJson(p: LineProgram): Record<string, unknown> {
  const h = p.header;
  return {
    offset: hexOf(h.offset), version: h.version, offsetSize: h.offsetSize, addressSize: h.addressSize ?? null,
    minInstructionLength: h.minInstructionLength, maxOpsPerInstruction: h.maxOpsPerInstruction, defaultIsStmt: h.defaultIsStmt,
    lineBase: h.lineBase, lineRange: h.lineRange, opcodeBase: h.opcodeBase,
    directories: h.directories.map((d) => d ?? null), files: p.files.map(file),
    rows: p.rows.map((r) => ({
      address: hexOf(r.address), ...(h.maxOpsPerInstruction !== 1 ? { opIndex: r.opIndex } : {}), file: r.file, line: r.line, column: r.column,
      isStmt: r.isStmt, ...(r.endSequence ? { endSequence: true } : {}), ...(r.prologueEnd ? { prologueEnd: true } : {}),
      ...(r.epilogueBegin ? { epilogueBegin: true } : {}), ...(r.discriminator ? { discriminator: r.discriminator } : {}), view: r.view,
    })),
  };
}

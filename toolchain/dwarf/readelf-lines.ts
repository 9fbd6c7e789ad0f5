// Owns printing parsed line-number programs exactly as GNU readelf 2.40 prints them with
// --debug-dump=decodedline (not wide): the unit's primary file, the column header, one
// row per matrix row (file names cut to their last 35 characters), file switches, ISA
// changes and unknown opcodes where the program has them.
import type { LineEvent, LineFile, LineProgram, LineRow } from './line-table';

const MAX_FILENAME_LENGTH = 35;

/** printf("%#18x"): 0 without a prefix, anything else with 0x. */
function address18(n: number): string {
  return (n === 0 ? '0' : '0x' + n.toString(16)).padStart(18);
}

/** printf("%s") of a name readelf may hold as NULL. */
const shown = (name: string | undefined): string => name ?? '(null)';

function unitHeading(p: LineProgram): string {
  const files = p.header.files;
  const dirs = p.header.directories;
  let s: string;
  if (files.length === 0) s = 'CU: No directory table\n';
  else if (dirs.length === 0) s = `CU: ${shown(files[0]!.name)}:\n`;
  else s = `${shown(files[0]!.name)}:\n`;
  s += files.length > 0 ? 'File name                            Line number    Starting address    View    Stmt\n' : 'CU: Empty file name table\n';
  return s;
}

function setFileLine(p: LineProgram, files: readonly LineFile[], index: number): string {
  const file = p.header.version < 5 ? (index - 1) >>> 0 : index;
  const dirs = p.header.directories;
  if (files.length === 0) return `\n [Use file table entry ${file | 0}]\n`;
  if (file >= files.length) return `\n <over large file table index ${file}>`;
  const entry = files[file]!;
  const dir = entry.directoryIndex;
  // DWARF 5 counts directories from 0 (the compilation directory); before 5 index 0 is "here".
  const v5 = p.header.version >= 5;
  if (dir === 0 && !v5) return `\n./${shown(entry.name)}:[++]\n`;
  if (dirs.length === 0) return `\n [Use file ${shown(entry.name)} in directory table entry ${dir | 0}]\n`;
  if (v5 ? dir >= dirs.length : dir > dirs.length) return `\n <over large directory table entry ${dir}>\n`;
  return `\n${shown(dirs[v5 ? dir : dir - 1])}/${shown(entry.name)}:\n`;
}

function rowLine(p: LineProgram, files: readonly LineFile[], row: LineRow): string {
  let name: string;
  if (files.length === 0) {
    name = '<unknown>';
  } else {
    const index = p.header.version < 5 ? (row.file - 1) >>> 0 : row.file;
    name = index >= files.length ? '<corrupt>' : shown(files[index]!.name);
  }
  if (name.length > MAX_FILENAME_LENGTH) name = name.slice(name.length - MAX_FILENAME_LENGTH);
  const line = row.endSequence ? '-' : String(row.line);
  let s = `${name.padEnd(MAX_FILENAME_LENGTH)}  ${line.padStart(11)}  ${address18(row.address)}`;
  if (p.header.maxOpsPerInstruction !== 1) s += `[${row.opIndex}]`;
  if (!row.endSequence) {
    s += row.view ? `  ${String(row.view).padStart(6)}` : '        ';
    if (row.isStmt) s += '       x';
  }
  s += '\n';
  if (row.endSequence) s += '\n';
  return s;
}

function eventText(p: LineProgram, files: LineFile[], e: LineEvent): string {
  switch (e.kind) {
    case 'row': return rowLine(p, files, e.row);
    case 'set_file': return setFileLine(p, files, e.file);
    case 'define_file':
      files.push(e.entry);
      return '';
    case 'set_isa': return `  Set ISA to ${e.isa}\n`;
    case 'unknown_standard':
      return `  Unknown opcode ${e.opcode} with operands: ${e.operands.map((v) => '0x' + v.toString(16)).join(', ')}\n`;
    case 'unknown_extended': return `UNKNOWN (${e.opcode}): length ${e.length}\n`;
  }
}

/** The text of `readelf --debug-dump=decodedline` for one .debug_line section. */
export function formatDecodedLines(programs: readonly LineProgram[], sectionName = '.debug_line'): string {
  let s = `Contents of the ${sectionName} section:\n\n`;
  for (const p of programs) {
    s += unitHeading(p);
    const files = [...p.header.files];
    for (const e of p.events) s += eventText(p, files, e);
    s += '\n';
  }
  return s;
}

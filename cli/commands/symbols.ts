// Owns `vdso-lab symbols FILE [--json] [--all]`: lists an ELF32 i386 file's exported
// symbols (defined global/weak .dynsym entries, or .symtab's when there is no .dynsym)
// with versions, addresses, sizes and types; --all lists every entry of both tables.
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { EXIT_CHECK_FAILED, EXIT_OK, flag, type CliIo, type Command, type ParsedArgs } from '../command';
import { parseElf32 } from '../../toolchain/elf/reader';
import { symbolBindName, symbolSectionName, symbolTypeName, versionedName, visibilityName } from '../../toolchain/elf/names';
import { STB_GLOBAL, STB_WEAK, SHN_UNDEF } from '../../toolchain/elf/symbols';
import type { ElfFile, ElfSymbol } from '../../toolchain/elf/types';

type TableName = 'dynsym' | 'symtab';

interface Row {
  readonly table: TableName;
  readonly symbol: ElfSymbol;
}

function isExported(s: ElfSymbol): boolean {
  return s.shndx !== SHN_UNDEF && (s.bind === STB_GLOBAL || s.bind === STB_WEAK);
}

function byAddress(a: Row, b: Row): number {
  return a.symbol.value - b.symbol.value || (a.symbol.name < b.symbol.name ? -1 : a.symbol.name > b.symbol.name ? 1 : 0);
}

/** The rows to list: see the command's summary and --all help. */
export function selectSymbols(elf: ElfFile, all: boolean): Row[] {
  const rows = (table: TableName, list: readonly ElfSymbol[], keep: (s: ElfSymbol) => boolean): Row[] =>
    list.filter((s) => s.index !== 0 && keep(s)).map((symbol) => ({ table, symbol })).sort(byAddress);
  if (all) return [...rows('dynsym', elf.dynamicSymbols, () => true), ...rows('symtab', elf.symbols, () => true)];
  if (elf.section('.dynsym') || elf.dynamicSymbols.length > 0) return rows('dynsym', elf.dynamicSymbols, isExported);
  return rows('symtab', elf.symbols, isExported);
}

function toJson(elf: ElfFile, r: Row): Record<string, unknown> {
  const s = r.symbol;
  return {
    table: r.table,
    index: s.index,
    name: s.name,
    version: s.version ?? null,
    versionDefault: s.version === undefined ? null : s.versionDefault === true,
    versionNeeded: s.versionNeeded === true,
    address: s.value,
    size: s.size,
    type: symbolTypeName(s.type),
    bind: symbolBindName(s.bind),
    visibility: visibilityName(s.visibility),
    section: symbolSectionName(elf, s),
  };
}

/** Control characters in a name shown as readelf does (^A, ^?), so each row stays one line. */
function shown(name: string): string {
  return name.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\x7f' ? '^?' : '^' + String.fromCharCode(c.charCodeAt(0) + 0x40)));
}

/** Lines handed to `out` at once: the table is written in pieces, never held whole. */
const LINES_PER_WRITE = 4096;

/** Writes the table of `rows` to `out`, each column as wide as its widest cell. */
function writeTable(elf: ElfFile, rows: readonly Row[], all: boolean, out: (text: string) => void): void {
  const head = ['Address', 'Size', 'Type', 'Bind', 'Vis', 'Section', 'Name'];
  if (all) head.unshift('Table');
  // Column by column (an array per column, not per row): 150,000 rows make 8 arrays, not 150,000.
  const cell: Array<(r: Row) => string> = [
    (r) => r.symbol.value.toString(16).padStart(8, '0'),
    (r) => String(r.symbol.size),
    (r) => symbolTypeName(r.symbol.type),
    (r) => symbolBindName(r.symbol.bind),
    (r) => visibilityName(r.symbol.visibility),
    (r) => shown(symbolSectionName(elf, r.symbol)),
    (r) => shown(versionedName(r.symbol)),
  ];
  if (all) cell.unshift((r) => '.' + r.table);
  const columns = cell.map((f) => rows.map(f));
  // A loop, not Math.max(...column): a spread of 150,000 arguments overflows the stack.
  const widths = head.map((h, i) => columns[i]!.reduce((w, c) => Math.max(w, c.length), h.length));
  const sizeColumn = head.indexOf('Size');
  const last = head.length - 1;
  const format = (at: (i: number) => string): string => {
    let line = '';
    for (let i = 0; i < last; i++) line += (i === sizeColumn ? at(i).padStart(widths[i]!) : at(i).padEnd(widths[i]!)) + '  ';
    return line + at(last);
  };
  let batch = format((i) => head[i]!) + '\n';
  for (let r = 0; r < rows.length; r++) {
    batch += format((i) => columns[i]![r]!) + '\n';
    if ((r + 1) % LINES_PER_WRITE === 0) {
      out(batch);
      batch = '';
    }
  }
  out(batch);
}

export const symbolsCommand: Command = {
  details: 'It lists the defined global and weak .dynsym entries (or the .symtab ones when there is no .dynsym) by address; --all lists every entry of both tables. Exit status 1 when the file has neither table.',
  usage: 'FILE [--json] [--all]',
  options: {
    json: { type: 'boolean', help: 'print a JSON array of symbol objects (name, version, address, size, type, bind, ...)' },
    all: { type: 'boolean', help: 'list every entry of .dynsym and then .symtab (locals and undefined too)' },
  },
  positionals: [1, 1],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const name = args.positionals[0]!;
    const elf = parseElf32(readInputFile(resolve(io.cwd, name), name), name);
    if (!elf.section('.dynsym') && !elf.section('.symtab') && elf.dynamicSymbols.length === 0 && elf.symbols.length === 0) {
      io.err(`vdso-lab symbols: ${name}: no symbol table (neither .dynsym nor .symtab)\n`);
      return EXIT_CHECK_FAILED;
    }
    const all = flag(args, 'all');
    const rows = selectSymbols(elf, all);
    if (flag(args, 'json')) io.out(JSON.stringify(rows.map((r) => toJson(elf, r)), null, 2) + '\n');
    else writeTable(elf, rows, all, (text) => io.out(text));
    return EXIT_OK;
  },
};

// Owns `vdso-lab disasm FILE [--section NAME | --symbol NAME] [--json]`: disassembles one
// section (default .text) or one symbol of an ELF32 i386 file in objdump -d's layout
// (symbol labels, `address: bytes  text`, branch targets as `addr <sym+0xN>`).
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { EXIT_OK, UsageError, flag, stringOption, type CliIo, type Command, type ParsedArgs } from '../command';
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import type { ElfFile, ElfSymbol, Section } from '../../toolchain/elf/types';
import { decode } from '../../toolchain/isa/decoder';
import { formatAtt, opcodeName } from '../../toolchain/isa/att-formatter';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { makeSymbolizer, usefulSymbols } from '../../toolchain/isa/symbolizer';

interface Range {
  readonly section: Section;
  readonly start: number;
  readonly end: number;
}

function findRange(elf: ElfFile, file: string, sectionName: string | undefined, symbolName: string | undefined): Range {
  if (symbolName !== undefined) {
    const all = [...elf.symbols, ...elf.dynamicSymbols];
    const sym = all.find((s) => s.name === symbolName && s.shndx !== 0 && s.shndx < elf.sections.length);
    if (!sym) throw new InputError(file, `symbol ${symbolName}`, 'no such defined symbol');
    const section = elf.sections[sym.shndx]!;
    const start = sym.value;
    const end = sym.size ? sym.value + sym.size : section.addr + section.size;
    if (start < section.addr || end > section.addr + section.size) {
      throw new InputError(file, `symbol ${symbolName}`, `lies outside its section ${section.name}`);
    }
    return { section, start, end };
  }
  const name = sectionName ?? '.text';
  const section = elf.section(name);
  if (!section) throw new InputError(file, `section ${name}`, 'no such section');
  if (section.type === 8) throw new InputError(file, `section ${name}`, 'has no bytes in the file (NOBITS)');
  return { section, start: section.addr, end: section.addr + section.size };
}

function hexBytes(bytes: Uint8Array): string[] {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0'));
}

/** One instruction line (and continuation lines of 7 bytes) as objdump -d prints them. */
function objdumpLines(address: number, bytes: Uint8Array, text: string): string[] {
  const hex = hexBytes(bytes);
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 7) {
    const chunk = hex.slice(i, i + 7).join(' ');
    const at = (address + i).toString(16).padStart(8);
    lines.push(i === 0 ? `${at}:\t${chunk.padEnd(21)}\t${text}` : `${at}:\t${chunk}`);
  }
  return lines;
}

export const disasmCommand: Command = {
  name: 'disasm',
  summary: 'disassemble a section or symbol of an ELF32 i386 file (AT&T, as objdump -d)',
  usage: 'FILE [--section NAME | --symbol NAME] [--json]',
  options: {
    section: { type: 'string', help: 'section to disassemble (default .text)', valueName: 'NAME' },
    symbol: { type: 'string', help: 'disassemble only this symbol', valueName: 'NAME' },
    json: { type: 'boolean', help: 'print the instructions as JSON' },
  },
  positionals: [1, 1],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const file = args.positionals[0]!;
    const sectionName = stringOption(args, 'section');
    const symbolName = stringOption(args, 'symbol');
    if (sectionName !== undefined && symbolName !== undefined) throw new UsageError('give --section or --symbol, not both');
    const elf = parseElf32(readInputFile(resolve(io.cwd, file), file), file);
    const range = findRange(elf, file, sectionName, symbolName);
    const symbolize = makeSymbolizer(elf.symbols, elf.dynamicSymbols);
    const labels = new Map<number, ElfSymbol>();
    for (const s of usefulSymbols(elf.symbols.length ? elf.symbols : elf.dynamicSymbols)) {
      if (s.shndx === range.section.index && s.value >= range.start && s.value < range.end) {
        const prev = labels.get(s.value);
        if (!prev) labels.set(s.value, s);
      }
    }
    const data = range.section.data;
    const base = range.section.addr;
    // Streamed: lines go out in batches as they are made, so that memory does not grow with
    // the size of the section (a 16 MiB .text is millions of lines).
    const json = flag(args, 'json');
    let batch: string[] = [];
    let rows = 0;
    const flush = (): void => {
      if (batch.length) io.out(batch.join('\n') + '\n');
      batch = [];
    };
    if (json) batch.push(`{"file": ${JSON.stringify(file)}, "section": ${JSON.stringify(range.section.name)}, "instructions": [`);
    else batch.push('', `${file}:     file format elf32-i386`, '', '', `Disassembly of section ${range.section.name}:`);
    let offset = range.start - base;
    const endOffset = Math.min(range.end - base, data.length);
    while (offset < endOffset) {
      const address = base + offset;
      if (!json && labels.has(address)) {
        const name = symbolize(address) ?? labels.get(address)!.name;
        batch.push('', `${address.toString(16).padStart(8, '0')} <${name}>:`);
      }
      const i = decode(data, offset, address, endOffset);
      const length = Math.max(1, Math.min(i.length, endOffset - offset));
      const bytes = data.subarray(offset, offset + length);
      let text = formatAtt(i, { symbolize });
      if (i.status === DecodeStatus.Truncated) text = `(bad: truncated ${opcodeName(i.opcode)})`;
      if (json) {
        const row = { address, bytes: hexBytes(bytes).join(' '), text, status: DecodeStatus[i.status], ...(labels.has(address) ? { label: labels.get(address)!.name } : {}) };
        batch.push(`${rows++ ? ',' : ''}  ${JSON.stringify(row)}`);
      } else {
        for (const line of objdumpLines(address, bytes, text)) batch.push(line);
      }
      if (batch.length >= 4096) flush();
      offset += length;
    }
    if (json) batch.push(']}');
    flush();
    return EXIT_OK;
  },
};

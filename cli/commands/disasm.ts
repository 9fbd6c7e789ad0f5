// Owns `vdso-lab disasm FILE [--section NAME | --symbol NAME] [--json]`: the listing of an
// ELF32 i386 file exactly as `objdump -d FILE` prints it (with --section, as `objdump -d -j
// NAME`; with --symbol, as `objdump -d --disassemble=NAME`), from toolchain/isa/objdump-listing.ts.
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { EXIT_OK, UsageError, flag, stringOption, type CliIo, type Command, type ParsedArgs } from '../command';
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { listElf, listedSections, objdumpTextSink, type ListingSink } from '../../toolchain/isa/objdump-listing';
import { listedSymbols } from '../../toolchain/isa/symbolizer';

function hexBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The listing as one JSON document: a row per instruction, data line or run of zeros. */
function jsonSink(file: string, out: (text: string) => void): { sink: ListingSink; end(): void } {
  let rows = 0;
  let section = '';
  let label: string | undefined;
  const row = (r: object): void => out(`${rows++ ? ',' : ''}\n  ${JSON.stringify(r)}`);
  out(`{"file": ${JSON.stringify(file)}, "instructions": [`);
  return {
    sink: {
      section(s) { section = s.name; },
      label(_address, l) { label = l; },
      zeros(address, count) { row({ address, section, zeros: count }); },
      line(address, bytes, text, data, status) {
        row({ address, section, bytes: hexBytes(bytes), text, status: data ? 'Data' : DecodeStatus[status], ...(label !== undefined ? { label } : {}) });
        label = undefined;
      },
    },
    end() { out('\n]}\n'); },
  };
}

export const disasmCommand: Command = {
  usage: 'FILE [--section NAME | --symbol NAME] [--json]',
  options: {
    section: { type: 'string', help: 'only this section, as objdump -d -j NAME (default: every code section)', valueName: 'NAME' },
    symbol: { type: 'string', help: 'only this symbol, as objdump -d --disassemble=NAME', valueName: 'NAME' },
    json: { type: 'boolean', help: 'print the instructions as JSON' },
  },
  positionals: [1, 1],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const file = args.positionals[0]!;
    const sectionName = stringOption(args, 'section');
    const symbolName = stringOption(args, 'symbol');
    if (sectionName !== undefined && symbolName !== undefined) throw new UsageError('give --section or --symbol, not both');
    const elf = parseElf32(readInputFile(resolve(io.cwd, file), file), file);
    if (sectionName !== undefined) {
      const section = elf.section(sectionName);
      if (!section) throw new InputError(file, `section ${sectionName}`, 'no such section');
      if (section.type === 8) throw new InputError(file, `section ${sectionName}`, 'has no bytes in the file (NOBITS)');
    }
    if (symbolName !== undefined) {
      const sym = listedSymbols(elf).find((s) => s.name === symbolName);
      if (!sym) throw new InputError(file, `symbol ${symbolName}`, 'no such defined symbol');
      if (!listedSections(elf).some((s) => s.name === sym.section)) throw new InputError(file, `symbol ${symbolName}`, `lies in ${sym.section}, which holds no code`);
    }
    // Streamed: text goes out in pieces as it is made, so that memory does not grow with the
    // size of the section (a 16 MiB .text is millions of lines).
    const options = { ...(sectionName !== undefined ? { only: [sectionName] } : {}), ...(symbolName !== undefined ? { symbol: symbolName } : {}) };
    if (!flag(args, 'json')) {
      const text = objdumpTextSink(file, io.out);
      listElf(elf, text, options);
      text.end();
      return EXIT_OK;
    }
    let batch: string[] = [];
    const put = (text: string): void => {
      batch.push(text);
      if (batch.length >= 4096) flush();
    };
    const flush = (): void => {
      if (batch.length) io.out(batch.join(''));
      batch = [];
    };
    const json = jsonSink(file, put);
    listElf(elf, json.sink, options);
    json.end();
    flush();
    return EXIT_OK;
  },
};

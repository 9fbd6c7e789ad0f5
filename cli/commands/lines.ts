// Owns `vdso-lab lines FILE [--json]`: prints an ELF32 i386 file's .debug_line exactly as
// `readelf --debug-dump=decodedline` prints it; --json gives each unit's header, directory
// and file tables and the rows of its line-number matrix.
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { EXIT_OK, flag, type CliIo, type Command, type ParsedArgs } from '../command';
import { parseElf32 } from '../../toolchain/elf/reader';
import { lineProgramsOf } from '../../toolchain/dwarf/elf-lines';
import { formatDecodedLines } from '../../toolchain/dwarf/readelf-lines';
import { lineProgramJson } from '../../toolchain/dwarf/line-json';

export const linesCommand: Command = {
  details: 'Reads DWARF 2 to 5 line tables (.debug_line_str, DWARF 5 entry formats, several units and sequences).\n'
    + 'An object file (ET_REL) is relocated first, as readelf does. A file without .debug_line prints nothing.',
  usage: 'FILE [--json]',
  options: {
    json: { type: 'boolean', help: 'print each unit\'s header, directories, files and rows as JSON' },
  },
  positionals: [1, 1],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const name = args.positionals[0]!;
    const bytes = readInputFile(resolve(io.cwd, name), name);
    const programs = lineProgramsOf(parseElf32(bytes, name));
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ file: name, units: programs.map(lineProgramJson) }, null, 2) + '\n');
      return EXIT_OK;
    }
    if (programs.length) io.out(formatDecodedLines(programs));
    return EXIT_OK;
  },
};

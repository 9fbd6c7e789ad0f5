// Owns `vdso-lab frames FILE [--interp] [--json]`: prints an ELF32 i386 file's .eh_frame
// and .debug_frame exactly as `readelf --debug-dump=frames` (or frames-interp with
// --interp) prints them; --json gives the parsed CIEs, FDEs and each FDE's rows.
import { readInputFile } from '../../toolchain/input-file';
import { resolve } from 'node:path';
import { EXIT_OK, flag, type CliIo, type Command, type ParsedArgs } from '../command';
import { parseElf32 } from '../../toolchain/elf/reader';
import { frameSectionsOf } from '../../toolchain/dwarf/elf-frames';
import { formatFrameSection } from '../../toolchain/dwarf/readelf-frames';
import { frameSectionJson } from '../../toolchain/dwarf/json';

export const framesCommand: Command = {
  usage: 'FILE [--interp] [--json]',
  options: {
    interp: { type: 'boolean', help: 'print the CFI tables (readelf --debug-dump=frames-interp)' },
    json: { type: 'boolean', help: 'print the parsed CIEs, FDEs and row tables as JSON' },
  },
  positionals: [1, 1],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const name = args.positionals[0]!;
    const bytes = readInputFile(resolve(io.cwd, name), name);
    const elf = parseElf32(bytes, name);
    const sections = frameSectionsOf(elf);
    if (flag(args, 'json')) {
      io.out(JSON.stringify({ file: name, sections: sections.map(frameSectionJson) }, null, 2) + '\n');
      return EXIT_OK;
    }
    const interp = flag(args, 'interp');
    io.out(sections.map((s) => formatFrameSection(s, interp)).join(''));
    return EXIT_OK;
  },
};

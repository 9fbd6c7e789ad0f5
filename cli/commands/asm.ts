// Owns `vdso-lab asm IN.S -o OUT [-c|--exe|--vdso] [-g] [-I DIR] [-D NAME[=VAL]] [--json]`:
// preprocesses a .S (as gcc does; a .s is read as is), assembles it with the GAS front end,
// and writes an ET_REL object (-c, the default), a static program (--exe) or a vDSO image
// (--vdso, linked as check links a stub: toolchain/designs/user-stub.ts) through the object
// writer and the linker; #include searches -I, then vdso/include and the file's folder as every
// build of a stub does. Messages are GNU as-like, with file:line:column; OUT is written
// atomically and only when there was no error.
import { readIncludeCandidate, readInputText } from '../../toolchain/input-file';
import { dirname, resolve } from 'node:path';
import { writeOutputFile } from '../output-file';
import { EXIT_OK, EXIT_USAGE, UsageError, flag, stringOption, type CliIo, type Command, type ParsedArgs } from '../command';
import { assembleSource } from '../../toolchain/asm/assemble-source';
import type { AsmModule, Diagnostic } from '../../toolchain/asm/module';
import { writeObject } from '../../toolchain/elf/write-object';
import { withGeneratedSections } from '../../toolchain/dwarf/emit-sections';
import { linkExec } from '../../toolchain/link/index';
import { linkStub, stubIncludeDirs } from '../../toolchain/designs/user-stub';

function list(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** GNU as's message layout, with the column added. */
export function formatAsmDiagnostic(d: Diagnostic): string {
  const l = d.location;
  return `${l.file}:${l.line}:${l.column}: ${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.message}`;
}

/** Reads, preprocesses (for .S) and assembles; preprocessor diagnostics come first. */
export function assembleFile(path: string, shownName: string, includeDirs: readonly string[], defines: readonly string[]): { module: AsmModule; diagnostics: Diagnostic[] } {
  const text = readInputText(path, shownName);
  // The preprocessor names included files from the name the user gave (relative to the
  // working directory, as gcc does), so they resolve against that directory.
  const base = path.endsWith(shownName) && !shownName.startsWith('.') ? path.slice(0, path.length - shownName.length) || '/' : dirname(path);
  return assembleSource({ file: shownName, text, includeDirs, defines, readFile: hostFileReader(base) });
}

/** Reads files relative to `base` from the host; undefined for a missing one or a folder. */
function hostFileReader(base: string): (path: string) => string | undefined {
  return (p) => readIncludeCandidate(resolve(base, p), p);
}

export const asmCommand: Command = {
  usage: 'IN.S -o OUT [-c|--exe|--vdso] [-g] [-I DIR] [-D NAME[=VAL]] [--json]',
  details: '#include is searched in the -I folders, then in the shipped designs\' vdso/include (vdso-lab.h), then in\nIN.S\'s own folder: as check, alternatives, the debugger and the language server build a .S.',
  options: {
    output: { type: 'string', short: 'o', help: 'the file to write', valueName: 'OUT' },
    compile: { type: 'boolean', short: 'c', help: 'write an ELF32 relocatable object (the default)' },
    exe: { type: 'boolean', help: 'link a static i386 program (entry _start)' },
    vdso: { type: 'boolean', help: 'link a vDSO image (LINUX_2.5/LINUX_2.6 versions of the stubs it defines), as check builds a .S' },
    include: { type: 'string', short: 'I', help: 'add a directory to the #include search (before vdso/include)', valueName: 'DIR', multiple: true },
    define: { type: 'string', short: 'D', help: 'define a preprocessor macro', valueName: 'NAME[=VAL]', multiple: true },
    json: { type: 'boolean', help: 'print the diagnostics and a summary as JSON' },
    debug: { type: 'boolean', short: 'g', help: 'emit DWARF line information (.debug_line) as as -g does' },
  },
  positionals: [1, 1],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const input = args.positionals[0]!;
    const output = stringOption(args, 'output');
    if (!output) throw new UsageError('missing -o OUT');
    const modes = ['compile', 'exe', 'vdso'].filter((m) => flag(args, m));
    if (modes.length > 1) throw new UsageError('give one of -c, --exe, --vdso');
    const mode = modes[0] ?? 'compile';
    const path = resolve(io.cwd, input);
    // The -I folders, then the search every build of a stub has (check, alternatives, the debugger, the language server).
    const includeDirs = [...list(args, 'include').map((d) => resolve(io.cwd, d)), ...stubIncludeDirs(path)];
    const { module, diagnostics } = assembleFile(path, input, includeDirs, list(args, 'define'));
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (flag(args, 'json')) {
      io.out(JSON.stringify({
        input, output, mode,
        diagnostics: diagnostics.map((d) => ({ severity: d.severity, file: d.location.file, line: d.location.line, column: d.location.column, message: d.message })),
        printed: (module.printed ?? []).map((bytes) => new TextDecoder().decode(bytes)),
        sections: module.sections.map((s) => ({ name: s.name, size: s.size, relocations: s.relocations.length })),
        written: errors.length === 0,
      }, null, 2) + '\n');
    } else {
      // What .print gave, on standard output as GNU as writes it (bytes as they are).
      for (const bytes of module.printed ?? []) {
        const line = new Uint8Array(bytes.length + 1);
        line.set(bytes);
        line[bytes.length] = 10;
        if (io.outBytes) io.outBytes(line);
        else io.out(new TextDecoder().decode(line));
      }
      if (diagnostics.length > 0) io.err(`${input}: Assembler messages:\n` + diagnostics.map(formatAsmDiagnostic).join('\n') + '\n');
    }
    if (errors.length > 0) return EXIT_USAGE;
    const debug = flag(args, 'debug') ? { name: input, compDir: io.cwd } : undefined;
    const outPath = resolve(io.cwd, output);
    if (mode === 'vdso') {
      writeOutputFile(outPath, output, linkStub(module, input, debug));
      return EXIT_OK;
    }
    const object = writeObject(withGeneratedSections(module, debug ? { debug } : {}), input);
    if (mode === 'compile') writeOutputFile(outPath, output, object);
    else writeOutputFile(outPath, output, linkExec([{ fileName: input, bytes: object }]), { mode: 0o777 });
    return EXIT_OK;
  },
};

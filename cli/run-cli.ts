// Owns argument parsing, --help, and the mapping of errors to exit statuses for every
// subcommand, help texts included (one path, `failed`); cli/main.ts calls it with the
// process's argv and I/O, tests with their own.
import { parseArgs } from 'node:util';
import { InputError } from '../toolchain/errors';
import { commands, type CommandEntry } from './registry';
import { EXIT_INTERNAL, EXIT_OK, EXIT_OUTPUT_CLOSED, EXIT_USAGE, OutputClosed, OutputFailed, UsageError, type CliIo, type Command, type ParsedArgs } from './command';

function commandHelp(entry: CommandEntry, c: Command): string {
  const lines = [`usage: vdso-lab ${entry.name} ${c.usage}`.trimEnd(), '', entry.summary, ...(c.details ? ['', c.details] : []), ''];
  const names = Object.keys(c.options).sort();
  if (names.length) lines.push('options:');
  for (const name of names) {
    const o = c.options[name]!;
    const short = o.short ? `-${o.short}, ` : '';
    const value = o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
    lines.push(`  ${(short + '--' + name + value).padEnd(28)} ${o.help}`);
  }
  lines.push(`  ${'-h, --help'.padEnd(28)} show this help`);
  return lines.join('\n') + '\n';
}

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: vdso-lab COMMAND [ARGS...]',
    '',
    'Run, step, unwind and check the i386 vDSO __kernel_vsyscall stub.',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'vdso-lab COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

/** Runs one CLI invocation; never throws, returns the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const command = commands.find((c) => c.name === argv[0]);
  try {
    return await dispatch(argv, command, io);
  } catch (e) {
    return failed(e, command, io);
  }
}

/** The exit status of whatever stopped a help text or a command's run, after its one line on stderr. */
function failed(e: unknown, command: CommandEntry | undefined, io: CliIo): number {
  if (e instanceof OutputClosed) return EXIT_OUTPUT_CLOSED;
  const who = command ? `vdso-lab ${command.name}` : 'vdso-lab';
  if (e instanceof UsageError || e instanceof OutputFailed || e instanceof InputError) {
    io.err(`${who}: ${e.message}\n`);
    return EXIT_USAGE;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.path === 'string') {
    io.err(`${who}: ${err.path}: ${err.code === 'ENOENT' ? 'no such file' : err.code}\n`);
    return EXIT_USAGE;
  }
  io.err(`${who}: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.VDSO_LAB_DEBUG) io.err(`${err?.stack ?? ''}\n`);
  return EXIT_INTERNAL;
}

async function dispatch(argv: readonly string[], entry: CommandEntry | undefined, io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (!entry) {
    io.err(`vdso-lab: unknown command '${name}' (see 'vdso-lab --help')\n`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(entry, command));
    return EXIT_OK;
  }
  const options: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean; default?: string }> = {};
  for (const [key, spec] of Object.entries(command.options)) {
    options[key] = { type: spec.type };
    if (spec.short) options[key]!.short = spec.short;
    if (spec.type === 'string' && spec.multiple) options[key]!.multiple = true;
    if (spec.type === 'string' && spec.default !== undefined) options[key]!.default = spec.default;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
  const [min, max] = command.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`missing argument (usage: vdso-lab ${entry.name} ${command.usage})`);
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`);
  return await command.run({ values: parsed.values as ParsedArgs["values"], positionals: parsed.positionals }, io);
}

// Owns the shape of a CLI subcommand and the I/O it is given: every command is a value
// of type Command, registered in cli/registry.ts, parsed by cli/run-cli.ts.

/** What a command may do to the outside world; tests pass an in-memory one. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Bytes to stdout or stderr as they come (a guest's output), blocking while the reader is
   * slow; a negative errno when they cannot be written (-EPIPE: the reader is gone).
   * Without them, commands decode the bytes and use out/err.
   */
  outBytes?(bytes: Uint8Array): number;
  errBytes?(bytes: Uint8Array): number;
  /**
   * A command's own output that goes to stderr (the trace of `run --trace`): as out(), it
   * throws OutputClosed when stderr's reader is gone or stderr was closed (`2>&-`). Without
   * it, commands use err().
   */
  errData?(text: string): void;
  /** stdout was closed when the process started (`>&-`): a command that talks on it directly (a server) refuses to start. */
  readonly outClosed?: boolean;
}

/** Thrown by out() when stdout's reader is gone (`| head`): the command ends quietly. */
export class OutputClosed extends Error {
  override readonly name = 'OutputClosed';
}

/** The status of a command whose output pipe closed: 128 + SIGPIPE, as a tool killed by it. */
export const EXIT_OUTPUT_CLOSED = 141;

/**
 * Thrown by out() when stdout cannot be written for another reason: it was closed when the
 * process started (`>&-`), or the write failed (a full disk). The command ends with one line,
 * "write error: " and the reason (as coreutils say it), and EXIT_USAGE.
 */
export class OutputFailed extends Error {
  override readonly name = 'OutputFailed';
  constructor(readonly reason: string) {
    super(`write error: ${reason}`);
  }
}

export type OptionSpec =
  | { readonly type: 'boolean'; readonly short?: string; readonly help: string }
  | { readonly type: 'string'; readonly short?: string; readonly help: string; readonly multiple?: boolean; readonly valueName?: string; readonly default?: string };

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Exit statuses shared by every command. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
/** A defect of vdso-lab's own (an exception no command reports): EX_SOFTWARE, with one line. */
export const EXIT_INTERNAL = 70;

/** A command's options, help and code; its name and one-line summary are in cli/registry.ts. */
export interface Command {
  /** More for `--help`: what exactly it prints, exit statuses particular to it. */
  readonly details?: string;
  /** The synopsis after "vdso-lab NAME", e.g. "FILE [--interp] [--json]". */
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Minimum and maximum number of positional arguments (max Infinity for any). */
  readonly positionals: readonly [number, number];
  /** Returns the exit status. Throws UsageError or InputError for a status-2 exit. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** A mistake in how the command was called (unknown flag, missing argument). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

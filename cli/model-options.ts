// Owns how the CLI takes the kernel model's options (--cpu, --kernel, --abi, --vdso): their
// help text and allowed values come from toolchain/designs/options.ts, and a value outside
// them is one usage line naming the option and the values it takes.
import { UsageError, stringOption, type OptionSpec, type ParsedArgs } from './command';
import { OPTION_HELP } from '../toolchain/designs/options';

/** The option specs, the same in every command that takes them. */
export const MODEL_OPTIONS = {
  cpu: { type: 'string', valueName: 'CPU', help: OPTION_HELP.cpu },
  kernel: { type: 'string', valueName: 'KIND', help: OPTION_HELP.kernel },
  abi: { type: 'string', valueName: 'ABI', help: OPTION_HELP.abi },
  vdso: { type: 'string', valueName: 'DESIGN|host|none|FILE', help: OPTION_HELP.vdso },
} as const satisfies Record<string, OptionSpec>;

/** The same option where the command runs a matrix: `all` (the default) or one value. */
export function matrixOption(name: 'cpu' | 'kernel', allowed: readonly string[]): OptionSpec {
  return { type: 'string', valueName: name === 'cpu' ? 'CPU' : 'KIND', help: `all (default) or one of ${allowed.join(', ')}: ${OPTION_HELP[name].replace(/; default [^)]*\)$/, ')')}` };
}

/** The value of --NAME, one of `allowed`, else `fallback`. */
export function oneOf<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const v = stringOption(args, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${v}')`);
  return v as T;
}

/** The values of a matrix option: undefined for all, else the one asked for. */
export function allOrOne<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[]): readonly T[] | undefined {
  const v = stringOption(args, name);
  if (v === undefined || v === 'all') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be all or one of ${allowed.join(', ')} (got '${v}')`);
  return [v as T];
}

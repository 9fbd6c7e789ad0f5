// Owns what a fuzz target is (test/fuzz/targets/ holds them): its seeds' kind (bytes or
// text), the seeds the oracles make at run time beside the checked-in corpus
// (test/fuzz/corpus/NAME/), a run of one input, and the error contract every target
// checks: bad input is rejected with the project's own InputError, one line naming the
// file and the place, and anything else is a Violation (a bug: the input is kept).
import { InputError } from '../../toolchain/errors';
import type { Random, Region } from './mutate';

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** accepted: the input was taken; rejected: refused by the error contract. */
export type Outcome = 'accepted' | 'rejected';

export interface FuzzTarget<C = unknown> {
  readonly name: string;
  /** What is fed and what must hold, one line (npm run fuzz -- --list). */
  readonly what: string;
  /** How the common mutator treats the seeds. */
  readonly kind: 'bytes' | 'text';
  /** Inputs `npm test` runs at full scale (test/fuzz/fuzz.test.ts): about two seconds' worth, a count so that the test never depends on the machine's speed. */
  readonly testInputs: number;
  /** A single input slower than this is reported (the watchdog ends the worker at 3x). */
  readonly limitMs?: number;
  /** Seeds made at run time by the oracles (gcc -m32, as, ld) in `dir`, beside the checked-in ones. */
  made?(dir: string): Seed[];
  /** Where mutations of a seed do the most (headers, tables). */
  regions?(seed: Seed): Region[];
  /** Makes input from the seeds instead of the common mutator (structured targets). */
  generate?(rnd: Random, seeds: readonly Seed[]): Uint8Array;
  /** Once per worker, before the first input. */
  prepare?(seeds: readonly Seed[]): C | Promise<C>;
  /** Runs one input; throws a Violation (or anything) when the contract breaks. */
  run(input: Uint8Array, context: C): Outcome | Promise<Outcome>;
}

/** A broken invariant (not an exception the code under test threw). */
export class Violation extends Error {
  override readonly name = 'Violation';
}

/** One line (an assembler message may quote the source's tabs and bytes, as GNU as's do). */
export function oneLine(text: string): boolean {
  return text.length > 0 && !/[\r\n]/.test(text);
}

/** One line without control characters (a tab aside): what a reader's error or a server's log line must be. */
export function printableLine(text: string): boolean {
  return oneLine(text) && !/[\x00-\x08\x0b-\x1f\x7f]/.test(text);
}

/** `e` judged by the error contract for input named `file`: 'rejected', or the exception goes on as a bug. */
export function rejected(e: unknown, file: string): Outcome {
  if (!(e instanceof InputError)) throw e;
  if (!printableLine(e.message)) throw new Violation(`an InputError that is not one printable line: ${JSON.stringify(e.message.slice(0, 200))}`);
  if (e.file !== file || !e.message.startsWith(`${file}: `)) throw new Violation(`an InputError that does not name the file ${file}: ${e.message}`);
  return 'rejected';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Violation(message);
}

export const textOf = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
export const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

// Owns sharing the compiled functions of cold blocks between addresses and programs. Two
// static programs link the same C library code at different addresses (and at different
// distances from their data), so the same start-up code gives cold sources that differ only in
// their large numbers: addresses, return addresses, displacements. Here each such number
// becomes an element of a constant table, and the function built from the rest of the source
// is kept by that text; another block of the same shape gets a new closure over its own table
// and exit table, which shares V8's compiled code instead of parsing and compiling the same
// source again (`new Function` and V8's work on it are most of what cold code costs:
// docs/speed-and-exactness.md). A number in the table has the same value as the literal it
// replaces, so the block runs as its source says. Bounded: the table starts again when full.
import { factoryBody, keptFactory, noteCompiled, noteTaken } from './cold-cache';
import type { BlockFunction } from './compile';

/** A factory for the function of one cold block shape: its exit table and constant table in, the block function out. */
type Factory = (X: Int32Array, K: readonly number[]) => BlockFunction;

const MAX_SHAPES = 4096;
/** Literals below this stay in the source: small counts and offsets are the same in every program, and a literal is cheaper to run than a load. */
const LEAST_SHARED = 256;

const shapes = new Map<string, Factory>();
/** Blocks that took a function already compiled for another block of their shape. */
let taken = 0;

/** How many cold blocks took a function compiled for another block of their shape (tests: that sharing happened). */
export function coldFunctionsTaken(): number {
  return taken;
}

// A quoted string (kept as it is), or an integer literal (decimal or hex) standing alone:
// not part of a name (`r3`), of a float (`1.5`, `1e5`) or of a property access.
const TOKENS = /('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|(?<![\w$.])(0[xX][0-9a-fA-F]+|[0-9]+)(?![\w$.])/g;

/** The cold block function of `source` (a block function's body), with the exit table `exits`. */
export function coldFunction(source: string, exits: Int32Array): BlockFunction {
  const constants: number[] = [];
  const shape = source.replace(TOKENS, (text: string, quoted: string | undefined, literal: string | undefined) => {
    if (quoted !== undefined || literal === undefined) return text;
    const value = Number(literal);
    if (value < LEAST_SHARED) return text;
    constants.push(value);
    return `K[${constants.length - 1}]`;
  });
  let make = shapes.get(shape);
  if (make === undefined) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    // A shape an earlier process compiled (cold-cache.ts), else compiled here and noted for later processes.
    make = keptFactory(shape) as Factory | undefined;
    if (make) taken++;
    else {
      // Generated code is the point of the block compiler (docs/speed-and-exactness.md); its input is our own emitters' output.
      // In parentheses: V8 compiles such a function with its outer one (compile.ts).
      make = new Function('X', 'K', factoryBody(shape)) as Factory;
      noteCompiled(shape);
    }
    shapes.set(shape, make);
  } else {
    taken++;
    noteTaken(shape);
  }
  return make(exits, constants);
}

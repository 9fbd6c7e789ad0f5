// Owns what a data breakpoint watches, from what the user picked: a register that points
// (its value is the address, 4 bytes), a memory expression from the Watch view
// (`*(u16*)($esp+4)`: the address and the cast's size), a symbol (its address and size) or
// an address. The result is what dataBreakpointInfo answers and setDataBreakpoints gets back.
import { evaluateExpression } from './evaluate';
import { frameContext } from './eval-context';
import type { DebugRuntime } from './runtime';
import type { RuntimeFrame } from './types';

export interface DataTarget {
  readonly address: number;
  readonly length: number;
  readonly description: string;
}

const hex = (n: number): string => '0x' + (n >>> 0).toString(16);
const SIZES: Record<string, number> = { u8: 1, char: 1, s8: 1, u16: 2, short: 2, s16: 2, u32: 4, int: 4, s32: 4, long: 4, unsigned: 4 };

/** The memory a register's value points at (4 bytes), for "Break on Value Change" on a register. */
export function registerTarget(name: string, value: number): DataTarget {
  return { address: value >>> 0, length: 4, description: `4 bytes at ${hex(value)} (where ${name} points)` };
}

/** The memory an expression names; an error (one line) when it names none. */
export function expressionTarget(expression: string, runtime: DebugRuntime, frames: readonly RuntimeFrame[], level: number): DataTarget | { readonly error: string } {
  const text = expression.trim();
  const direct = runtime.dataTarget(text);
  if (!('error' in direct)) return direct;
  const ctx = frameContext(runtime, frames, level);
  const deref = /^\*\s*(?:\(\s*(\w+)\s*\*\s*\))?\s*([\s\S]+)$/.exec(text);
  if (deref) {
    const length = deref[1] ? SIZES[deref[1]] : 4;
    if (length === undefined) return { error: `cannot watch through a ${deref[1]!.slice(0, 20)} pointer: use u8, u16 or u32` };
    const r = evaluateExpression(deref[2]!, ctx);
    if (r.kind !== 'value') return { error: r.kind === 'error' ? r.message : 'not an address' };
    return { address: r.value, length, description: `${text.slice(0, 80)} (${length} byte${length > 1 ? 's' : ''} at ${hex(r.value)})` };
  }
  const r = evaluateExpression(text, ctx);
  if (r.kind !== 'value') return { error: r.kind === 'error' ? r.message : 'not an address' };
  return { address: r.value, length: 4, description: `4 bytes at ${hex(r.value)} (where ${text.slice(0, 80)} points)` };
}

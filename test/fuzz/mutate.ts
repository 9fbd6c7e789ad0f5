// Owns the fuzzers' one mutator: a small fixed PRNG (mulberry32) and the ways an input is
// changed: truncation, byte flips, interesting 16/32-bit values written over structure,
// insertions and deletions, and splices from another corpus entry. Text inputs get the
// same treatment with characters that matter to the assembler, the cpp and JSON. Input k of a
// run is a pure function of (seed, k, corpus), so any input can be made again from its
// seed and number alone (test/fuzz/harness.ts relies on that to report a hang).
import { prng, type Random } from '../support/prng';

export type { Random };

/** The PRNG for input `index` of a run with `seed`. */
export function inputRandom(seed: number, index: number): Random {
  return prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

export const pick = (rnd: Random, n: number): number => Math.floor(rnd() * n);

/** Values that sit on the edges of lengths, offsets, counts and signs. */
const SPECIAL = [0, 1, 2, 3, 4, 7, 8, 0x10, 0x20, 0x34, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff];

/** Characters that change how a GAS source, a cpp directive or a JSON frame parses. */
const TEXT_CHARS = ' ,.()%$:;#"\'\\-+*/<>&|^!~0123456789abcdefxyz\n\t_@[]{}=\r';

/** A region of an input where mutations do the most (headers, tables); the whole input when none is known. */
export interface Region {
  readonly start: number;
  readonly size: number;
}

/** One mutated copy of `input`; `other` is a second corpus entry to splice from. */
export function mutateBytes(input: Uint8Array, other: Uint8Array, rnd: Random, regions: readonly Region[] = []): Uint8Array {
  const choose = (): Region => (regions.length && rnd() < 0.85 ? regions[pick(rnd, regions.length)]! : { start: 0, size: input.length });
  const kind = pick(rnd, 6);
  if (kind === 0 || input.length < 8) {
    const r = choose();
    return input.slice(0, rnd() < 0.5 ? pick(rnd, input.length + 1) : Math.min(input.length, r.start + pick(rnd, r.size + 1)));
  }
  let b: Uint8Array = input.slice();
  const steps = 1 + pick(rnd, 6);
  for (let i = 0; i < steps; i++) {
    const r = choose();
    const at = Math.min(b.length - 1, r.start + pick(rnd, Math.max(1, r.size)));
    if (kind === 1) b[at] = pick(rnd, 256);
    else if (kind === 2) b[at] ^= 1 << pick(rnd, 8);
    else if (kind === 3) {
      const value = rnd() < 0.7 ? SPECIAL[pick(rnd, SPECIAL.length)]! : pick(rnd, b.length * 2);
      const width = rnd() < 0.5 ? 4 : rnd() < 0.5 ? 2 : 1;
      for (let k = 0; k < width && at + k < b.length; k++) b[at + k] = (value >>> (8 * k)) & 0xff;
    } else if (kind === 4) {
      const n = 1 + pick(rnd, 16);
      b = rnd() < 0.5 ? concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + n))) : concat(b.subarray(0, at), b.subarray(at, Math.min(b.length, at + n)), b.subarray(at));
    } else {
      const from = pick(rnd, Math.max(1, other.length));
      b = concat(b.subarray(0, at), other.subarray(from, from + 1 + pick(rnd, 64)), b.subarray(at));
    }
    if (b.length === 0) break;
  }
  return b;
}

/** One mutated copy of a text input: characters inserted, runs deleted, lines copied or spliced in. */
export function mutateText(text: string, other: string, rnd: Random): string {
  const n = 1 + pick(rnd, 8);
  for (let j = 0; j < n; j++) {
    const at = pick(rnd, text.length + 1);
    const r = rnd();
    if (r < 0.35) text = text.slice(0, at) + TEXT_CHARS[pick(rnd, TEXT_CHARS.length)] + text.slice(at);
    else if (r < 0.6) text = text.slice(0, at) + text.slice(at + 1 + pick(rnd, 20));
    else if (r < 0.8) {
      const from = pick(rnd, text.length + 1);
      text = text.slice(0, at) + text.slice(from, from + pick(rnd, 80)) + text.slice(at);
    } else if (r < 0.95) {
      const from = pick(rnd, other.length + 1);
      text = text.slice(0, at) + other.slice(from, from + pick(rnd, 120)) + text.slice(at);
    } else {
      const digits = String(SPECIAL[pick(rnd, SPECIAL.length)]!);
      text = text.slice(0, at) + (rnd() < 0.5 ? digits : `0x${Number(digits).toString(16)}`) + text.slice(at);
    }
  }
  return text;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

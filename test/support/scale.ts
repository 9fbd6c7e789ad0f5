// Owns how much of each test's input space a run covers. Full counts and full matrices are what
// CI and `npm test` run; one setting, the environment variable VDSO_LAB_TEST_SCALE, shrinks
// them for the inner loop: "quick" (npm run test:quick) runs a tenth of the randomised counts
// (the differential CPU test's cases, the fuzzers' inputs) and a covering sample of every
// matrix (each value of each dimension at least once); a number in (0, 1] runs that fraction.
// Unset or "full" keeps everything. Anything else stops the run with a message, so a typo
// never silently shrinks CI.

const QUICK = 0.1;

function parseScale(text: string | undefined): number {
  if (text === undefined || text === '' || text === 'full') return 1;
  if (text === 'quick') return QUICK;
  const n = Number(text);
  if (!/^[0-9.]+$/.test(text) || !(n > 0 && n <= 1)) {
    throw new Error(`VDSO_LAB_TEST_SCALE must be full, quick or a number in (0, 1], got '${text}'`);
  }
  return n;
}

/** The fraction of the full counts this run does (1 unless VDSO_LAB_TEST_SCALE says less). */
export const TEST_SCALE = parseScale(process.env.VDSO_LAB_TEST_SCALE);

/** `full` scaled by `scale`, never below `least` (nor above `full`). */
export function scaledAt(scale: number, full: number, least = 1): number {
  return Math.min(full, Math.max(least, Math.round(full * scale)));
}

/** `full` scaled by the setting, never below `least` (nor above `full`). */
export function scaled(full: number, least = 1): number {
  return scaledAt(TEST_SCALE, full, least);
}

/**
 * The members of `all` a run at `scale` covers: every one at full scale; otherwise
 * `scaledAt(scale, all.length, least)` of them spread evenly from the first to the last (both
 * kept), in their order.
 */
export function sampledAt<T>(scale: number, all: readonly T[], least = 1): T[] {
  const n = scaledAt(scale, all.length, least);
  if (n >= all.length) return [...all];
  if (n === 1) return [all[0]!];
  const picked = new Set<number>();
  for (let k = 0; k < n; k++) picked.add(Math.round((k * (all.length - 1)) / (n - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => all[i]!);
}

/** The members of `all` this run covers (sampledAt at the setting). */
export function sampled<T>(all: readonly T[], least = 1): T[] {
  return sampledAt(TEST_SCALE, all, least);
}

type Combination<D extends Record<string, readonly unknown[]>> = { [K in keyof D]: D[K][number] };

/**
 * The combinations of `dimensions` a run at `scale` covers: the whole product at full scale (the last
 * dimension varying fastest); otherwise a diagonal on which every value of every dimension
 * appears at least once (as many combinations as the longest dimension has values), joined by
 * `scaled(product)` combinations spread evenly over the product when that is more.
 */
export function combinationsAt<D extends Record<string, readonly unknown[]>>(scale: number, dimensions: D): Combination<D>[] {
  const keys = Object.keys(dimensions) as (keyof D & string)[];
  const sizes = keys.map((k) => dimensions[k]!.length);
  if (sizes.some((s) => s === 0)) return [];
  const total = sizes.reduce((a, b) => a * b, 1);
  const at = (index: number): number[] => {
    const digits: number[] = new Array<number>(keys.length);
    for (let d = keys.length - 1; d >= 0; d--) {
      digits[d] = index % sizes[d]!;
      index = Math.floor(index / sizes[d]!);
    }
    return digits;
  };
  const make = (digits: readonly number[]): Combination<D> =>
    Object.fromEntries(keys.map((k, d) => [k, dimensions[k]![digits[d]!]])) as Combination<D>;
  if (scale >= 1) return Array.from({ length: total }, (_, i) => make(at(i)));
  const chosen = new Map<string, number[]>();
  const longest = Math.max(...sizes);
  for (let i = 0; i < longest; i++) {
    const digits = sizes.map((s) => i % s);
    chosen.set(digits.join(','), digits);
  }
  const wanted = Math.max(longest, scaledAt(scale, total));
  for (const i of sampledAt(scale, Array.from({ length: total }, (_, k) => k))) {
    if (chosen.size >= wanted) break;
    const digits = at(i);
    chosen.set(digits.join(','), digits);
  }
  return [...chosen.values()].map(make);
}

/** The combinations of `dimensions` this run covers (combinationsAt at the setting). */
export function combinations<D extends Record<string, readonly unknown[]>>(dimensions: D): Combination<D>[] {
  return combinationsAt(TEST_SCALE, dimensions);
}

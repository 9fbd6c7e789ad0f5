// Owns the tests' one small seeded generator (mulberry32): the same numbers for the same seed
// on every run, for the fuzzers' mutator and the seeded edit and document tests.

export type Random = () => number;

/** mulberry32: a number in [0, 1) per call, the same sequence for the same seed. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

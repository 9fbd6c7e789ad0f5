// Owns the process's translations: blocks compiled by any CPU, kept by start address so that
// another CPU (a forked child, a new thread, the same program run again, the checker's next
// configuration) takes the compiled block instead of decoding, emitting and compiling it
// again (`new Function` and V8's compilation of the result are most of a short run's cost:
// docs/speed-and-exactness.md). A translation is taken only when it is what decoding the
// CPU's memory now would compile: the same bytes at the same addresses, executable; no
// instruction breakpoint inside it and one at its start exactly when it was compiled with
// one; the same instructions reading their immediates live. A block only ever ends early
// (before an unmapped page, a breakpoint since cleared), which runs the same. The function
// closes over nothing, so sharing it is invisible to the guest. Both tiers of a block
// (compile.ts) are kept and either may be taken, since they run alike; the newest fitting one
// is taken first, which after a block turned hot is its full form. Bounded: the table starts
// again when full.
import { PROT_EXEC, type Memory } from '../memory/memory';
import type { BlockFunction, BlockParts } from './compile';

/** The parts of a compiled block every CPU may share. */
export type Translation = BlockParts & {
  /** Addresses of the instructions compiled to read their immediate from memory. */
  readonly live: readonly number[];
};

/** Translations kept in all, and per start address. */
const MAX_TRANSLATIONS = 8192;
const PER_ADDRESS = 4;

const translations = new Map<number, Translation[]>();
let count = 0;

/** Keeps `t` for other CPUs (replacing the oldest at its address when there are PER_ADDRESS). */
export function keepTranslation(t: Translation): void {
  if (count >= MAX_TRANSLATIONS) {
    translations.clear();
    count = 0;
  }
  let list = translations.get(t.start);
  if (!list) translations.set(t.start, (list = []));
  else if (list.length >= PER_ADDRESS) {
    list.shift();
    count--;
  }
  list.push(t);
  count++;
}

/**
 * A translation of the block at `address` that decoding `m` now (with instruction breakpoints
 * at `stopsAt`, the immediates at `live` read live) may be replaced by; null when none fits.
 * `held`: the dispatch region and flow functions the CPU holds a valid block of (a translation
 * entering one of them fits: that block's marks keep its members as they were compiled).
 * `full` (a length): only the full form of a block of that many instructions that is no hot
 * block and no region's (decoding from the same bytes gives the same instructions: cpu.ts warm).
 */
export function findTranslation(address: number, single: boolean, m: Memory, stopsAt: ReadonlySet<number>, live: ReadonlySet<number>, held: ReadonlyMap<BlockFunction, number>, full = -1): Translation | null {
  const list = translations.get(address);
  if (!list) return null;
  for (let k = list.length - 1; k >= 0; k--) {
    const t = list[k]!;
    if (full >= 0 && (t.cold || t.hot || t.region || t.length !== full)) continue;
    if (t.single === single && t.breakpoint === stopsAt.has(address) && ((t.region && held.has(t.fn)) || fits(t, m, stopsAt, live))) return t;
  }
  return null;
}

function fits(t: Translation, m: Memory, stopsAt: ReadonlySet<number>, live: ReadonlySet<number>): boolean {
  const insns = t.insns;
  if (stopsAt.size > 0) for (let k = 1; k < insns.length; k++) if (stopsAt.has(insns[k]!.address)) return false;
  if (live.size > 0 || t.live.length > 0) {
    for (const i of insns) if (live.has(i.address) !== t.live.includes(i.address)) return false;
  }
  const spans = t.spans;
  let at = 0;
  for (let k = 0; k < spans.length; k += 2) {
    const length = spans[k + 1]! - spans[k]!;
    if (!m.holds(spans[k]!, t.bytes, at, length, PROT_EXEC)) return false;
    at += length;
  }
  return true;
}

// Owns making input k of a run: the target's own generator, or the common mutator
// (test/fuzz/mutate.ts) over a seed chosen by the input's PRNG and a second seed to splice
// from. A pure function of (seed, k, seeds), so the main thread can make again the input a
// worker hung or died on.
import { inputRandom, mutateBytes, mutateText, pick } from './mutate';
import type { Region } from './mutate';
import { bytesOf, textOf, type FuzzTarget, type Seed } from './target';

export class InputMaker {
  private readonly regions: Region[][];

  constructor(private readonly target: FuzzTarget<never>, private readonly seeds: readonly Seed[], private readonly seed: number) {
    this.regions = seeds.map((s) => target.regions?.(s) ?? []);
  }

  input(index: number): Uint8Array {
    const rnd = inputRandom(this.seed, index);
    if (this.target.generate) return this.target.generate(rnd, this.seeds);
    if (this.seeds.length === 0) throw new Error(`fuzz target ${this.target.name} has no seeds`);
    // The first inputs are the seeds themselves: the corpus (its regressions included) must pass.
    if (index < this.seeds.length) return this.seeds[index]!.bytes;
    const k = pick(rnd, this.seeds.length);
    const base = this.seeds[k]!.bytes;
    const other = this.seeds[pick(rnd, this.seeds.length)]!.bytes;
    if (this.target.kind === 'text') return bytesOf(mutateText(textOf(base), textOf(other), rnd));
    return mutateBytes(base, other, rnd, this.regions[k]);
  }
}

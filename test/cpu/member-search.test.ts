// A flow's member look-up (compile.ts memberSearch): the generated `at(t)` gives the index of
// the member starting at `t` and -1 for every other address, in both of its forms (the
// collision-free hash table and the binary search it falls back to), for member sets of the
// sizes a flow has and larger, with guest addresses above 2 GB (negative as int32), address 0
// and the neighbours of each start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memberSearch } from '../../emulator/x86/compile';
import { prng, type Random } from '../support/prng';

type At = (t: number) => number;

function atOf(source: string): At {
  return new Function(`${source}\nreturn at;`)() as At;
}

/** `count` distinct int32 starts: clustered like a function's blocks, or spread over the address space. */
function starts(random: Random, count: number): number[] {
  const base = Math.floor(random() * 2 ** 32);
  const clustered = random() < 0.5;
  const set = new Set<number>();
  while (set.size < count) set.add((clustered ? base + Math.floor(random() * 4096) : Math.floor(random() * 2 ** 32)) | 0);
  return [...set];
}

function check(at: At, members: readonly number[], random: Random, what: string): void {
  const index = new Map(members.map((a, k) => [a, k]));
  const probes = [0, -1, 0x7fffffff, -0x80000000];
  for (const a of members) probes.push(a, (a + 1) | 0, (a - 1) | 0);
  for (let k = 0; k < 200; k++) probes.push(Math.floor(random() * 2 ** 32) | 0);
  for (const t of probes) assert.equal(at(t), index.get(t) ?? -1, `${what}: at(0x${(t >>> 0).toString(16)})`);
}

test('the member look-up answers each member and only them, by hash and by binary search', () => {
  const random = prng(0x5eed);
  let hashed = 0;
  for (let round = 0; round < 300; round++) {
    const count = 1 + Math.floor(random() * (round < 200 ? 64 : 300));
    const members = starts(random, count);
    const source = memberSearch(members);
    if (source.includes('Math.imul')) hashed++;
    check(atOf(source), members, random, `${count} members, default form`);
    check(atOf(memberSearch(members, 0)), members, random, `${count} members, binary search`);
  }
  // Both forms were exercised (the default finds a hash for nearly every set).
  assert.ok(hashed > 250, `the hash form was chosen for ${hashed} of 300 sets`);
});

// A flow's dispatch (compile.ts flowDispatch): the generated binary search runs the code of the
// member starting at `pc` and the code for no member at every other address, for member sets
// of the sizes a flow has and larger, with guest addresses above 2 GB (negative as int32),
// address 0 and the neighbours of each start. The code it runs does not return (as a flow's
// member calls do not), so a branch that falls through into another's code shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowDispatch } from '../../emulator/x86/compile';
import { prng, type Random } from '../support/prng';

/** What the dispatch ran at `pc`: the members' indices and -1 for the code for no member, in order. */
type At = (pc: number) => string;

function atOf(starts: readonly number[]): At {
  return new Function('pc', `const ran = [];\n${flowDispatch(starts, (k) => `{ran.push(${k});}`, 'ran.push(-1);')}\nreturn ran.join(',');`) as At;
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
  for (const t of probes) assert.equal(at(t), String(index.get(t) ?? -1), `${what}: at(0x${(t >>> 0).toString(16)})`);
}

test('the flow dispatch runs each member at its start and nothing elsewhere', () => {
  const random = prng(0x5eed);
  for (let round = 0; round < 300; round++) {
    const count = 1 + Math.floor(random() * (round < 200 ? 64 : 300));
    const members = starts(random, count);
    check(atOf(members), members, random, `${count} members`);
  }
});

// Owns the NOP padding GNU as 2.40 --32 puts in code sections for alignment (found by
// experiment with `as --32`, default -march): runs of the 7-byte `lea 0(%esi,%eiz,1),%esi`
// with a shorter NOP for the remainder; above 20 bytes a short jump over the padding, above
// 129 bytes a near jump.

/** The single NOPs for 1..7 bytes (5 is GAS's 4+1 pair). */
const NOPS: readonly (readonly number[])[] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x8d, 0x76, 0x00],
  [0x8d, 0x74, 0x26, 0x00],
  [0x8d, 0x74, 0x26, 0x00, 0x90],
  [0x8d, 0xb6, 0x00, 0x00, 0x00, 0x00],
  [0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00],
];

/** The longest single NOP (`.nops`' largest control byte). */
export const MAX_SINGLE_NOP = 7;

/** n bytes of NOPs of `limit` bytes each (5 has no single NOP: 4), the rest one shorter NOP. */
function nopRun(n: number, limit: number, out: number[]): void {
  const each = limit === 5 ? 4 : limit;
  while (n > each) {
    out.push(...NOPS[each]!);
    n -= each;
  }
  out.push(...NOPS[n]!);
}

/** The n padding bytes GAS emits in a code section (and for `.nops n, limit`: NOPs of at most `limit` bytes). */
export function codePadding(n: number, limit = MAX_SINGLE_NOP): number[] {
  const out: number[] = [];
  if (n <= 20) {
    nopRun(n, limit, out);
  } else if (n <= 129) {
    out.push(0xeb, n - 2);
    nopRun(n - 2, limit, out);
  } else {
    const d = n - 5;
    out.push(0xe9, d & 0xff, (d >>> 8) & 0xff, (d >>> 16) & 0xff, (d >>> 24) & 0xff);
    nopRun(d, limit, out);
  }
  return out;
}

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

function nopRun(n: number, out: number[]): void {
  while (n > 7) {
    out.push(...NOPS[7]!);
    n -= 7;
  }
  out.push(...NOPS[n]!);
}

/** The n padding bytes GAS emits in a code section. */
export function codePadding(n: number): number[] {
  const out: number[] = [];
  if (n <= 20) {
    nopRun(n, out);
  } else if (n <= 129) {
    out.push(0xeb, n - 2);
    nopRun(n - 2, out);
  } else {
    const d = n - 5;
    out.push(0xe9, d & 0xff, (d >>> 8) & 0xff, (d >>> 16) & 0xff, (d >>> 24) & 0xff);
    nopRun(d, out);
  }
  return out;
}

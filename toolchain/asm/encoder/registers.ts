// Owns the AT&T register names the encoder knows: the general registers by size (8, 16, 32)
// the segment registers and the x87 stack registers (%st is %st(0)), with their encoding numbers.

export type RegClass = 'r8' | 'r16' | 'r32' | 'seg' | 'st' | 'other';

export interface Register {
  /** The name without `%`, lower case. */
  readonly name: string;
  readonly cls: RegClass;
  /** Encoding number (eax=0 ... edi=7; al cl dl bl ah ch dh bh; es cs ss ds fs gs). */
  readonly num: number;
}

const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const GPR8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
const ST = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => `st(${n})`);
/** Registers GAS knows that no table entry takes (control, debug, MMX, SSE): they parse, then mismatch. */
const OTHER = [
  ...[0, 2, 3, 4].map((n) => `cr${n}`), ...[0, 1, 2, 3, 6, 7].map((n) => `db${n}`), ...[0, 1, 2, 3, 6, 7].map((n) => `dr${n}`),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `mm${n}`),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `xmm${n}`), ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `ymm${n}`),
];

export const REGISTERS: ReadonlyMap<string, Register> = (() => {
  const m = new Map<string, Register>();
  const add = (names: string[], cls: RegClass) => names.forEach((name, num) => m.set(name, { name, cls, num }));
  add(GPR32, 'r32');
  add(GPR16, 'r16');
  add(GPR8, 'r8');
  add(SEGS, 'seg');
  add(ST, 'st');
  m.set('st', { name: 'st', cls: 'st', num: 0 });
  add(OTHER, 'other');
  return m;
})();

/** Size in bytes of a general register class, 0 for the others. */
export function regSize(r: Register): 0 | 1 | 2 | 4 {
  return r.cls === 'r8' ? 1 : r.cls === 'r16' ? 2 : r.cls === 'r32' ? 4 : 0;
}

export const SEG_PREFIX_BYTES: readonly number[] = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

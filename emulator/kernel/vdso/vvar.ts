// Owns the vvar area: the kernel data pages mapped just below the vDSO image that a real
// vDSO's time functions read, at the negative offsets its symbols give (vvar_start,
// vvar_page; without a symbol table, the x86 layout since ~5.x: four pages, vvar_page
// first, struct vdso_data at vvar_page + 0x80, the time-namespace page last).
//
// Decision: the model writes struct vdso_data with clock_mode = VDSO_CLOCKMODE_NONE in both
// clock bases, so every high-resolution clock (__vdso_clock_gettime for REALTIME,
// MONOTONIC, BOOTTIME, TAI, MONOTONIC_RAW; __vdso_gettimeofday) falls back to the system
// call through __kernel_vsyscall: the trace sees it and virtual time stays exact. The coarse
// clocks and __vdso_time read basetime directly, so `refresh` keeps those fields current
// (the run loop calls it before the guest runs and whenever the clocks move).
import type { Memory } from '../../memory/memory';
import { PROT_READ } from '../../memory/memory';

export const PAGE = 4096;
/** struct vdso_data (include/vdso/datapage.h, x86 has no arch data): 240 bytes, two of them (CS_HRES_COARSE, CS_RAW). */
export const VDSO_DATA = {
  seq: 0, clock_mode: 4, cycle_last: 8, mask: 16, mult: 24, shift: 28, basetime: 32,
  tz_minuteswest: 224, tz_dsttime: 228, hrtimer_res: 232, SIZE: 240,
} as const;
export const VDSO_CLOCKMODE_NONE = 0;
/** Offset of the vdso_data array inside the vvar page (DECLARE_VVAR(128, ...)). */
export const VDSO_DATA_OFFSET = 0x80;
/** Four pages: vvar, pvclock, hvclock, timens. */
export const DEFAULT_VVAR_PAGES = 4;

export interface VvarLayout {
  /** vvar_start relative to the image base (negative). */
  readonly start: number;
  /** vvar_page relative to the image base (negative). */
  readonly page: number;
  /** Where the numbers came from. */
  readonly from: 'symbols' | 'default';
}

/** The times the vvar fields hold, in nanoseconds. */
export interface VvarClocks {
  readonly realtime: bigint;
  readonly monotonic: bigint;
  readonly boottime: bigint;
  readonly tai: bigint;
}

const NSEC = 1_000_000_000n;
/**
 * basetime slots by clock id: REALTIME (time(), and the hres base), MONOTONIC, the coarse
 * clocks' own slots REALTIME_COARSE and MONOTONIC_COARSE, BOOTTIME and TAI.
 */
const BASES: ReadonlyArray<[number, keyof VvarClocks]> = [[0, 'realtime'], [1, 'monotonic'], [5, 'realtime'], [6, 'monotonic'], [7, 'boottime'], [11, 'tai']];

export class VvarArea {
  constructor(
    private readonly memory: Memory,
    /** Absolute address of vvar_start. */
    readonly start: number,
    /** Absolute address of vvar_page. */
    readonly page: number,
    readonly size: number,
    readonly layout: VvarLayout,
  ) {}

  /** The same pages in a forked address space. */
  forMemory(memory: Memory): VvarArea {
    return new VvarArea(memory, this.start, this.page, this.size, this.layout);
  }

  /** Absolute address of vdso_data[0] (CS_HRES_COARSE). */
  get data(): number {
    return (this.page + VDSO_DATA_OFFSET) >>> 0;
  }

  /** Rewrites both vdso_data entries: clock_mode NONE, hrtimer_res 1 ns, and the basetimes of `clocks`. */
  refresh(clocks: VvarClocks): void {
    const b = new Uint8Array(2 * VDSO_DATA.SIZE);
    const v = new DataView(b.buffer);
    for (let base = 0; base < 2; base++) {
      const at = base * VDSO_DATA.SIZE;
      v.setUint32(at + VDSO_DATA.seq, 0, true);
      v.setInt32(at + VDSO_DATA.clock_mode, VDSO_CLOCKMODE_NONE, true);
      v.setUint32(at + VDSO_DATA.hrtimer_res, 1, true);
      for (const [id, name] of BASES) {
        const t = clocks[name];
        v.setBigUint64(at + VDSO_DATA.basetime + id * 16, t / NSEC, true);
        v.setBigUint64(at + VDSO_DATA.basetime + id * 16 + 8, t % NSEC, true);
      }
    }
    this.memory.poke(this.data, b);
  }
}

/** Maps the vvar pages (read-only, zeroed) and writes the first vdso_data. */
export function mapVvar(memory: Memory, base: number, layout: VvarLayout, clocks: VvarClocks): VvarArea {
  const start = (base + layout.start) >>> 0;
  const size = -layout.start;
  memory.map(start, size, PROT_READ);
  const area = new VvarArea(memory, start, (base + layout.page) >>> 0, size, layout);
  area.refresh(clocks);
  return area;
}

// Owns the vvar area: the kernel data pages mapped just below the vDSO image that a real
// vDSO's time functions read, and which of the kernel's two layouts of them an image was
// linked against (docs/kernel-facts.md §11):
// - the x86 vvar layout (before 6.15): four pages from vvar_start, struct vdso_data[2] at
//   vvar_page + 0x80, the time-namespace page and the two vclock pages after it;
// - the generic vDSO data store (6.15 and later): six pages from vdso_u_data, struct
//   vdso_time_data (vdso_clock[2], from 6.17 eight auxiliary clocks, then the timezone and
//   hrtimer_res) at its start, the time-namespace and RNG pages next, the vclock pages last.
// The layout comes from the image's own symbols when it has them (vdso_u_time_data /
// vdso_u_data, else vvar_start / vvar_page), else from its Linux version note; the clock
// structure's field offsets from the version (max_cycles since 6.10, the aux clocks since 6.17).
//
// Decision: the model writes clock_mode = VDSO_CLOCKMODE_NONE in both clock bases, so every
// high-resolution clock (__vdso_clock_gettime for REALTIME, MONOTONIC, BOOTTIME, TAI,
// MONOTONIC_RAW; __vdso_gettimeofday) falls back to the system call through __kernel_vsyscall:
// the trace sees it and virtual time stays exact. The coarse clocks and __vdso_time read
// basetime directly, so `refresh` keeps those fields current (the run loop calls it before
// the guest runs and whenever the clocks move). Both layouts are filled the same way.
import type { Memory } from '../../memory/memory';
import { PROT_READ } from '../../memory/memory';

export const PAGE = 4096;
export const VDSO_CLOCKMODE_NONE = 0;

/** A kernel version as LINUX_VERSION_CODE packs it: (major << 16) | (minor << 8) | sublevel. */
export function kernelVersion(major: number, minor: number, sublevel = 0): number {
  return (major << 16) | (minor << 8) | Math.min(sublevel, 255);
}
/** struct vdso_data gains max_cycles (CONFIG_GENERIC_VDSO_OVERFLOW_PROTECT, selected by x86). */
const MAX_CYCLES_SINCE = kernelVersion(6, 10);
/** x86 switches to the generic data store (vdso_u_data, six pages). */
export const DATA_STORE_SINCE = kernelVersion(6, 15);
/** struct vdso_time_data gains aux_clock_data[MAX_AUX_CLOCKS = 8] after clock_data. */
const AUX_CLOCKS_SINCE = kernelVersion(6, 17);

/** Where the fields of one clock base (struct vdso_data / struct vdso_clock) and the shared ones are, in bytes. */
export interface ClockDataLayout {
  readonly seq: number;
  readonly clockMode: number;
  /** basetime[VDSO_BASES]: 16 bytes (sec, nsec) per clock id. */
  readonly basetime: number;
  /** Distance between clock_data[CS_HRES_COARSE] and clock_data[CS_RAW]. */
  readonly stride: number;
  /** From the start of the time data. */
  readonly tzMinuteswest: number;
  readonly hrtimerRes: number;
}

/** The clock structure the kernel of `version` (LINUX_VERSION_CODE; undefined: unknown, taken as before 6.10) writes. */
export function clockDataLayout(version: number | undefined, dataStore: boolean): ClockDataLayout {
  const v = version ?? 0;
  const basetime = v >= MAX_CYCLES_SINCE || dataStore ? 40 : 32;
  const clock = basetime + 12 * 16;
  if (dataStore) {
    // struct vdso_clock: the timezone and hrtimer_res follow the clock arrays once, in vdso_time_data.
    const clocks = (v >= AUX_CLOCKS_SINCE ? 2 + 8 : 2) * clock;
    return { seq: 0, clockMode: 4, basetime, stride: clock, tzMinuteswest: clocks, hrtimerRes: clocks + 8 };
  }
  // struct vdso_data: every entry carries tz_minuteswest, tz_dsttime, hrtimer_res, __unused.
  return { seq: 0, clockMode: 4, basetime, stride: clock + 16, tzMinuteswest: clock, hrtimerRes: clock + 8 };
}

export interface VvarLayout {
  /** The first data page relative to the image base (negative): vvar_start or vdso_u_data. */
  readonly start: number;
  /** The time data (vdso_data[0] or vdso_time_data) relative to the image base. */
  readonly data: number;
  readonly clock: ClockDataLayout;
  readonly kind: 'vvar' | 'data store';
  /** Where the numbers came from. */
  readonly from: 'symbols' | 'version note' | 'default';
  /** The image's LINUX_VERSION_CODE, when its note gives one. */
  readonly version: number | undefined;
}

/** Offset of the vdso_data array inside the x86 vvar page (DECLARE_VVAR(128, ...)). */
const VVAR_DATA_OFFSET = 0x80;
/** x86 vvar layout: vvar, pvclock, hvclock, timens. */
const VVAR_PAGES = 4;
/** Generic data store on x86 (__VDSO_PAGES): time, timens, rng, (arch), pvclock, hvclock. */
const DATA_STORE_PAGES = 6;

/** What an image tells about its data pages: symbol values (image-relative) and its version note. */
export interface VvarEvidence {
  readonly symbol: (name: string) => number | undefined;
  readonly version: number | undefined;
  /** The image has time functions (__vdso_*): without symbols, a default layout is assumed. */
  readonly hasTimeFunctions: boolean;
}

/** The layout an image was linked against, or undefined for an image with no data pages. */
export function chooseVvarLayout(e: VvarEvidence): VvarLayout | undefined {
  const neg = (name: string): number | undefined => {
    const v = e.symbol(name);
    return v !== undefined && (v | 0) < 0 ? v | 0 : undefined;
  };
  const storeStart = neg('vdso_u_data') ?? neg('vdso_u_time_data');
  if (storeStart !== undefined) {
    const data = neg('vdso_u_time_data') ?? storeStart;
    return { start: storeStart, data, clock: clockDataLayout(e.version, true), kind: 'data store', from: 'symbols', version: e.version };
  }
  const vvarStart = neg('vvar_start');
  if (vvarStart !== undefined) {
    const page = neg('vvar_page') ?? vvarStart;
    // 6.15 and later keep vvar_start = vvar_page = vdso_u_data for vdso2c's sake.
    if (e.version !== undefined && e.version >= DATA_STORE_SINCE) {
      return { start: vvarStart, data: page, clock: clockDataLayout(e.version, true), kind: 'data store', from: 'symbols', version: e.version };
    }
    return { start: vvarStart, data: page + VVAR_DATA_OFFSET, clock: clockDataLayout(e.version, false), kind: 'vvar', from: 'symbols', version: e.version };
  }
  if (!e.hasTimeFunctions) return undefined;
  if (e.version !== undefined && e.version >= DATA_STORE_SINCE) {
    const start = -DATA_STORE_PAGES * PAGE;
    return { start, data: start, clock: clockDataLayout(e.version, true), kind: 'data store', from: 'version note', version: e.version };
  }
  const start = -VVAR_PAGES * PAGE;
  return { start, data: start + VVAR_DATA_OFFSET, clock: clockDataLayout(e.version, false), kind: 'vvar', from: e.version === undefined ? 'default' : 'version note', version: e.version };
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
  /** The bytes `refresh` writes (from `data`), reused. */
  private readonly buffer: Uint8Array;
  private readonly view: DataView;

  constructor(
    private readonly memory: Memory,
    /** Absolute address of the first data page. */
    readonly start: number,
    readonly size: number,
    readonly layout: VvarLayout,
  ) {
    const c = layout.clock;
    this.buffer = new Uint8Array(layout.kind === 'vvar' ? 2 * c.stride : c.hrtimerRes + 4);
    this.view = new DataView(this.buffer.buffer);
  }

  /** The same pages in a forked address space. */
  forMemory(memory: Memory): VvarArea {
    return new VvarArea(memory, this.start, this.size, this.layout);
  }

  /** Absolute address of the time data (vdso_data[CS_HRES_COARSE] or vdso_time_data). */
  get data(): number {
    return (this.start + this.layout.data - this.layout.start) >>> 0;
  }

  /** Rewrites both clock bases: clock_mode NONE, the basetimes of `clocks`, hrtimer_res 1 ns, timezone 0. */
  refresh(clocks: VvarClocks): void {
    const c = this.layout.clock;
    const v = this.view;
    for (let base = 0; base < 2; base++) {
      const at = base * c.stride;
      v.setUint32(at + c.seq, 0, true);
      v.setInt32(at + c.clockMode, VDSO_CLOCKMODE_NONE, true);
      for (const [id, name] of BASES) {
        const t = clocks[name];
        v.setBigUint64(at + c.basetime + id * 16, t / NSEC, true);
        v.setBigUint64(at + c.basetime + id * 16 + 8, t % NSEC, true);
      }
      if (this.layout.kind === 'vvar') v.setUint32(at + c.hrtimerRes, 1, true);
    }
    v.setUint32(c.hrtimerRes, 1, true);
    this.memory.poke(this.data, this.buffer);
  }
}

/** Maps the data pages (read-only, zeroed) and writes the clock data. */
export function mapVvar(memory: Memory, base: number, layout: VvarLayout, clocks: VvarClocks): VvarArea {
  const start = (base + layout.start) >>> 0;
  const size = -layout.start;
  memory.map(start, size, PROT_READ);
  const area = new VvarArea(memory, start, size, layout);
  area.refresh(clocks);
  return area;
}

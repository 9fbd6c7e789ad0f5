// Owns the segment descriptors user code can see and the access rules that read them: the
// model kernel's GDT entries a CPL 3 program can name (the 32-bit user code and data
// segments, the 64-bit code segment and the CPUNODE entry of a 64-bit kernel; TLS and LDT
// entries come from the kernel model through Cpu.setDescriptor), and LAR, LSL, VERR and VERW
// as the SDM (vol. 2) defines them for CPL 3. Values: docs/kernel-facts.md §10.
import type { KernelKind } from '../../toolchain/designs/options';
import { userSelectors } from './state';

/** A descriptor as its two little-endian dwords. */
export interface Descriptor {
  readonly lo: number;
  readonly hi: number;
}

/** GDT_ENTRY_INIT(flags, 0, 0xfffff): a flat 4 GiB segment; `access` is the type/S/DPL/P byte, `flags` the G/D/L nibble. */
function flat(access: number, flags: number): Descriptor {
  return { lo: 0x0000ffff, hi: ((flags << 20) | 0xf0000 | (access << 8)) >>> 0 };
}

/** The 64-bit kernel's user code segment (GDT 6): L set, D clear. */
export const USER64_CODE_SELECTOR = 0x33;

/**
 * The static GDT entry at `selector` (TI = 0) that user code may name, or undefined. The
 * CPUNODE entry (a 64-bit kernel's GDT 15) keeps the CPU and node number in its limit, the
 * value IA32_TSC_AUX holds.
 */
export function gdtDescriptor(kernel: KernelKind, selector: number, tscAux: number): Descriptor | undefined {
  const index = selector >>> 3;
  const user = userSelectors(kernel);
  if (index === user.code >>> 3) return flat(0xfb, 0xc);
  if (index === user.data >>> 3) return flat(0xf3, 0xc);
  if (kernel === 'compat64' && index === USER64_CODE_SELECTOR >>> 3) return flat(0xfb, 0xa);
  if (kernel === 'compat64' && index === 15) {
    return { lo: tscAux & 0xffff, hi: ((tscAux & 0xf0000) | 0x40f500) >>> 0 };
  }
  return undefined;
}

/** The descriptor's 8 bytes (as modify_ldt and set_thread_area build them) as two dwords. */
export function descriptorOf(bytes: Uint8Array): Descriptor {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return { lo: dv.getUint32(0, true), hi: dv.getUint32(4, true) };
}

const S = 1 << 12;
const PRESENT = 1 << 15;

function dpl(d: Descriptor): number {
  return (d.hi >>> 13) & 3;
}

function type(d: Descriptor): number {
  return (d.hi >>> 8) & 0xf;
}

function isCode(d: Descriptor): boolean {
  return (d.hi & S) !== 0 && (type(d) & 8) !== 0;
}

function conforming(d: Descriptor): boolean {
  return isCode(d) && (type(d) & 4) !== 0;
}

/** The DPL test of LAR/LSL/VERR/VERW at CPL 3: a non-conforming segment needs DPL >= max(CPL, RPL) = 3. */
function privileged(d: Descriptor): boolean {
  return !conforming(d) && dpl(d) < 3;
}

/** System descriptor types LAR accepts (TSS, LDT, gates); LSL accepts those without the gates. */
const LAR_SYSTEM_TYPES = new Set([1, 2, 3, 4, 5, 9, 0xb, 0xc]);
const LSL_SYSTEM_TYPES = new Set([1, 2, 3, 9, 0xb]);

export type SegmentProbe = 'lar' | 'lsl' | 'verr' | 'verw';

/**
 * The outcome of LAR/LSL/VERR/VERW on a descriptor (undefined: null selector or outside the
 * tables): the value LAR/LSL load (access rights masked to the operand size by the caller,
 * the byte-granular limit), 0 for VERR/VERW success, or -1 when ZF is cleared.
 */
export function probe(kind: SegmentProbe, d: Descriptor | undefined): number {
  if (!d || privileged(d)) return -1;
  const system = (d.hi & S) === 0;
  switch (kind) {
    case 'lar':
      if (system && !LAR_SYSTEM_TYPES.has(type(d))) return -1;
      return d.hi & 0x00ffff00;
    case 'lsl': {
      if (system && !LSL_SYSTEM_TYPES.has(type(d))) return -1;
      const limit = (d.lo & 0xffff) | (d.hi & 0xf0000);
      return d.hi & (1 << 23) ? ((limit << 12) | 0xfff) >>> 0 : limit;
    }
    case 'verr':
      if (system) return -1;
      return isCode(d) && (type(d) & 2) === 0 ? -1 : 0;
    case 'verw':
      if (system || isCode(d) || (type(d) & 2) === 0) return -1;
      return 0;
  }
}

/** A 64-bit code segment (L set): the 64-bit kernel's __USER_CS. */
export function isLongModeCode(d: Descriptor): boolean {
  return isCode(d) && (d.hi & (1 << 21)) !== 0;
}

/** Whether a loaded data segment register may hold it: a present writable/readable data or readable code segment, DPL 3. */
export function loadable(d: Descriptor): 'ok' | 'gp' | 'np' {
  if ((d.hi & S) === 0) return 'gp';
  if (isCode(d) ? (type(d) & 2) === 0 : false) return 'gp';
  if (privileged(d)) return 'gp';
  return d.hi & PRESENT ? 'ok' : 'np';
}

/** Linux's UMIP emulation (arch/x86/kernel/umip.c) for a 32-bit process: SGDT's and SIDT's dummy bases (limit 0), truncated to 4 bytes. */
export const UMIP_DUMMY_GDT_BASE = 0xfffe0000;
export const UMIP_DUMMY_IDT_BASE = 0xffff0000;
/** What STR returns under UMIP emulation: the TSS selector (GDT 8 on a 64-bit kernel, 16 on a 32-bit one). */
export function umipTaskRegister(kernel: KernelKind): number {
  return kernel === 'compat64' ? 0x40 : 0x80;
}

/** What SLDT returns: 0 until the process has an LDT, then the LDT selector (GDT 10 on a 64-bit kernel, 17 on a 32-bit one). */
export function umipLdtRegister(kernel: KernelKind, hasLdt: boolean): number {
  return hasLdt ? (kernel === 'compat64' ? 0x50 : 0x88) : 0;
}

/** The CR0 value SMSW returns under UMIP emulation, and the real one (no TS since eager FPU): PE MP ET NE WP AM PG. */
export const UMIP_CR0 = 0x80050033;

/**
 * SGDT's and SIDT's 6 bytes at CPL 3 in a 32-bit process: the limit and the low 32 bits of
 * the base. With UMIP, Linux's dummy values (limit 0); without it, the tables the kernel
 * loaded (docs/kernel-facts.md §10): on a 64-bit kernel the read-only IDT at
 * CPU_ENTRY_AREA_RO_IDT 0xfffffe0000000000 (limit 256 * 16 - 1) and each CPU's GDT in its
 * cpu_entry_area, 0xfffffe0000001000 + cpu * 0x3b000 (limit GDT_ENTRIES 16 * 8 - 1); on a
 * 32-bit kernel the same arrangement at the model's CPU_ENTRY_AREA_BASE, 8-byte gates and
 * 32 GDT entries.
 */
export function systemTableLimit(kernel: KernelKind, table: 'gdt' | 'idt', umip: boolean): number {
  if (umip) return 0;
  if (table === 'idt') return kernel === 'compat64' ? 256 * 16 - 1 : 256 * 8 - 1;
  return kernel === 'compat64' ? 16 * 8 - 1 : 32 * 8 - 1;
}

/** The size of struct cpu_entry_area, the stride of the per-CPU GDTs (config dependent: the model's choice). */
const CPU_ENTRY_AREA_SIZE = { compat64: 0x3b000, native32: 0x6000 } as const;
/** CPU_ENTRY_AREA_BASE, low 32 bits (a 32-bit kernel's depends on its fixmap size: the model's choice). */
const CPU_ENTRY_AREA_BASE = { compat64: 0x00000000, native32: 0xff800000 } as const;

export function systemTableBase(kernel: KernelKind, table: 'gdt' | 'idt', cpu: number, umip: boolean): number {
  if (umip) return table === 'gdt' ? UMIP_DUMMY_GDT_BASE : UMIP_DUMMY_IDT_BASE;
  const base = CPU_ENTRY_AREA_BASE[kernel];
  return table === 'idt' ? base : (base + 0x1000 + cpu * CPU_ENTRY_AREA_SIZE[kernel]) >>> 0;
}

// Owns the run-time helpers the generated code calls for rare or wide operations: flag
// materialisation, conditions, faults and kernel entries (building the stop record),
// division, rotates through carry, double shifts, BCD, cpuid and segment loads. One instance
// per CPU (it carries the CPU's stop record and scratch outputs).
import { EV_FAULT, EV_WATCH, type Memory } from '../memory/memory';
import { AF, CF, OF, PF, SF, ZF } from '../../toolchain/isa/ops';
import { EXIT_DYNAMIC, EXIT_STOP } from './emit';
import { computeFlags, cond, parity } from './flags';
import type { CpuState } from './state';
import type { Fault, KernelEntry, Stop } from './stop';
import { USER_WRITABLE_FLAGS } from './state';
import { cpuidLeaf } from './cpuid';
import { repMovs, repStos } from './string-bulk';
import { sysenterAllowed, syscallAllowed } from '../../toolchain/designs/options';
import { executeX87, fpeCode, X87_FAULT, type X87Outcome } from './fpu/exec';
import { gdtDescriptor, isLongModeCode, loadable, probe, systemTableBase, systemTableLimit, umipLdtRegister, umipTaskRegister, type Descriptor, type SegmentProbe } from './descriptors';

const STATUS = CF | PF | AF | ZF | SF | OF;

/** The kernel entries a stop names, made once (a system call's stop allocates only itself). */
const SYSENTER_ENTRY: KernelEntry = { via: 'sysenter' };
const SYSCALL_ENTRY: KernelEntry = { via: 'syscall' };
const INT_ENTRIES: KernelEntry[] = [];
function intEntry(vector: number): KernelEntry {
  return (INT_ENTRIES[vector & 0xff] ??= { via: 'int', vector: vector & 0xff });
}

export class Helpers {
  /** The last kernel stop made (reused while the next is the same). */
  private lastKernelStop: Extract<Stop, { kind: 'kernel' }> = { kind: 'kernel', entry: SYSENTER_ENTRY, address: -1 };
  /** Secondary results of the last helper (new flags, remainder). */
  out = 0;
  out2 = 0;
  /** The stop the last EXIT_STOP exit recorded. */
  stop: Stop | null = null;
  /** Stores that reached compiled code (memEvent): a flow (compile.ts compileFlow) goes on only while this stays. */
  codeWrites = 0;
  /** Selector -> base for loadable data segments (the kernel model's GDT/TLS entries). */
  readonly segmentBases = new Map<number, number>();
  /** Selector & 0xfffc -> descriptor the kernel model wrote (LDT entries, GDT TLS entries). */
  readonly descriptors = new Map<number, Descriptor>();
  /** Whether modify_ldt has written the LDT (it stays allocated when its entries are cleared). */
  hasLdt = false;

  readonly F_DE: Fault = { vector: 'DE' };
  readonly F_BP: Fault = { vector: 'BP' };
  readonly F_ICEBP: Fault = { vector: 'DB', reason: 'icebp' };
  readonly F_OF: Fault = { vector: 'OF' };
  readonly F_BR: Fault = { vector: 'BR' };

  readonly flags = computeFlags;
  readonly cond = cond;
  readonly repMovs = repMovs;
  readonly repStos = repStos;

  /** The outcome of the last x87 instruction (sem-x87.ts reads `value`). */
  readonly x87out: X87Outcome = { code: 0, fault: null, value: 0 };

  /** One x87 instruction (fpu/exec.ts); returns 0, 1 (page fault pending in m) or EXIT_STOP with the fault recorded. */
  x87(s: CpuState, m: Memory, id: number, ea: number, info: number, cond: boolean, address: number): number {
    const site = {
      rm: info & 7, opSize: (info & 8 ? 2 : 4) as 2 | 4, dataSelector: s.seg[(info >> 4) & 7] ?? 0, hasMem: (info & 0x80) !== 0,
      wait: (info & 0x100) !== 0, fop: info >>> 9,
    };
    const out = this.x87out;
    executeX87(s, m, id, ea, site, cond, address, out);
    if (out.code !== X87_FAULT) return out.code;
    return this.fault(out.fault === 'MF' ? { vector: 'MF', code: fpeCode(s.fpu) } : this.gp(0), address);
  }

  gp(code: number): Fault {
    return { vector: 'GP', code, reason: 'general protection' };
  }

  ud(m: Memory, address: number, length: number): Fault {
    const bytes = m.read(address, Math.max(1, Math.min(length, 15)), 1);
    return { vector: 'UD', bytes: bytes instanceof Uint8Array ? [...bytes] : [] };
  }

  fault(f: Fault, address: number): number {
    this.stop = { kind: 'fault', fault: f, address: address >>> 0 };
    return EXIT_STOP;
  }

  /** The instruction needs what the model does not emulate (a far transfer to a 64-bit code segment). */
  unemulated(what: string, address: number): number {
    this.stop = { kind: 'unemulated', what, address: address >>> 0 };
    return EXIT_STOP;
  }

  /** Whether `selector` names a 64-bit (L) code segment: a far transfer there leaves compatibility mode. */
  longModeCode(s: CpuState, selector: number): boolean {
    const d = this.descriptor(s, selector & 0xffff);
    return d !== undefined && isLongModeCode(d);
  }

  /** A trap (after the instruction): eip already points past it. */
  trap(f: Fault, address: number): number {
    this.stop = { kind: 'fault', fault: f, address: address >>> 0 };
    return EXIT_STOP;
  }

  pageFault(m: Memory, address: number): number {
    const pf = m.fault!;
    m.ev = 0;
    m.fault = null;
    this.stop = { kind: 'fault', fault: { ...pf, vector: 'PF' }, address: address >>> 0 };
    return EXIT_STOP;
  }

  /** After an instruction whose accesses raised non-fault events (watchpoint, store to code). */
  memEvent(m: Memory, address: number): number {
    const ev = m.ev;
    if (ev & EV_FAULT) return this.pageFault(m, address);
    m.ev = 0;
    if (ev & EV_WATCH) {
      this.stop = { kind: 'watchpoint', watched: m.watchHit, address: address >>> 0 };
      return EXIT_STOP;
    }
    // EV_CODE_WRITE: the blocks on the page are gone; continue by looking the next eip up.
    this.codeWrites++;
    return EXIT_DYNAMIC;
  }

  /**
   * The memory exit of instruction `k` of a block (emit.ts `memoryExit`; `table` is the block's
   * exit table, compile.ts `exitTable`; `n` the instructions its loop completed before this
   * pass): a fault leaves before the instruction, events after it. Sets eip and the count.
   */
  memoryExit(s: CpuState, m: Memory, table: Int32Array, k: number, n: number): number {
    if ((m.ev & EV_FAULT) !== 0) {
      s.pc = table[2 * k]!;
      s.icount += n + k;
      return this.pageFault(m, s.eip);
    }
    s.pc = table[2 * k + 1]!;
    s.icount += n + k + 1;
    return this.memEvent(m, table[2 * k]! >>> 0);
  }

  kernel(via: 'int' | 'sysenter' | 'syscall', vector: number, address: number): number {
    const entry = via === 'sysenter' ? SYSENTER_ENTRY : via === 'syscall' ? SYSCALL_ENTRY : intEntry(vector);
    // Stops are never written: a loop's system calls, made by one instruction, share one.
    const last = this.lastKernelStop;
    if (last.entry === entry && last.address === address >>> 0) this.stop = last;
    else this.stop = this.lastKernelStop = { kind: 'kernel', entry, address: address >>> 0 };
    return EXIT_STOP;
  }

  sysenterValid(s: CpuState): boolean {
    return sysenterAllowed(s.model, s.kernel);
  }

  syscallValid(s: CpuState): boolean {
    return syscallAllowed(s.model, s.kernel);
  }

  cpuid(s: CpuState, eax: number, ecx: number): Int32Array {
    return cpuidLeaf(s.model, eax >>> 0, ecx >>> 0, s.umip);
  }

  popOther(other: number, v: number, w: number): number {
    const mask = (w === 2 ? USER_WRITABLE_FLAGS & 0xffff : USER_WRITABLE_FLAGS) & ~STATUS;
    return ((other & ~mask) | (v & mask) | 2) >>> 0;
  }

  /**
   * Whether `selector` may be loaded into segment register `seg` (ds es fs gs: null, or a
   * present readable DPL 3 descriptor; ss: the one user stack segment); when not,
   * `segmentFault` is the #GP or #NP to raise.
   */
  segmentOk(s: CpuState, seg: number, selector: number): boolean {
    const code = selector & 0xfffc;
    if (seg === 2 ? selector === s.seg[2] : code === 0) return true;
    const d = seg === 2 ? undefined : this.descriptor(s, selector);
    const verdict = d ? loadable(d) : 'gp';
    if (verdict === 'ok') return true;
    this.segmentFault = verdict === 'np' ? { vector: 'NP', code } : this.gp(code);
    return false;
  }

  /** The fault of the last refused segment load (segmentOk). */
  segmentFault: Fault = this.gp(0);

  setSegment(s: CpuState, seg: number, selector: number): void {
    s.seg[seg] = selector;
    const base = (selector & 0xfffc) === 0 ? 0 : this.segmentBases.get(selector | 3) ?? 0;
    if (seg === 4) s.fsBase = base | 0;
    if (seg === 5) s.gsBase = base | 0;
    if (seg === 2) s.inhibitTrap = true;
  }

  /** The descriptor a selector names (undefined: the null selector, or no entry there). */
  descriptor(s: CpuState, selector: number): Descriptor | undefined {
    if ((selector & 0xfffc) === 0) return undefined;
    return this.descriptors.get(selector & 0xfffc) ?? (selector & 4 ? undefined : gdtDescriptor(s.kernel, selector, s.tscAux));
  }

  /** LAR/LSL/VERR/VERW on a selector: the value loaded, or -1 (ZF cleared). */
  segmentProbe(s: CpuState, kind: SegmentProbe, selector: number): number {
    return probe(kind, this.descriptor(s, selector & 0xffff));
  }

  /** SGDT's / SIDT's limit (UMIP on or off). */
  tableLimit(s: CpuState, table: 'gdt' | 'idt'): number {
    return systemTableLimit(s.kernel, table, s.umip);
  }

  /** SGDT's / SIDT's base, low 32 bits; the GDT is the current CPU's (IA32_TSC_AUX's low 12 bits). */
  tableBase(s: CpuState, table: 'gdt' | 'idt'): number {
    return systemTableBase(s.kernel, table, s.tscAux & 0xfff, s.umip) | 0;
  }

  /** SLDT's value, UMIP on (Linux's emulation) or off (the LDTR itself): the same selector. */
  ldtRegister(s: CpuState): number {
    return umipLdtRegister(s.kernel, this.hasLdt);
  }

  /** STR's value, UMIP on or off: the TSS selector. */
  taskRegister(s: CpuState): number {
    return umipTaskRegister(s.kernel);
  }

  /** Divides hi:lo (width w each) by d; false on #DE; quotient in out, remainder in out2. */
  divide(signed: boolean, w: number, hi: number, lo: number, d: number): boolean {
    const bits = w * 8;
    if (w === 4) {
      const dividend = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      if (signed) {
        const n = BigInt.asIntN(64, dividend);
        const dv = BigInt(d | 0);
        if (dv === 0n) return false;
        const q = n / dv;
        if (q > 0x7fffffffn || q < -0x80000000n) return false;
        this.out = Number(q) | 0;
        this.out2 = Number(n % dv) | 0;
        return true;
      }
      const dv = BigInt(d >>> 0);
      if (dv === 0n) return false;
      const q = dividend / dv;
      if (q > 0xffffffffn) return false;
      this.out = Number(q) | 0;
      this.out2 = Number(dividend % dv) | 0;
      return true;
    }
    const mask = w === 2 ? 0xffff : 0xff;
    if (signed) {
      const n = ((hi << bits) | lo) << (32 - 2 * bits) >> (32 - 2 * bits);
      const dv = (d << (32 - bits)) >> (32 - bits);
      if (dv === 0) return false;
      const q = Math.trunc(n / dv);
      const limit = 1 << (bits - 1);
      if (q >= limit || q < -limit) return false;
      this.out = q & mask;
      this.out2 = (n - q * dv) & mask;
      return true;
    }
    const n = (hi * (1 << bits) + lo) >>> 0;
    if (d === 0) return false;
    const q = Math.floor(n / d);
    if (q > mask) return false;
    this.out = q;
    this.out2 = n % d;
    return true;
  }

  /** rol ror rcl rcr (code 0..3) of a w-byte value; new status flags in out. */
  rotate(code: number, w: number, a: number, cnt: number, f: number): number {
    const bits = w * 8;
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    let v = a >>> 0;
    let cf = f & CF;
    if (code >= 2) {
      const n = cnt % (bits + 1);
      if (n === 0) {
        this.out = f;
        return a;
      }
      for (let k = 0; k < n; k++) {
        if (code === 2) {
          const out = (v >>> (bits - 1)) & 1;
          v = ((v * 2) & mask) | cf;
          cf = out;
        } else {
          const out = v & 1;
          v = (v >>> 1) | (cf ? 2 ** (bits - 1) : 0);
          cf = out;
        }
      }
      v >>>= 0;
      const of = ((v ^ a) >>> (bits - 1)) & 1;
      this.out = (f & ~(CF | OF)) | cf | (of ? OF : 0);
      return bits === 32 ? v | 0 : v;
    }
    this.out = f;
    return a;
  }

  /** shld (left) / shrd of a by count c (1..31) shifting in b; new status flags in out. */
  shiftDouble(left: boolean, w: number, a: number, b: number, c: number, f: number): number {
    if (c === 0) {
      this.out = f;
      return a;
    }
    let r: number;
    let cf: number;
    let of: number;
    if (w === 4) {
      if (left) {
        r = (a << c) | (b >>> (32 - c));
        cf = (a >>> (32 - c)) & 1;
        of = cf ^ (r >>> 31);
      } else {
        r = (a >>> c) | (b << (32 - c));
        const t = a >>> (c - 1);
        cf = t & 1;
        of = ((t ^ r) >>> 31) & 1;
      }
    } else {
      const y = ((b << 16) | a) >>> 0;
      if (left) {
        r = ((a << c) | (y >>> (32 - c))) & 0xffff;
        cf = ((a << (c - 1)) >>> 15) & 1;
        of = cf ^ (r >>> 15);
      } else {
        const t = y >>> (c - 1);
        r = ((y >>> c) | (a << (32 - c))) & 0xffff;
        cf = t & 1;
        of = ((t ^ r) >>> 15) & 1;
      }
    }
    const v = w === 4 ? r >>> 0 : r;
    const top = w === 4 ? v >>> 31 : v >>> 15;
    this.out = (f & ~STATUS) | cf | (of ? OF : 0) | parity(v) | (v === 0 ? ZF : 0) | (top ? SF : 0);
    return w === 4 ? r | 0 : r;
  }

  /** BCD adjustments on ax; new status flags in out. */
  bcd(name: string, ax: number, f: number, imm: number): number {
    let al = ax & 0xff;
    let ah = (ax >>> 8) & 0xff;
    let cf = f & CF;
    let af = f & AF;
    let of = 0;
    switch (name) {
      case 'aaa':
      case 'aas':
        if ((al & 0x0f) > 9 || af) {
          if (name === 'aaa') {
            ax = (ax + 0x106) & 0xffff;
          } else {
            ax = (ax - 6) & 0xffff;
            ax = (ax & 0xff) | ((((ax >>> 8) - 1) & 0xff) << 8);
          }
          f |= AF | CF;
        } else {
          f &= ~(AF | CF);
        }
        this.out = f;
        return ax & 0xff0f;
      case 'daa':
      case 'das': {
        const oldAl = al;
        const oldCf = cf;
        cf = 0;
        if ((al & 0x0f) > 9 || af) {
          const t = name === 'daa' ? al + 6 : al - 6;
          cf = oldCf | (t > 0xff || t < 0 ? CF : 0);
          al = t & 0xff;
          af = AF;
        } else {
          af = 0;
        }
        if (oldAl > 0x99 || oldCf) {
          al = (name === 'daa' ? al + 0x60 : al - 0x60) & 0xff;
          cf = CF;
        } else if (name === 'daa') {
          cf = 0;
        }
        this.out = cf | af | of | parity(al) | (al === 0 ? ZF : 0) | (al & 0x80 ? SF : 0);
        return (ax & 0xff00) | al;
      }
      case 'aam':
        ah = Math.floor(al / imm);
        al = al % imm;
        this.out = parity(al) | (al === 0 ? ZF : 0) | (al & 0x80 ? SF : 0);
        return (ah << 8) | al;
      default:
        al = (al + ah * imm) & 0xff;
        this.out = parity(al) | (al === 0 ? ZF : 0) | (al & 0x80 ? SF : 0);
        return al;
    }
  }
}

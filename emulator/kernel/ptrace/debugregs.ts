// Owns one task's debug registers as ptrace shows them (docs/kernel-facts.md §12,
// ptrace_set_debugreg/ptrace_get_debugreg/ptrace_write_dr7): DR0-DR3 hold addresses, DR7
// enables them (L/G bits) with a type (01 write, 11 read/write, 00 execute; 10 is I/O:
// EINVAL) and a length (1, 2, 4; 8 only on a 64-bit kernel; the address aligned to it), DR6
// is the "virtual DR6" the last #DB left (DR_TRAPn for a breakpoint hit, DR_STEP for a
// single step), read back with the reserved bits set. A slot is a breakpoint (a perf event)
// from the first DRn write (1 byte, write, disabled) or the first DR7 that enables it (at
// 0); from then on every DR7 and DRn write is checked against it, enabled or not. An enabled
// data breakpoint becomes a watchpoint in the task's memory; an execute one a hardware
// breakpoint of its CPU. DR4/DR5
// do not exist (EIO); a fork does not inherit any of it.
import type { Watchpoint } from '../../memory/memory';
import type { Cpu } from '../../x86/cpu';
import { E } from '../linux-abi';
import type { KernelKind } from '../../../toolchain/designs/options';
import { DR6_RESERVED, DR_CONTROL_RESERVED, USER_TOP } from './abi';

const RW_EXECUTE = 0, RW_WRITE = 1, RW_IO = 2;
const LENGTHS = [1, 2, 8, 4] as const;

interface Attributes {
  readonly type: number;
  readonly length: number;
}

interface Slot extends Attributes {
  readonly enabled: boolean;
}

/** decode_dr7: slot `i`'s enable bits, type and length. */
function decode(dr7: number, i: number): Slot {
  const enabled = ((dr7 >>> (2 * i)) & 3) !== 0;
  const control = (dr7 >>> (16 + 4 * i)) & 0xf;
  return { enabled, type: control & 3, length: LENGTHS[control >> 2]! };
}

export class DebugRegisters {
  readonly addr = [0, 0, 0, 0];
  /** The registered breakpoint of each slot (undefined: none yet), with the last type and length accepted. */
  private attributes: Array<Attributes | undefined> = [undefined, undefined, undefined, undefined];
  dr7 = 0;
  /** virtual_dr6 (DR_TRAPn, DR_STEP): what the last #DB reported; reads give it ^ DR6_RESERVED. */
  dr6 = 0;
  private readonly watches: Array<Watchpoint | null> = [null, null, null, null];
  /** Enabled execute breakpoints: address -> slot. */
  readonly executes = new Map<number, number>();
  private cpu: Cpu | undefined = undefined;

  constructor(private readonly kernel: KernelKind) {}

  read(n: number): number {
    if (n < 4) return this.addr[n]!;
    if (n === 6) return (this.dr6 ^ DR6_RESERVED) >>> 0;
    if (n === 7) return this.dr7;
    return 0;
  }

  /** POKEUSER of DRn: 0 or -errno (nothing changes on an error). */
  write(n: number, value: number, cpu: Cpu): number {
    value >>>= 0;
    if (n < 4) {
      // ptrace_set_breakpoint_addr: a new slot registers a disabled 1-byte write breakpoint.
      const a = this.attributes[n] ?? { type: RW_WRITE, length: 1 };
      const bad = this.check(value, a);
      if (bad) return bad;
      this.attributes[n] = a;
      this.addr[n] = value;
      this.install(cpu);
      return 0;
    }
    if (n === 6) {
      this.dr6 = (value ^ DR6_RESERVED) >>> 0;
      return 0;
    }
    if (n === 7) {
      // ptrace_write_dr7: every registered slot takes the new type and length, enabled or not;
      // an enabled slot without one registers it at address 0; any refusal keeps the old DR7.
      const dr7 = (value & ~DR_CONTROL_RESERVED) >>> 0;
      const next = [...this.attributes];
      for (let i = 0; i < 4; i++) {
        const slot = decode(dr7, i);
        if (!this.attributes[i] && !slot.enabled) continue;
        const bad = this.check(this.addr[i]!, slot);
        if (bad) return bad;
        next[i] = { type: slot.type, length: slot.length };
      }
      this.attributes = next;
      this.dr7 = dr7;
      this.install(cpu);
      return 0;
    }
    return -E.EIO;
  }

  /** The breakpoint `slot` at `address` is one the kernel accepts: 0, else -EINVAL. */
  private check(address: number, slot: Attributes): number {
    if (slot.type === RW_IO) return -E.EINVAL;
    if (slot.type === RW_EXECUTE && slot.length !== 1) return -E.EINVAL;
    if (slot.length === 8 && this.kernel === 'native32') return -E.EINVAL;
    if (slot.type !== RW_EXECUTE && (address & (slot.length - 1)) !== 0) return -E.EINVAL;
    if (address + slot.length > USER_TOP[this.kernel]) return -E.EINVAL;
    return 0;
  }

  /** Re-creates the watchpoints and execute breakpoints DR0-DR3 and DR7 describe, on `cpu` and its memory. */
  private install(cpu: Cpu): void {
    this.uninstall();
    this.cpu = cpu;
    const memory = cpu.memory;
    for (let i = 0; i < 4; i++) {
      const slot = decode(this.dr7, i);
      if (!slot.enabled) continue;
      if (slot.type === RW_EXECUTE) {
        this.executes.set(this.addr[i]!, i);
        continue;
      }
      const w: Watchpoint = { address: this.addr[i]!, length: slot.length, access: slot.type === RW_WRITE ? 'write' : 'readWrite' };
      this.watches[i] = w;
      memory.addWatchpoint(w);
    }
    if (this.executes.size) cpu.setHardwareBreakpoints(this.executes.keys());
  }

  /** Removes every watchpoint from memory (detach, exit, execve: the breakpoints are flushed). */
  uninstall(): void {
    for (let i = 0; i < 4; i++) {
      const w = this.watches[i];
      if (w) this.cpu?.memory.removeWatchpoint(w);
      this.watches[i] = null;
    }
    if (this.executes.size) this.cpu?.setHardwareBreakpoints([]);
    this.executes.clear();
  }

  /** The DR_TRAPn bits of the watchpoints among `hits` (0: none of this task's). */
  trapBits(hits: ReadonlySet<Watchpoint>): number {
    let bits = 0;
    for (let i = 0; i < 4; i++) if (this.watches[i] && hits.has(this.watches[i]!)) bits |= 1 << i;
    return bits;
  }

  /** Forgets everything (detach: flush_ptrace_hw_breakpoint). */
  clear(): void {
    this.uninstall();
    this.addr.fill(0);
    this.attributes = [undefined, undefined, undefined, undefined];
    this.dr7 = 0;
    this.dr6 = 0;
  }
}

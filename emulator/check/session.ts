// Owns one run of the stub under the kernel model for the checks: a Process with the caller
// code, a stack and the vDSO mapped (alternatives applied for the CPU and kernel; the auxv
// kernel's AT_SYSINFO choice and its rewritten or dropped __kernel_vsyscall), the run loop
// (the process helper's RunLoop) with the test system call added to the table, and the
// stepping, breakpoints and register snapshots the checks use. Kernel hooks let tests run a
// kernel model broken on purpose.
import { InputError } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import type { ElfSymbol } from '../../toolchain/elf/types';
import { KernelEntryExit } from '../kernel/entry/entry-exit';
import { Process } from '../kernel/process';
import { RunLoop, type RunResult } from '../kernel/run-loop';
import type { EntryExit, SyscallRecord } from '../kernel/seams';
import type { KernelAbi } from '../../toolchain/designs/options';
import { Signals } from '../kernel/signals/state';
import { SYSCALL_TABLE } from '../kernel/syscalls/index';
import type { SyscallRow } from '../kernel/syscalls/table';
import { loadVdso, type MappedVdso } from '../kernel/vdso/load';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/memory';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';
import { CALLER_BASE, SLOT, callerCode, type CallerCode } from './caller';
import { Probe, PROBE_NR } from './probe';
import { formatLocation } from './source-lines';
import type { StubImage } from './subject';
import { hex, type CallerKind, type Place } from './types';

/** A kernel model broken on purpose (tests): another entry/exit, or edited system call rows. */
export interface KernelHooks {
  readonly entryExit?: () => EntryExit;
  readonly syscalls?: (table: Map<number, SyscallRow>) => void;
}

export interface SessionSpec {
  readonly image: StubImage;
  readonly abi: KernelAbi;
  readonly cpu: CpuModel;
  readonly kernel: KernelKind;
  readonly caller: CallerKind;
  readonly hooks?: KernelHooks;
}

/** The registers the checks compare, by name, as unsigned 32-bit numbers. */
export interface Registers {
  readonly eax: number; readonly ecx: number; readonly edx: number; readonly ebx: number;
  readonly esp: number; readonly ebp: number; readonly esi: number; readonly edi: number;
  readonly eip: number; readonly eflags: number;
}

export const GPR_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export type GprName = (typeof GPR_NAMES)[number];

/** The caller's registers at the call: eax the test call, ebx..ebp six recognizable arguments. */
export const CALL_ARGS = [0x10000001, 0x20000002, 0x30000003, 0x40000004, 0x50000005, 0x60000006] as const;
/** CF PF AF ZF SF IF DF OF set (and bit 1): every flag the call must give back, TF aside. */
export const CALL_FLAGS = 0x0ed7;

const STACK_SIZE = 0x20000;
const VVAR_ROOM = 16 * 4096;

export class Session {
  readonly process: Process;
  readonly loop: RunLoop;
  readonly vdso: MappedVdso;
  readonly caller: CallerCode;
  readonly probe = new Probe();
  /** The address the caller calls (AT_SYSINFO or the dynamic symbol); undefined: it uses int $0x80 itself. */
  readonly target: number | undefined;
  /** Lines the kernel model reported (deaths). */
  readonly reports: string[] = [];
  /** The system calls finished so far, from the run loop's kernel events. */
  readonly syscalls: SyscallRecord[] = [];
  private readonly symbols: ElfSymbol[];

  constructor(readonly spec: SessionSpec) {
    const { cpu, kernel, abi } = spec;
    this.process = new Process({
      options: { cpu, kernel, abi },
      host: { stdout: () => undefined, stderr: () => undefined, report: (l) => this.reports.push(l) },
    });
    const p = this.process;
    p.signals = new Signals();
    const vdso = mapStub(p, spec);
    this.vdso = vdso;
    p.vdso = vdso;
    let target: number | undefined = vdso.sysinfo;
    if (spec.caller !== 'sysinfo') {
      const mapped = parseElf32(vdso.image, spec.image.name);
      const sym = mapped.dynamicSymbols.find((s) => s.name === '__kernel_vsyscall' && s.shndx !== 0);
      target = sym ? (vdso.base + sym.value) >>> 0 : undefined;
    }
    this.target = target;
    this.caller = callerCode(target === undefined);
    p.mm.add(CALLER_BASE, 0x1000, PROT_READ | PROT_EXEC, 'program', '/caller');
    p.mm.add(SLOT, 0x1000, PROT_READ | PROT_WRITE, 'program', '/caller');
    p.memory.poke(CALLER_BASE, this.caller.bytes);
    p.memory.poke(SLOT, le32(target ?? 0));
    p.mm.add(p.mm.stackTop - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE, 'stack', '[stack]');
    const table = new Map(SYSCALL_TABLE);
    table.set(PROBE_NR, this.probe.row());
    spec.hooks?.syscalls?.(table);
    this.loop = new RunLoop(p, spec.hooks?.entryExit?.() ?? new KernelEntryExit(), table);
    this.loop.subscribe((e) => {
      if (e.kind === 'exit') this.syscalls.push(e.record);
    });
    this.symbols = [...vdso.elf.symbols, ...vdso.elf.dynamicSymbols].filter((s) => s.name && s.shndx !== 0 && s.type !== 3 && s.type !== 4);
  }

  /** The caller's esp at the call instruction (the stub's CFA once the call pushed the return address). */
  get callEsp(): number {
    return (this.process.mm.stackTop - 0x1000) >>> 0;
  }

  /** Puts the caller's registers in place and eip at `label` (call or tf_set). */
  prepare(label: 'call' | 'tf_set', flags = CALL_FLAGS): Registers {
    const s = this.process.cpu.state;
    s.r[0] = PROBE_NR;
    CALL_ARGS.forEach((v, i) => (s.r[[3, 1, 2, 6, 7, 5][i]!] = v));
    s.r[4] = this.callEsp;
    s.eflags = flags;
    s.eip = this.caller.labels[label];
    return this.registers();
  }

  registers(): Registers {
    const s = this.process.cpu.state;
    const r = (i: number): number => s.r[i]! >>> 0;
    return { eax: r(0), ecx: r(1), edx: r(2), ebx: r(3), esp: r(4), ebp: r(5), esi: r(6), edi: r(7), eip: s.eip >>> 0, eflags: s.eflags >>> 0 };
  }

  /** One user instruction (a system call instruction runs the whole call through the kernel model). */
  step(): RunResult {
    return this.loop.run(1);
  }

  /**
   * Runs until eip reaches one of `stops`, the process ends or `budget` instructions ran.
   * It steps one instruction at a time, so that a stop the kernel transfers to (a signal
   * handler, a changed regs->ip) is seen as well as one reached by the code. Returns the
   * address reached, or a line saying what happened instead.
   */
  runTo(stops: readonly number[], budget = 20_000): { readonly at: number } | { readonly failed: string } {
    const s = this.process.cpu.state;
    for (let n = 0; n < budget; n++) {
      const r = this.loop.run(1);
      if (r.kind !== 'budget' && r.kind !== 'breakpoint') return { failed: this.describe(r) };
      if (stops.includes(s.eip >>> 0)) return { at: s.eip >>> 0 };
    }
    return { failed: `still running after ${budget} instructions at ${this.where(s.eip)}` };
  }

  describe(r: RunResult): string {
    if (r.kind === 'exited') return `the process exited with status ${r.status}`;
    if (r.kind === 'killed') return this.reports[this.reports.length - 1] ?? `killed by signal ${r.signal}: ${r.message}`;
    if (r.kind === 'unemulated') return r.what;
    if (r.kind === 'watchpoint') return `watchpoint at ${hex(r.address)}`;
    if (r.kind === 'breakpoint') return `breakpoint at ${this.where(r.address)}`;
    return 'instruction budget spent';
  }

  /** True when `address` is inside the mapped vDSO image. */
  inVdso(address: number): boolean {
    return address >= this.vdso.base && address < this.vdso.base + this.vdso.size;
  }

  /** symbol+offset for a vDSO or caller address. */
  symbolize(address: number): string {
    if (this.inVdso(address)) {
      const rel = address - this.vdso.base;
      const covering = this.symbols.filter((s) => s.type === 2 && s.value <= rel && rel < s.value + Math.max(s.size, 1));
      const before = this.symbols.filter((s) => s.value <= rel).sort((a, b) => b.value - a.value);
      const sym = covering.sort((a, b) => b.value - a.value)[0] ?? before[0];
      if (sym) return rel === sym.value ? sym.name : `${sym.name}+0x${(rel - sym.value).toString(16)}`;
      return `vdso+0x${rel.toString(16)}`;
    }
    return this.caller.symbolize(address) ?? hex(address);
  }

  /** The place of an address: address, symbol+offset, and the source line for a stub built from sources. */
  place(address: number): Place {
    const symbol = this.symbolize(address);
    const loc = this.inVdso(address) ? this.spec.image.lines?.at(address - this.vdso.base) : undefined;
    return loc ? { address: address >>> 0, symbol, source: formatLocation(loc) } : { address: address >>> 0, symbol };
  }

  where(address: number): string {
    const p = this.place(address);
    return `${hex(p.address)} <${p.symbol}>${p.source ? ` (${p.source})` : ''}`;
  }

  /** The stub's extent: the called entry's FUNC symbol (its size), for "every instruction of the stub". */
  stubRange(): { readonly start: number; readonly end: number } | undefined {
    if (this.target === undefined) return undefined;
    const rel = this.target - this.vdso.base;
    const sym = this.symbols.find((s) => s.type === 2 && s.value <= rel && rel < s.value + s.size);
    return sym ? { start: this.vdso.base + sym.value, end: this.vdso.base + sym.value + sym.size } : { start: this.target, end: this.target + 1 };
  }
}

function le32(v: number): Uint8Array {
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

/** Maps the vDSO top-down in the mmap area with its vvar room, as the loader's mapper does. */
function mapStub(p: Process, spec: SessionSpec): MappedVdso {
  const start = p.mm.findFree(VVAR_ROOM + (1 << 20));
  if (start < 0) throw new InputError(spec.image.name, '', 'no room in the address space for the vDSO');
  const base = start + VVAR_ROOM;
  const v = loadVdso(p.memory, spec.image.bytes, {
    base, cpu: spec.cpu, kernel: spec.kernel, abi: spec.abi, fileName: spec.image.name, clocks: p.vvarClocks(),
    auxvSymbol: spec.caller === 'dynsym-dropped' ? 'drop' : 'rewrite',
  });
  p.mm.adopt(base, v.size, PROT_READ | PROT_EXEC, 'vdso', '[vdso]');
  if (v.vvar) {
    p.mm.adopt(v.vvar.start, v.vvar.size, PROT_READ, 'vvar', '[vvar]');
    p.vvar = v.vvar;
  }
  return v;
}

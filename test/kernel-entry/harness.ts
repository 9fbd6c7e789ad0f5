// Owns the kernel-entry tests' scaffolding: building guests (as --32 + ld -m elf_i386, or
// gcc -m32 -nostdlib -static), a Process with the guest's PT_LOAD segments, a stack and a
// vDSO mapped by loadVdso, run by the product's RunLoop and system call table with one row
// replaced (read: scripted, returning a restart code first), and the calls as the run
// loop's kernel events report them (pt_regs at entry, the exit record).
import { parseElf32 } from '../../toolchain/elf/reader';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/memory';
import { Process } from '../../emulator/kernel/process';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';
import type { EntryRecord, ExitRecord, PtRegs } from '../../emulator/kernel/seams';
import type { KernelAbi } from '../../toolchain/designs/options';
import { Signals } from '../../emulator/kernel/signals/state';
import { loadVdso, type MappedVdso } from '../../emulator/kernel/vdso/load';
import { RunLoop } from '../../emulator/kernel/run-loop';
import { SYSCALL_TABLE } from '../../emulator/kernel/syscalls/index';
import { row } from '../../emulator/kernel/syscalls/table';
import { assemble, buildC, readBytes, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';

export const VDSO_BASE = 0xf7fc0000;
export const STACK_TOP = 0xbfff0000;

export function buildAsmGuest(name: string, source: string): { path: string; bytes: Uint8Array } {
  const dir = scratch('vdso-lab-entry-');
  const object = assemble(name, source, dir);
  const path = buildInput({ tool: 'ld', args: ['-m', 'elf_i386', '-static', '-Ttext=0x08049000', '-e', '_start', object, '-o', name], dir });
  return { path, bytes: readBytes(path) };
}

export function buildCGuest(name: string, source: string): { path: string; bytes: Uint8Array } {
  const path = buildC(name, source, ['-static', '-nostdlib', '-ffreestanding', '-fno-pic', '-no-pie', '-fno-stack-protector', '-O1', '-Wl,-e,_start'], scratch('vdso-lab-entry-'));
  return { path, bytes: readBytes(path) };
}

/** The address of a symbol of the guest (from its .symtab). */
export function guestSymbol(bytes: Uint8Array, name: string): number {
  const s = parseElf32(bytes, name).symbols.find((x) => x.name === name);
  if (!s) throw new Error(`guest has no symbol ${name}`);
  return s.value;
}

export interface Guest {
  readonly p: Process;
  readonly loop: RunLoop;
  readonly vdso: MappedVdso | undefined;
  readonly out: string[];
  readonly reports: string[];
  /** Each system call: pt_regs as the entry built them, and how it returned (exit undefined: it ended the process). */
  readonly calls: Array<{ regs: Readonly<PtRegs>; record: EntryRecord; exit: ExitRecord | undefined; result: number | undefined }>;
  /** The scripted read (nr 3): returns each value in turn (restart codes first), then 0. */
  readResults: number[];
  /** Called at the scripted read, before it returns (e.g. to send a signal). */
  onRead: ((p: Process) => void) | undefined;
}

export function newGuest(elfBytes: Uint8Array, options: { cpu: CpuModel; kernel: KernelKind; abi: KernelAbi; vdso?: Uint8Array }): Guest {
  const out: string[] = [];
  const reports: string[] = [];
  const p = new Process({
    options: { cpu: options.cpu, kernel: options.kernel, abi: options.abi },
    host: { stdout: (b) => out.push(Buffer.from(b).toString()), stderr: (b) => out.push(Buffer.from(b).toString()), report: (l) => reports.push(l) },
  });
  p.signals = new Signals();
  const elf = parseElf32(elfBytes, 'guest');
  for (const ph of elf.programHeaders) {
    if (ph.type !== 1) continue;
    const start = ph.vaddr & ~0xfff;
    p.memory.map(start, ph.vaddr + ph.memsz - start, PROT_READ | PROT_WRITE | PROT_EXEC);
    p.memory.poke(ph.vaddr, elfBytes.subarray(ph.offset, ph.offset + ph.filesz));
  }
  p.memory.map(STACK_TOP - 0x20000, 0x20000, PROT_READ | PROT_WRITE);
  const s = p.cpu.state;
  s.r[4] = STACK_TOP - 0x100;
  s.eip = elf.header.entry;
  let vdso: MappedVdso | undefined;
  if (options.vdso) {
    vdso = loadVdso(p.memory, options.vdso, {
      base: VDSO_BASE, cpu: options.cpu, kernel: options.kernel, abi: options.abi, fileName: 'vdso32.so',
      clocks: { realtime: p.clock.realtime(), monotonic: p.clock.monotonic(), boottime: p.clock.monotonic(), tai: p.clock.realtime() },
    });
    p.vdso = vdso;
  }
  const table = new Map(SYSCALL_TABLE);
  // Before the run loop is made: it reads the table once.
  table.set(3, row(3, 'read', 'ipu', (proc) => {
    if (g.onRead) g.onRead(proc);
    return g.readResults.shift() ?? 0;
  }));
  const g: Guest = { p, loop: new RunLoop(p, undefined, table), vdso, out, reports, calls: [], readResults: [], onRead: undefined };
  g.loop.subscribe((e) => {
    if (e.kind === 'entry') g.calls.push({ regs: e.regs, record: e.entry, exit: undefined, result: undefined });
    else if (e.kind === 'exit') Object.assign(g.calls[g.calls.length - 1]!, { exit: e.record.exit, result: e.record.result });
  });
  return g;
}

/** Runs until the process ends; throws when it still runs after `maxInstructions` or stops otherwise. */
export function runGuest(g: Guest, maxInstructions = 2_000_000): void {
  const r = g.loop.run(maxInstructions);
  if (r.kind === 'budget') throw new Error(`guest still running after ${maxInstructions} instructions at eip 0x${g.p.cpu.state.eip.toString(16)}`);
  if (r.kind !== 'exited' && r.kind !== 'killed') throw new Error(`unexpected stop ${r.kind}`);
}

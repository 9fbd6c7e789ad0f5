// Owns the kernel-entry tests' scaffolding: building guests (as --32 + ld -m elf_i386, or
// gcc -m32 -nostdlib -static), a Process with the guest's PT_LOAD segments, a stack and a
// vDSO mapped by loadVdso, and a small run loop that drives the CPU through KernelEntryExit
// with the signal rows and the few other calls the guests make (getpid, write, exit,
// clock_gettime/clock_gettime64, a scripted "slow" read that returns a restart code).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf32 } from '../../toolchain/elf/reader';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/memory';
import { Process } from '../../emulator/kernel/process';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';
import type { EntryRecord, ExitRecord, PtRegs } from '../../emulator/kernel/seams';
import type { KernelAbi } from '../../toolchain/designs/options';
import { Signals } from '../../emulator/kernel/signals/state';
import { KernelEntryExit } from '../../emulator/kernel/entry/entry-exit';
import { loadVdso, type MappedVdso } from '../../emulator/kernel/vdso/load';
import { signalRows } from '../../emulator/kernel/syscalls/signal';
import { run, scratch } from '../support/oracles';

export const VDSO_BASE = 0xf7fc0000;
export const STACK_TOP = 0xbfff0000;

export function buildAsmGuest(name: string, source: string): { path: string; bytes: Uint8Array } {
  const dir = scratch('vdso-lab-entry-');
  const src = join(dir, `${name}.s`);
  writeFileSync(src, source);
  run('as', ['--32', src, '-o', join(dir, `${name}.o`)]);
  run('ld', ['-m', 'elf_i386', '-static', '-Ttext=0x08049000', '-e', '_start', join(dir, `${name}.o`), '-o', join(dir, name)]);
  return { path: join(dir, name), bytes: new Uint8Array(readFileSync(join(dir, name))) };
}

export function buildCGuest(name: string, source: string): { path: string; bytes: Uint8Array } {
  const dir = scratch('vdso-lab-entry-');
  const src = join(dir, `${name}.c`);
  writeFileSync(src, source);
  run('gcc', ['-m32', '-static', '-nostdlib', '-ffreestanding', '-fno-pic', '-no-pie', '-fno-stack-protector', '-O1', '-Wl,-e,_start', src, '-o', join(dir, name)]);
  return { path: join(dir, name), bytes: new Uint8Array(readFileSync(join(dir, name))) };
}

/** The address of a symbol of the guest (from its .symtab). */
export function guestSymbol(bytes: Uint8Array, name: string): number {
  const s = parseElf32(bytes, name).symbols.find((x) => x.name === name);
  if (!s) throw new Error(`guest has no symbol ${name}`);
  return s.value;
}

export interface Guest {
  readonly p: Process;
  readonly ee: KernelEntryExit;
  readonly vdso: MappedVdso | undefined;
  readonly out: string[];
  readonly reports: string[];
  readonly calls: Array<{ regs: PtRegs; record: EntryRecord; exit: ExitRecord | undefined; result: number }>;
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
  return { p, ee: new KernelEntryExit(), vdso, out, reports, calls: [], readResults: [], onRead: undefined };
}

const ROWS = new Map(signalRows.map((r) => [r.nr, r]));

function dispatch(g: Guest, regs: PtRegs): number {
  const p = g.p;
  const nr = regs.orig_ax;
  const row = ROWS.get(nr);
  if (row) return row.handler(p, regs);
  switch (nr) {
    case 20: return p.pid;
    case 224: return p.pid;
    case 1: case 252: p.terminate({ status: regs.bx & 0xff }); return 0;
    case 4: {
      const b = p.memory.read(regs.cx, regs.dx);
      if (!(b instanceof Uint8Array)) return -14;
      g.out.push(Buffer.from(b).toString());
      return regs.dx;
    }
    case 3: {
      if (g.onRead) g.onRead(p);
      return g.readResults.shift() ?? 0;
    }
    case 265: case 403: {
      const t = p.clock.read(regs.bx);
      if (t === undefined) return -22;
      const wide = nr === 403;
      const b = new Uint8Array(wide ? 16 : 8);
      const v = new DataView(b.buffer);
      if (wide) {
        v.setBigUint64(0, t / 1_000_000_000n, true);
        v.setBigUint64(8, t % 1_000_000_000n, true);
      } else {
        v.setUint32(0, Number(t / 1_000_000_000n), true);
        v.setUint32(4, Number(t % 1_000_000_000n), true);
      }
      p.memory.poke(regs.cx, b);
      return 0;
    }
    default: return -38;
  }
}

/** Runs until the process ends or `maxInstructions` ran; returns how it ended. */
export function runGuest(g: Guest, maxInstructions = 2_000_000): void {
  const { p, ee } = g;
  const limit = p.cpu.state.icount + maxInstructions;
  for (let guard = 0; guard < 1_000_000 && !p.exit; guard++) {
    if (p.cpu.state.icount >= limit) throw new Error(`guest still running after ${maxInstructions} instructions at eip 0x${p.cpu.state.eip.toString(16)}`);
    const stop = p.cpu.run(limit - p.cpu.state.icount);
    if (stop.kind === 'kernel') {
      const r = ee.enter(p, stop.entry, stop.address);
      if ('fault' in r) {
        ee.exception(p, r.fault, p.cpu.state.eip);
        continue;
      }
      const result = r.record.fetchFailed ? r.regs.ax : dispatch(g, r.regs);
      r.regs.ax = result;
      const call: Guest['calls'][number] = { regs: { ...r.regs }, record: r.record, exit: undefined, result };
      g.calls.push(call);
      if (p.exit) break;
      call.exit = ee.exit(p, r.regs, r.record);
    } else if (stop.kind === 'fault') {
      ee.exception(p, stop.fault, p.cpu.state.eip);
    } else if (stop.kind !== 'budget') {
      throw new Error(`unexpected stop ${stop.kind}`);
    }
  }
}

// Test support for the CPU suites: loads a static i386 ELF executable (built by as/ld at test
// time) into a Memory, and runs it on a Cpu answering the two system calls the test programs
// use (write to stdout, exit) the way Linux does, so the same program runs under qemu-i386.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Memory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/memory';
import { Cpu } from '../../emulator/x86/cpu';
import type { CpuModel, KernelKind } from '../../toolchain/designs/options';
import type { Stop } from '../../emulator/x86/stop';
import { assemble, hostRunsI386, readelfSymbols, scratch } from '../support/oracles';
import { buildInput } from '../support/builds';

/** A test program's exit(0), as assembly lines. */
export const EXIT = 'mov $1, %eax\n xor %ebx, %ebx\n int $0x80\n';

/**
 * Starts a page of its own, for a program linked with writable text: what follows in .text (the
 * program's start and exit, run once) and its .data after them. Stores to that data are still
 * stores beside code for the emulator (the page holds those blocks, so its stores stay out of
 * the store TLB and are checked against code), but qemu-i386, which write-protects a page while
 * it holds translations and drops them at a store into it, pays for that once, not at every
 * store of a hot loop whose code shares the page (docs/speed-and-exactness.md, "Oracle runs").
 */
export const RUN_ONCE_PAGE = '.p2align 12';

/** A test program's write(1, out, length), as assembly lines; `length` an expression (`8`, `outEnd-out`). */
export function writeOut(length: number | string): string {
  return `mov $4, %eax\n mov $1, %ebx\n mov $out, %ecx\n mov $${length}, %edx\n int $0x80\n`;
}

export interface LoadedProgram {
  readonly cpu: Cpu;
  readonly memory: Memory;
  readonly entry: number;
}

/** Maps the PT_LOAD segments of an ELF32 executable (written by ld in the test) and sets eip. */
export function loadElf(path: string, model: CpuModel = 'intel', kernel: KernelKind = 'compat64'): LoadedProgram {
  const file = new Uint8Array(readFileSync(path));
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, false) !== 0x7f454c46 || file[4] !== 1) throw new Error(`${path}: not an ELF32 file`);
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  const memory = new Memory();
  for (let k = 0; k < phnum; k++) {
    const at = phoff + k * phentsize;
    if (view.getUint32(at, true) !== 1) continue;
    const offset = view.getUint32(at + 4, true);
    const vaddr = view.getUint32(at + 8, true);
    const filesz = view.getUint32(at + 16, true);
    const memsz = view.getUint32(at + 20, true);
    const flags = view.getUint32(at + 24, true);
    const prot = (flags & 4 ? PROT_READ : 0) | (flags & 2 ? PROT_WRITE : 0) | (flags & 1 ? PROT_EXEC : 0);
    memory.map(vaddr, memsz, PROT_READ | PROT_WRITE);
    memory.poke(vaddr, file.subarray(offset, offset + filesz));
    memory.protect(vaddr, memsz, prot);
  }
  const stackTop = 0xbfff0000;
  memory.map(stackTop - 0x10000, 0x10000, PROT_READ | PROT_WRITE);
  const cpu = new Cpu(memory, { model, kernel });
  cpu.state.eip = entry;
  cpu.state.r[4] = stackTop - 16;
  return { cpu, memory, entry };
}

export interface GuestRun {
  readonly stdout: Uint8Array;
  readonly exitCode: number | null;
  /** The stop that ended the run when it was not exit(). */
  readonly stop: Stop | null;
  readonly instructions: number;
}

/**
 * Runs until exit(), a stop other than write/exit system calls, or `budget` instructions; in
 * budgets of `slice` instructions at a time (a budget stop inside `budget` goes on), so a test
 * can check that where the CPU is stopped does not change what the program does.
 */
export function runGuest(p: LoadedProgram, budget = 1e9, slice = budget): GuestRun {
  const chunks: Uint8Array[] = [];
  const s = p.cpu.state;
  const start = s.icount;
  for (;;) {
    const left = budget - (s.icount - start);
    const stop = p.cpu.run(Math.min(left, slice));
    if (stop.kind === 'budget' && s.icount - start < budget) continue;
    if (stop.kind === 'kernel' && stop.entry.via === 'int' && stop.entry.vector === 0x80) {
      const nr = s.r[0]!;
      if (nr === 1 || nr === 252) return { stdout: concat(chunks), exitCode: s.r[3]!, stop: null, instructions: s.icount - start };
      if (nr === 4) {
        const bytes = p.memory.read(s.r[1]! >>> 0, s.r[2]!);
        if (!(bytes instanceof Uint8Array)) {
          s.r[0] = -14;
        } else {
          chunks.push(bytes);
          s.r[0] = bytes.length;
        }
        continue;
      }
      s.r[0] = -38;
      continue;
    }
    return { stdout: concat(chunks), exitCode: null, stop, instructions: s.icount - start };
  }
}

/** qemu-i386's output of each program already run in this process, by the SHA-256 of its bytes. */
const outputs = new Map<string, Uint8Array>();

/**
 * The program's stdout under qemu-i386 (which must exit 0), checked against the real CPU where
 * the host runs i386 code. A test program takes no arguments, input or environment, so its
 * output is a function of its bytes: each distinct program runs once per process (tests that
 * build the same source share the run).
 */
export function qemuOutput(path: string): Uint8Array {
  const key = createHash('sha256').update(readFileSync(path)).digest('hex');
  const known = outputs.get(key);
  if (known) return known;
  const r = spawnSync('qemu-i386', [path], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  if (r.error) throw new Error(`qemu-i386 could not run (${r.error.message}): .ci/run must install qemu-user`);
  assert.equal(r.status, 0, String(r.stderr));
  const expected = new Uint8Array(r.stdout);
  if (hostRunsI386()) {
    const native = spawnSync(path, [], { stdio: ['ignore', 'pipe', 'ignore'] });
    assert.deepEqual(new Uint8Array(native.stdout), expected, 'qemu-i386 agrees with the real CPU');
  }
  outputs.set(key, expected);
  return expected;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export interface BuiltGuest {
  readonly path: string;
  /** Symbol addresses from readelf's symbol table (labels the test source defines). */
  readonly symbols: ReadonlyMap<string, number>;
}

/** Programs already built in this process, by their link flag and source. */
const built = new Map<string, BuiltGuest>();

/**
 * Assembles and links a test program (`_start` in `source`); `writableText` links with -N. A
 * source built before in this process gives that program again (`name` only names the files).
 */
export function buildGuest(name: string, source: string, writableText = false): BuiltGuest {
  const key = `${writableText ? '-N' : ''}\n${source}`;
  const known = built.get(key);
  if (known) return known;
  const dir = scratch();
  const object = assemble(name, source, dir);
  const path = buildInput({ tool: 'ld', args: ['-m', 'elf_i386', ...(writableText ? ['-N'] : []), object, '-o', name], dir });
  const symbols = new Map(readelfSymbols(path).filter((s) => s.section !== 'UND').map((s) => [s.name, s.value]));
  const guest = { path, symbols };
  built.set(key, guest);
  return guest;
}

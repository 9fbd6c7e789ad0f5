// Owns exec: loading a static ET_EXEC or static-PIE (ET_DYN without PT_INTERP) i386 program
// into a new Process: PT_LOAD segments with their permissions and zeroed bss, the break
// after the last segment, the stack area, the vDSO (mapped by the caller's mapper, the
// entry helper's loadVdso), and the initial stack as Linux's exec and create_elf_tables
// lay it out: strings at the top (argv, envp, the executable name), the platform string,
// the 16 AT_RANDOM bytes, then argc, argv[], envp[] and the aux vector, 16-byte aligned.
import { InputError, hex } from '../../toolchain/errors';
import { parseElf32 } from '../../toolchain/elf/reader';
import { EM_386, ET_DYN, ET_EXEC, type ElfFile } from '../../toolchain/elf/types';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/memory';
import { cpuidLeaf } from '../x86/cpuid';
import { AT } from './linux-abi';
import { pageDown, pageUp } from './mm';
import { Process, type ProcessConfig } from './process';
import type { LoadedVdso } from './seams';
import { loadVdso, type MappedVdso } from './vdso/load';
import { PF_R, PF_W, PF_X, PT_INTERP, PT_LOAD, PT_PHDR } from '../../toolchain/elf/sections';

/** Where a static-PIE program is loaded (ELF_ET_DYN_BASE without randomisation). */
export const PIE_BASE = 0x56555000;
/** The initial stack area: Linux's stack_expand (128 KiB) plus room for the largest arguments. */
const INITIAL_STACK = 384 << 10;
/** MINSIGSTKSZ as the i386 ABI defines it (the model has no x87/SSE state to add). */
export const MIN_SIGSTKSZ = 2048;
export const MAX_ARG_BYTES = 128 << 10;

export interface ExecArgs {
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  /** The program's path in the guest (AT_EXECFN, /proc/self/exe). */
  readonly execPath: string;
  /** Maps the vDSO (and its vvar area) into the process; omitted: no vDSO, no AT_SYSINFO. */
  readonly mapVdso?: (process: Process) => LoadedVdso;
}

export interface LoadedProgram {
  readonly process: Process;
  readonly elf: ElfFile;
  /** Added to the file's addresses (0 for ET_EXEC). */
  readonly bias: number;
  readonly entry: number;
  /** The initial stack pointer (argc). */
  readonly sp: number;
  readonly auxv: ReadonlyArray<readonly [number, number]>;
}

/**
 * Creates the process for `bytes` (a static i386 ELF named `fileName` in errors): a new
 * machine's first process, or (`replacing`) the image execve puts in that task's place.
 */
export function loadProgram(bytes: Uint8Array, fileName: string, config: ProcessConfig, args: ExecArgs, replacing?: Process): LoadedProgram {
  const elf = parseElf32(bytes, fileName);
  const h = elf.header;
  if (h.machine !== EM_386) throw new InputError(fileName, 'offset 0x12', `e_machine ${h.machine} is not EM_386 (3)`);
  if (h.type !== ET_EXEC && h.type !== ET_DYN) throw new InputError(fileName, 'offset 0x10', `e_type ${h.type} is neither ET_EXEC nor ET_DYN`);
  const interp = elf.programHeaders.find((p) => p.type === PT_INTERP);
  if (interp) throw new InputError(fileName, `program header ${interp.index}`, 'PT_INTERP: dynamically linked programs are not supported (link with -static)');
  const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) throw new InputError(fileName, `offset ${hex(h.phoff)}`, 'no PT_LOAD segment');
  const minVaddr = Math.min(...loads.map((p) => pageDown(p.vaddr)));
  const bias = h.type === ET_DYN ? PIE_BASE - minVaddr : 0;

  const process = new Process(config, replacing ? { replaces: replacing } : undefined);
  if (!replacing) process.machine.vdsoMapper = args.mapVdso;
  process.exePath = args.execPath;
  const mm = process.mm;
  let mappedTo = 0;
  let brk = 0;
  for (const ph of loads) {
    const place = `program header ${ph.index}`;
    if (ph.filesz > ph.memsz) throw new InputError(fileName, place, 'p_filesz is larger than p_memsz');
    if (ph.offset + ph.filesz > bytes.length) throw new InputError(fileName, place, `segment bytes end at ${hex(ph.offset + ph.filesz)}, past the end of the file (${hex(bytes.length)})`);
    if ((ph.vaddr - ph.offset) % PAGE_SIZE !== 0) throw new InputError(fileName, place, 'p_vaddr and p_offset differ modulo the page size');
    const start = (ph.vaddr + bias) >>> 0;
    const end = start + ph.memsz;
    if (end > mm.mmapBase || start < PAGE_SIZE) throw new InputError(fileName, place, `segment ${hex(start)}-${hex(end)} is outside the user address space`);
    const prot = (ph.flags & PF_R ? PROT_READ : 0) | (ph.flags & PF_W ? PROT_WRITE : 0) | (ph.flags & PF_X ? PROT_EXEC : 0);
    let from = pageDown(start);
    if (from < mappedTo) {
      mm.protect(from, PAGE_SIZE, prot | (process.memory.protection(from) & 7));
      from = mappedTo;
    }
    if (pageUp(end) > from && mm.add(from, pageUp(end) - from, prot, 'program', args.execPath) < 0) {
      throw new InputError(fileName, place, 'segment does not fit in the memory limit');
    }
    process.memory.poke(start, bytes.subarray(ph.offset, ph.offset + ph.filesz));
    mappedTo = Math.max(mappedTo, pageUp(end));
    brk = Math.max(brk, end);
  }
  mm.brkStart = mm.brk = pageUp(brk);

  const entry = (h.entry + bias) >>> 0;
  const stackTop = mm.stackTop;
  mm.add(stackTop - INITIAL_STACK, INITIAL_STACK, PROT_READ | PROT_WRITE, 'stack', '[stack]');

  if (args.mapVdso) process.vdso = args.mapVdso(process);

  const phdrSeg = elf.programHeaders.find((p) => p.type === PT_PHDR);
  const firstLoad = loads.find((p) => p.offset <= h.phoff && h.phoff < p.offset + p.filesz);
  const phdr = phdrSeg ? phdrSeg.vaddr + bias : firstLoad ? firstLoad.vaddr + (h.phoff - firstLoad.offset) + bias : 0;
  const hwcap = cpuidLeaf(config.options.cpu, 1)[3]! >>> 0;
  const auxv: Array<[number, number]> = [];
  const { sp, cpuState } = buildStack(process, args, (randomAt, platformAt, execfnAt) => {
    if (process.vdso) {
      auxv.push([AT.SYSINFO, process.vdso.sysinfo], [AT.SYSINFO_EHDR, process.vdso.base]);
    }
    auxv.push(
      [AT.MINSIGSTKSZ, MIN_SIGSTKSZ],
      [AT.HWCAP, hwcap],
      [AT.PAGESZ, PAGE_SIZE],
      [AT.CLKTCK, 100],
      [AT.PHDR, phdr >>> 0],
      [AT.PHENT, 32],
      [AT.PHNUM, h.phnum],
      [AT.BASE, 0],
      [AT.FLAGS, 0],
      [AT.ENTRY, entry],
      [AT.UID, process.uid[0]!],
      [AT.EUID, process.uid[1]!],
      [AT.GID, process.gid[0]!],
      [AT.EGID, process.gid[1]!],
      [AT.SECURE, 0],
      [AT.RANDOM, randomAt],
      [AT.HWCAP2, 0],
      [AT.EXECFN, execfnAt],
      [AT.PLATFORM, platformAt],
      [AT.NULL, 0],
    );
    return auxv;
  });
  const s = cpuState;
  s.r.fill(0);
  s.r[4] = sp;
  s.eip = entry;
  s.eflags = 0x202;
  if (replacing) process.completeExec(replacing);
  return { process, elf, bias, entry, sp, auxv };
}

function cString(text: string): Uint8Array {
  const b = new TextEncoder().encode(text);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/** Writes the strings, random bytes and tables; returns the initial sp. */
function buildStack(
  process: Process,
  args: ExecArgs,
  makeAuxv: (randomAt: number, platformAt: number, execfnAt: number) => Array<[number, number]>,
) {
  const mem = process.memory;
  let p = process.mm.stackTop - 4;
  mem.poke(p, new Uint8Array(4));
  const put = (bytes: Uint8Array): number => {
    p -= bytes.length;
    mem.poke(p, bytes);
    return p;
  };
  const total = [...args.argv, ...args.envp, args.execPath].reduce((n, s) => n + s.length + 1, 0);
  if (total > MAX_ARG_BYTES) throw new InputError(args.execPath, '', `arguments and environment take ${total} bytes, more than ${MAX_ARG_BYTES}`);
  const execfnAt = put(cString(args.execPath));
  const envAt: number[] = [];
  for (let i = args.envp.length - 1; i >= 0; i--) envAt.unshift(put(cString(args.envp[i]!)));
  const argAt: number[] = [];
  for (let i = args.argv.length - 1; i >= 0; i--) argAt.unshift(put(cString(args.argv[i]!)));
  p &= ~15;
  const platformAt = put(cString('i686'));
  const randomAt = put(process.randomBytes(16));
  const auxv = makeAuxv(randomAt, platformAt, execfnAt);
  const words = [args.argv.length, ...argAt, 0, ...envAt, 0, ...auxv.flat()];
  const sp = ((p - words.length * 4) & ~15) >>> 0;
  const table = new Uint8Array(words.length * 4);
  const view = new DataView(table.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  mem.poke(sp, table);
  return { sp, cpuState: process.cpu.state };
}

/** Room reserved for the vvar pages (below the base) and the image (above it). */
const VVAR_ROOM = 16 * PAGE_SIZE;
const VDSO_ROOM = 1 << 20;

/**
 * A mapper for ExecArgs.mapVdso: places the vDSO image `bytes` top-down in the mmap area
 * (vvar pages below it), loads it with the entry helper's loadVdso (alternatives for the
 * process's CPU and kernel), and records both areas in the memory map.
 */
export function vdsoMapper(bytes: Uint8Array, fileName: string, onMapped?: (vdso: MappedVdso) => void): (p: Process) => LoadedVdso {
  return (p) => {
    const start = p.mm.findFree(VVAR_ROOM + VDSO_ROOM);
    if (start < 0) throw new InputError(fileName, '', 'no room in the address space for the vDSO');
    const base = start + VVAR_ROOM;
    const o = p.options;
    const v = loadVdso(p.memory, bytes, { base, cpu: o.cpu, kernel: o.kernel, abi: o.abi, fileName, clocks: p.vvarClocks() });
    p.mm.adopt(base, v.size, PROT_READ | PROT_EXEC, 'vdso', '[vdso]');
    if (v.vvar) {
      p.mm.adopt(v.vvar.start, v.vvar.size, PROT_READ, 'vvar', '[vvar]');
      p.vvar = v.vvar;
    }
    if (onMapped) onMapped(v);
    return v;
  };
}

// Owns the debugger's symbols: the program's .symtab (moved by its load bias) and the
// vDSO's .symtab and .dynsym (moved to its base), looked up by name for function and data
// breakpoints ("__kernel_vsyscall", "int80_landing_pad", "main+0x10"), and addresses named
// symbol+offset the way objdump names them.
import type { ElfFile, ElfSymbol } from '../../toolchain/elf/types';
import { makeSymbolizer, usefulSymbols, type Symbolizer } from '../../toolchain/isa/symbolizer';
import { PT_LOAD, SHF_EXECINSTR } from '../../toolchain/elf/sections';
import { STB_GLOBAL, STB_WEAK, STT_FUNC, STT_OBJECT } from '../../toolchain/elf/symbols';

/** One image's symbols at run time (made by imageSymbols; immutable, so one can serve several sessions). */
export interface ImageSymbols {
  readonly name: string;
  readonly base: number;
  readonly start: number;
  readonly end: number;
  readonly symbols: readonly ElfSymbol[];
  readonly symbolize: Symbolizer;
  /** Defined .dynsym entries by name: what a program that looks a name up gets (the auxv design rewrites __kernel_vsyscall there). */
  readonly dynamic: ReadonlyMap<string, ElfSymbol>;
  /** FUNC symbols (global, weak or local), sorted by address; one per address. */
  readonly functions: readonly ElfSymbol[];
  /** Link-time [start, end) of the code sections (SHF_EXECINSTR), sorted; empty without section headers. */
  readonly code: ReadonlyArray<readonly [number, number]>;
}

/** A function symbol's extent at run time: from its start to the next function's start or its code section's end. */
export interface FunctionExtent {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export interface FoundSymbol {
  readonly address: number;
  readonly size: number;
  readonly image: string;
  readonly kind: 'function' | 'object' | 'other';
}

/** The symbols of `elf` loaded at `base`, named `name`. */
export function imageSymbols(name: string, elf: ElfFile, base: number): ImageSymbols {
  const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD);
  const start = loads.length ? Math.min(...loads.map((p) => p.vaddr)) + base : base;
  const end = loads.length ? Math.max(...loads.map((p) => p.vaddr + p.memsz)) + base : base;
  const symbols = usefulSymbols([...elf.symbols, ...elf.dynamicSymbols]);
  const byStart = new Map<number, ElfSymbol>();
  // From .symtab (else .dynsym, whose entries the kernel may have rewritten), as objdump does; among
  // functions at one address: global over weak over local (as gdb and objdump prefer), then the first.
  const rank = (s: ElfSymbol): number => (s.bind === STB_GLOBAL ? 0 : s.bind === STB_WEAK ? 1 : 2);
  for (const s of usefulSymbols(elf.symbols.length ? elf.symbols : elf.dynamicSymbols)) {
    if (s.type !== STT_FUNC) continue;
    const had = byStart.get(s.value);
    if (!had || rank(s) < rank(had)) byStart.set(s.value, s);
  }
  const functions = [...byStart.values()].sort((a, b) => a.value - b.value);
  const dynamic = new Map(elf.dynamicSymbols.filter((s) => s.shndx !== 0 && s.name !== '').map((s) => [s.name, s] as const));
  const code = elf.sections.filter((s) => s.flags & SHF_EXECINSTR && s.addr && s.size).map((s) => [s.addr, s.addr + s.size] as const).sort((x, y) => x[0] - y[0]);
  return { name, base, start: start >>> 0, end: end >>> 0, symbols, symbolize: makeSymbolizer(elf.symbols, elf.dynamicSymbols), functions, dynamic, code };
}

export class SymbolIndex {
  private readonly images: ImageSymbols[] = [];

  add(image: ImageSymbols): void {
    this.images.push(image);
  }

  /** The image holding `address`, if any. */
  imageAt(address: number): string | undefined {
    return this.images.find((i) => address >= i.start && address < i.end)?.name;
  }

  /** `name` or `name+0xN` (objdump's choice of symbol), or undefined outside the images' symbols. */
  symbolize(address: number): string | undefined {
    for (const i of this.images) {
      if (address < i.start || address >= i.end) continue;
      return i.symbolize((address - i.base) >>> 0);
    }
    return undefined;
  }

  /** A symbol by name, optionally `name+OFFSET` (decimal or 0x hex); program first, then the vDSO. */
  lookup(text: string): FoundSymbol | undefined {
    const m = /^\s*([A-Za-z_.$][\w.$@]*)\s*(?:\+\s*(0x[0-9a-fA-F]+|\d+))?\s*$/.exec(text);
    if (!m) return undefined;
    const name = m[1]!.replace(/@.*$/, '');
    const offset = m[2] ? Number(m[2]) : 0;
    for (const i of this.images) {
      const sym = i.dynamic.get(name)
        ?? i.symbols.find((s) => s.name === name && s.type === STT_FUNC)
        ?? i.symbols.find((s) => s.name === name);
      if (!sym) continue;
      const kind = sym.type === STT_FUNC ? 'function' : sym.type === STT_OBJECT ? 'object' : 'other';
      return { address: (sym.value + i.base + offset) >>> 0, size: offset ? 0 : sym.size, image: i.name, kind };
    }
    return undefined;
  }

  /** Names of function symbols (for completion and messages), at most `limit`. */
  functionNames(limit = 50): string[] {
    const out: string[] = [];
    for (const i of this.images) for (const s of i.symbols) if (s.type === STT_FUNC && out.length < limit) out.push(s.name);
    return out;
  }

  /**
   * The nearest FUNC symbol at or below `address` (never a `.L` label): its name, run-time
   * start, and end (the next function symbol's start, or the end of the code section holding
   * the start, whichever comes first; the image's end where neither is known).
   */
  functionAt(address: number): FunctionExtent | undefined {
    for (const i of this.images) {
      if (address < i.start || address >= i.end) continue;
      const link = (address - i.base) >>> 0;
      const f = i.functions;
      let lo = 0, hi = f.length - 1, best = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (f[mid]!.value <= link) { best = mid; lo = mid + 1; } else hi = mid - 1;
      }
      if (best < 0) return undefined;
      const start = f[best]!.value;
      const section = i.code.find(([from, to]) => start >= from && start < to);
      const end = Math.min(f[best + 1]?.value ?? Infinity, section?.[1] ?? Infinity, (i.end - i.base) >>> 0);
      return { name: f[best]!.name, start: (start + i.base) >>> 0, end: (end + i.base) >>> 0 };
    }
    return undefined;
  }

  /** The name of the symbol that starts exactly at `address` (objdump's choice, `.L` labels left out). */
  startAt(address: number): string | undefined {
    const name = this.symbolize(address);
    return name && !name.includes('+0x') && !name.startsWith('.L') ? name : undefined;
  }

  /** Run-time start addresses of every function symbol (known instruction boundaries). */
  functionStarts(): number[] {
    const out: number[] = [];
    for (const i of this.images) for (const s of i.functions) out.push((s.value + i.base) >>> 0);
    return out;
  }
}

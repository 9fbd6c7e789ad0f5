// Owns the debugger's map between code and source lines: each loaded image's .debug_line
// rows moved to run-time addresses, with file names made whole from the line table's
// directories and the compile unit's comp_dir and then rewritten by the launch
// configuration's sourceFileMap (a DWARF folder -> a local folder, longest prefix first);
// the row that covers a pc (code the alternatives patcher rewrote maps to the row of the
// replacement it came from); the address range of a pc's line (for stepping by line); and
// the first address of a source line, moved to the next line with code as gdb moves it.
import { InputError } from '../../toolchain/errors';
import type { ElfFile } from '../../toolchain/elf/types';
import { compileUnitsOf, type CompileUnit } from '../../toolchain/dwarf/debug-info';
import { lineProgramsOf } from '../../toolchain/dwarf/elf-lines';
import type { LineProgram } from '../../toolchain/dwarf/line-table';
import { readAlternatives } from '../kernel/vdso/alternatives';
import type { RuntimeFrame } from './types';
import { ImageCache } from './image-cache';

/** One row of a sequence: [address, end) is `line` of `path`. */
export interface SourceRow {
  readonly address: number;
  readonly end: number;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
}

export interface SourceLocation {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** Where the row's range starts and ends (the whole row, not just the pc). */
  readonly start: number;
  readonly end: number;
  readonly isStmt: boolean;
}

/** A remap of code the alternatives patcher rewrote: [start, end) ran from the replacement at `from`. */
interface Remap {
  readonly start: number;
  readonly end: number;
  readonly from: number;
}

/** Joins and normalizes POSIX-style paths (the DWARF of an i386 Linux program). */
export function joinPath(dir: string | undefined, name: string): string {
  const whole = name.startsWith('/') || !dir ? name : `${dir.replace(/\/+$/, '')}/${name}`;
  const absolute = whole.startsWith('/');
  const parts: string[] = [];
  for (const p of whole.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (p !== '..' || !absolute) parts.push(p);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

/** The files of one line program as whole paths, by file index. */
function programFiles(p: LineProgram, unit: CompileUnit | undefined): (string | undefined)[] {
  const compDir = unit?.compDir ?? (p.header.version >= 5 ? p.header.directories[0] : undefined);
  const dirs = p.header.directories;
  return p.files.map((f) => {
    if (f.name === undefined) return undefined;
    let dir: string | undefined;
    if (p.header.version >= 5) dir = dirs[f.directoryIndex];
    else dir = f.directoryIndex === 0 ? compDir : dirs[f.directoryIndex - 1];
    if (dir !== undefined && !dir.startsWith('/') && compDir) dir = joinPath(compDir, dir);
    return joinPath(dir, f.name);
  });
}

/** An image's line programs and compile units as read (image-cache.ts keeps them for a launch of the same bytes). */
interface ImageDwarf {
  /** Undefined when .debug_line cannot be read. */
  readonly programs: readonly LineProgram[] | undefined;
  readonly units: readonly CompileUnit[];
  readonly problems: readonly string[];
}

const keptDwarf = new ImageCache<ImageDwarf>();

function readDwarf(elf: ElfFile): ImageDwarf {
  const problems: string[] = [];
  let units: CompileUnit[] = [];
  try {
    const programs = lineProgramsOf(elf);
    try {
      units = compileUnitsOf(elf);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
    return { programs, units, problems };
  } catch (e) {
    return { programs: undefined, units, problems: [e instanceof Error ? e.message : String(e)] };
  }
}

export class SourceMap {
  /** Every row of every image, sorted by address. */
  private rows: SourceRow[] = [];
  private remaps: Remap[] = [];
  /** Functions' first instructions (DWARF subprograms): a breakpoint on their line goes after the prologue. */
  private readonly entries = new Set<number>();
  /** What failed to read, one line each (the debugger says it once on the console). */
  readonly problems: string[] = [];

  /** @param fileMap the launch configuration's sourceFileMap: a folder in the DWARF -> a local folder */
  constructor(private readonly fileMap: Readonly<Record<string, string>> = {}) {}

  get empty(): boolean {
    return this.rows.length === 0;
  }

  /** Adds an image's line table, its addresses moved by `bias`. Bad DWARF is a problem, not an error. */
  addImage(elf: ElfFile, bias: number): void {
    const { programs, units, problems } = keptDwarf.get(elf.bytes, elf.fileName, () => readDwarf(elf));
    this.problems.push(...problems);
    if (!programs) return;
    for (const u of units) for (const f of u.functions) if (f.ranges[0]) this.entries.add((f.ranges[0].start + bias) >>> 0);
    const added: SourceRow[] = [];
    for (const p of programs) {
      const unit = units.find((u) => u.stmtList === p.header.offset);
      const files = programFiles(p, unit).map((f) => (f === undefined ? undefined : this.mapped(f)));
      const index = (file: number): number => (p.header.version >= 5 ? file : file - 1);
      for (let i = 0; i < p.rows.length; i++) {
        const r = p.rows[i]!;
        if (r.endSequence) continue;
        const next = p.rows[i + 1];
        const path = files[index(r.file)];
        if (!next || path === undefined || next.address <= r.address) continue;
        added.push({ address: (r.address + bias) >>> 0, end: (next.address + bias) >>> 0, path, line: r.line, column: r.column, isStmt: r.isStmt });
      }
    }
    this.rows = [...this.rows, ...added].sort((a, b) => a.address - b.address);
  }

  /**
   * Code the alternatives patcher rewrote in a mapped vDSO (`image` as mapped at `base`):
   * each site whose bytes are now its replacement's runs the replacement's rows.
   */
  addAlternatives(elf: ElfFile, image: Uint8Array, base: number): void {
    let entries;
    try {
      entries = readAlternatives(elf, elf.fileName).table.entries;
    } catch {
      return;
    }
    const at = (address: number): number | undefined => {
      for (const p of elf.programHeaders) if (p.type === 1 && address >= p.vaddr && address < p.vaddr + p.filesz) return p.offset + address - p.vaddr;
      return undefined;
    };
    for (const e of entries) {
      const site = at(e.site);
      const repl = at(e.replacement);
      if (site === undefined || repl === undefined || e.replacementlen === 0) continue;
      let same = true;
      for (let k = 0; k < e.replacementlen && same; k++) same = image[site + k] === image[repl + k];
      if (!same) continue;
      const start = (base + e.site) >>> 0;
      this.remaps = this.remaps.filter((r) => r.end <= start || r.start >= start + e.replacementlen);
      this.remaps.push({ start, end: start + e.replacementlen, from: (base + e.replacement) >>> 0 });
    }
  }

  private mapped(path: string): string {
    let best: string | undefined;
    for (const from of Object.keys(this.fileMap)) {
      const f = from.replace(/\/+$/, '');
      if ((path === f || path.startsWith(f + '/')) && (best === undefined || f.length > best.length)) best = f;
    }
    if (best === undefined) return path;
    const key = Object.keys(this.fileMap).find((k) => k.replace(/\/+$/, '') === best)!;
    return joinPath(this.fileMap[key]!, path.slice(best.length).replace(/^\/+/, ''));
  }

  /** The row covering `pc` (the is_stmt one where several start there), or undefined. */
  private rowAt(pc: number): SourceRow | undefined {
    const rows = this.rows;
    let lo = 0, hi = rows.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]!.address <= pc) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let i = best; i >= 0 && i > best - 64; i--) {
      const r = rows[i]!;
      if (pc >= r.address && pc < r.end) return r;
    }
    return undefined;
  }

  /** The source line of `pc` (alternatives sites answer with their replacement's line). */
  locate(pc: number): SourceLocation | undefined {
    pc >>>= 0;
    const remap = this.remaps.find((r) => pc >= r.start && pc < r.end);
    const lookup = remap ? remap.from + (pc - remap.start) : pc;
    const r = this.rowAt(lookup);
    if (!r) return undefined;
    const shift = remap ? remap.start - remap.from : 0;
    const start = Math.max(r.address + shift, remap ? remap.start : 0);
    const end = remap ? Math.min(r.end + shift, remap.end) : r.end;
    return { path: r.path, line: r.line, column: r.column, start: start >>> 0, end: end >>> 0, isStmt: r.isStmt };
  }

  /**
   * The addresses in [start, end) where an is_stmt row starts as locate() sees them (where a
   * forward line step may stop), ascending: a patched alternatives site gives its own start
   * and its replacement's row starts moved onto it, never the padding's rows.
   */
  statementStarts(start: number, end: number): number[] {
    const lo = start >>> 0, hi = end >>> 0;
    const candidates = [...this.rowStarts(), ...this.remaps.map((m) => m.start)].filter((a) => a >= lo && a < hi);
    const out = new Set<number>();
    for (const a of candidates) {
      const loc = this.locate(a);
      if (loc && loc.isStmt && loc.start === a) out.add(a);
    }
    return [...out].sort((a, b) => a - b);
  }

  /**
   * Where rows start, as run-time addresses: known instruction boundaries for disassembling
   * backwards. A patched alternatives site gives its replacement's row starts, moved onto it.
   */
  rowStarts(): number[] {
    const out: number[] = [];
    for (const r of this.rows) if (!this.remaps.some((m) => r.address >= m.start && r.address < m.end)) out.push(r.address);
    for (const m of this.remaps) for (const r of this.rows) if (r.address >= m.from && r.address < m.from + (m.end - m.start)) out.push((m.start + r.address - m.from) >>> 0);
    return out;
  }

  /** True when a row starts exactly at `pc` (a line's first instruction). */
  startsRow(pc: number): boolean {
    const loc = this.locate(pc);
    return loc !== undefined && loc.start === pc >>> 0;
  }

  /** The paths the tables name that are `path` (exactly, else the only one with its file name). */
  private samePath(path: string): (p: string) => boolean {
    const wanted = joinPath(undefined, path.replace(/\\/g, '/'));
    if (this.rows.some((r) => r.path === wanted)) return (p) => p === wanted;
    const base = wanted.slice(wanted.lastIndexOf('/') + 1);
    const candidates = new Set(this.rows.map((r) => r.path).filter((p) => p.slice(p.lastIndexOf('/') + 1) === base));
    return candidates.size === 1 ? (p) => candidates.has(p) : () => false;
  }

  /** True when some line table names this file. */
  knows(path: string): boolean {
    const same = this.samePath(path);
    return this.rows.some((r) => same(r.path));
  }

  /**
   * Where a breakpoint on `line` of `path` goes, as gdb places it: the lowest is_stmt address
   * of that line, or of the next line below it that has code; on a function's opening line,
   * after the prologue (the function's next line). undefined when no line at or below has code.
   */
  breakpointAt(path: string, line: number): { readonly address: number; readonly line: number } | undefined {
    const same = this.samePath(path);
    const rows = this.rows.filter((r) => same(r.path) && r.isStmt);
    let best: number | undefined;
    for (const r of rows) if (r.line >= line && (best === undefined || r.line < best)) best = r.line;
    if (best === undefined) return undefined;
    const at = rows.filter((r) => r.line === best).sort((a, b) => a.address - b.address)[0]!;
    const body = this.bodyOf(at.address);
    if (body !== undefined && body !== at.address) return { address: body, line: this.locate(body)?.line ?? at.line };
    return { address: at.address, line: at.line };
  }

  /** Lines of `path` in [line, endLine] that have code (breakpointLocations). */
  linesWithCode(path: string, line: number, endLine = line): number[] {
    const same = this.samePath(path);
    const lines = new Set<number>();
    for (const r of this.rows) if (r.isStmt && r.line >= line && r.line <= endLine && same(r.path)) lines.add(r.line);
    return [...lines].sort((a, b) => a - b);
  }

  /**
   * Where the body of a function starting at `entry` begins, as gdb skips a prologue: the end
   * of the function's first row in compiled code; the entry itself in assembly (.s/.S) and
   * where `entry` starts no function the DWARF describes.
   */
  bodyOf(entry: number): number | undefined {
    entry >>>= 0;
    const first = this.rowAt(entry);
    if (!first) return undefined;
    if (!this.entries.has(entry) || /\.s$/i.test(first.path) || first.address !== entry) return entry;
    return this.rowAt(first.end) ? first.end : entry;
  }
}

/** The launch configuration's sourceFileMap, checked: an object of folder -> folder strings. */
export function checkFileMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const bad = (): never => {
    throw new InputError('launch configuration', '"sourceFileMap"', 'must be an object mapping a folder in the DWARF to a local folder ({ "/build": "/home/me/src" })');
  };
  if (typeof value !== 'object' || Array.isArray(value)) return bad();
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 1000 || entries.some(([k, v]) => typeof v !== 'string' || k === '' || v === '')) return bad();
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The frames with their source lines: frame 0 and a frame interrupted by a signal at pc, a caller at pc - 1 (inside its call). */
export function framesWithSources(frames: readonly RuntimeFrame[], map: SourceMap): RuntimeFrame[] {
  return frames.map((f, i) => {
    if (f.kind !== 'frame') return f;
    const prev = frames[i - 1];
    const exact = i === 0 || f.signalFrame || (prev !== undefined && prev.kind === 'frame' && prev.signalFrame);
    const source = map.locate(exact ? f.pc : (f.pc - 1) >>> 0);
    return source ? { ...f, source } : f;
  });
}

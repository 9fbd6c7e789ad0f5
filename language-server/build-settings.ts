// Owns where a document's build options come from: the settings vdsoLab.includePath,
// vdsoLab.defines, vdsoLab.imacros and vdsoLab.kernel, and the -I/-D/-U/-include/-imacros options of the entry for the
// file in the nearest compile_commands.json above it (as the kernel's
// `make compile_commands.json` writes it), on top of the rules a stub is built with. Also the
// server's own settings (vdsoLab.lsp.*) and their defaults, which package.json repeats.
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { stubDefines, stubIncludeDirs } from '../toolchain/designs/user-stub';
import { readInputText } from '../toolchain/input-file';
import { DEFAULT_KERNEL, type KernelAbi, type KernelKind } from '../toolchain/designs/options';
import type { InlayHintPart } from './inlay-hints';

/** The settings the client sends under `vdsoLab` (all optional). */
export interface ServerSettings {
  readonly includePath?: readonly string[];
  readonly defines?: readonly string[];
  /** -imacros files (relative ones from the workspace folder), read before compile_commands.json's. */
  readonly imacros?: readonly string[];
  /** The kernel kind the document is analysed for (CONFIG_X86_64 on compat64). */
  readonly kernel?: KernelKind;
  /** Diagnostic kinds turned off, by kind name (see diagnostics.ts). */
  readonly diagnostics?: Readonly<Record<string, boolean>>;
  /** The inlay hint parts shown (inlay-hints.ts); `false` hides them all. */
  readonly inlayHints?: boolean | Readonly<Partial<Record<InlayHintPart, boolean>>>;
  /** The kernel ABI "Check contract" runs the file with (default upstream). */
  readonly abi?: KernelAbi;
  readonly lsp?: { readonly debounceMs?: number };
}

/** Milliseconds an edit waits for the next before the document is analysed again (vdsoLab.lsp.debounceMs). */
export const DEFAULT_DEBOUNCE_MS = 200;

/** The debounce in force: the setting when it is a number from 0 to 10000, else the default. */
export function debounceMs(settings: ServerSettings): number {
  const v = settings.lsp?.debounceMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 10_000 ? v : DEFAULT_DEBOUNCE_MS;
}

export interface BuildOptions {
  readonly includeDirs: readonly string[];
  readonly defines: readonly string[];
  readonly undefines: readonly string[];
  /** -include files (absolute), read before the document's first line. */
  readonly includes: readonly string[];
  /** -imacros files (absolute): read for their macros only, before the -include ones. */
  readonly imacros: readonly string[];
  readonly kernel: KernelKind;
  /** The compile_commands.json the options came from, if any. */
  readonly compileCommands?: string;
}

interface CompileCommand {
  readonly directory?: string;
  readonly file?: string;
  readonly command?: string;
  readonly arguments?: readonly string[];
}

/** Splits a shell command line the way compile_commands.json writers quote it. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:[^\s"'\\]|\\.)+)/g)) {
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]!.replace(/\\(.)/g, '$1'));
  }
  return words;
}

const cache = new Map<string, { mtime: number; entries: readonly CompileCommand[] }>();

function readCompileCommands(path: string): readonly CompileCommand[] {
  try {
    const mtime = statSync(path).mtimeMs;
    const hit = cache.get(path);
    if (hit && hit.mtime === mtime) return hit.entries;
    const parsed: unknown = JSON.parse(readInputText(path, path));
    const entries = Array.isArray(parsed) ? (parsed as CompileCommand[]) : [];
    cache.set(path, { mtime, entries });
    return entries;
  } catch {
    return [];
  }
}

/** The nearest compile_commands.json in the file's folder or above it. */
function findCompileCommands(file: string): string | undefined {
  let dir = dirname(file);
  for (let i = 0; i < 64; i++) {
    const candidate = join(dir, 'compile_commands.json');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** The -I, -D, -U, -include and -imacros options of the compile command for `file` (empty when none names it). */
export function compileCommandOptions(file: string): { includeDirs: string[]; defines: string[]; undefines: string[]; includes: string[]; imacros: string[]; from?: string } {
  const out = { includeDirs: [] as string[], defines: [] as string[], undefines: [] as string[], includes: [] as string[], imacros: [] as string[] };
  const db = findCompileCommands(file);
  if (!db) return out;
  const entry = readCompileCommands(db).find((e) => e.file && resolve(e.directory ?? dirname(db), e.file) === file);
  if (!entry) return out;
  const dir = entry.directory ?? dirname(db);
  const args = entry.arguments ? [...entry.arguments] : shellWords(entry.command ?? '');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^(-I|-isystem|-iquote|-idirafter|-D|-U|-include|-imacros)(.*)$/.exec(a);
    if (!m) continue;
    const value = m[2] !== '' ? m[2]! : args[++i] ?? '';
    if (m[1] === '-D') out.defines.push(value);
    else if (m[1] === '-U') out.undefines.push(value);
    // gcc looks for an -include or -imacros file in the directory it runs in first.
    else if (m[1] === '-include') out.includes.push(isAbsolute(value) ? value : resolve(dir, value));
    else if (m[1] === '-imacros') out.imacros.push(isAbsolute(value) ? value : resolve(dir, value));
    else out.includeDirs.push(isAbsolute(value) ? value : resolve(dir, value));
  }
  return { ...out, from: db };
}

/** The options a document is preprocessed with: settings, then compile_commands.json, then the stub build's. */
export function buildOptions(file: string, settings: ServerSettings, root: string | undefined): BuildOptions {
  const kernel = settings.kernel ?? DEFAULT_KERNEL;
  const db = compileCommandOptions(file);
  const fromRoot = (d: string) => (isAbsolute(d) || !root ? d : resolve(root, d));
  const fromSettings = (settings.includePath ?? []).map(fromRoot);
  return {
    includeDirs: [...fromSettings, ...db.includeDirs, ...stubIncludeDirs(file)],
    defines: [...stubDefines(kernel), ...db.defines, ...(settings.defines ?? [])],
    undefines: db.undefines,
    includes: db.includes,
    imacros: [...(settings.imacros ?? []).map(fromRoot), ...db.imacros],
    kernel,
    ...(db.from ? { compileCommands: db.from } : {}),
  };
}

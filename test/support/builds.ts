// Owns building the tests' inputs with the real toolchain (gcc -m32, as --32, ld): the programs
// the emulator runs and the objects the tests feed vdso-lab's readers. A given (tool, version,
// arguments, source text, bytes of every file it reads) is built once: per process, and across
// processes and runs through a content-addressed folder in the cache folder (test-builds/),
// unless VDSO_LAB_TEST_BUILD_CACHE=off (docs/testing.md); what no build has used for a week
// is removed by a later write (pruneBuilds). Each caller gets its own copy of the
// output in its folder. Only inputs: an oracle's own answer (GNU's bytes for a source our
// assembler also assembles, a reading of our output) is run at test time (oracles.ts).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { cacheDir } from '../../toolchain/cache';
import { TEMPORARY_SUFFIX, readChecked, touchUsed, unusedFiles, usedFile, writeChecked, type UsedFile } from '../../toolchain/checked-file';
import { run } from './run-tool';

/** The variable that turns the on-disk part off (`off`); the per-process memo stays. */
export const BUILD_CACHE_ENV = 'VDSO_LAB_TEST_BUILD_CACHE';

/** The folder of built inputs inside the cache folder. */
export function buildCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'test-builds');
}

export type BuildTool = 'gcc' | 'as' | 'ld';

export interface BuildRequest {
  readonly tool: BuildTool;
  /** The tool's arguments; one output after `-o`; relative paths are taken in `dir`. */
  readonly args: readonly string[];
  /** The caller's folder: the tool runs there and the output is written there. */
  readonly dir: string;
  /** Files the build writes into `dir` first (name relative to `dir`, text). */
  readonly sources?: Readonly<Record<string, string>>;
  /**
   * The test does not read the folder debug information records (it compares two readings of
   * the same file): a build with -g may then come from another folder, and from the disk.
   */
  readonly anyFolder?: boolean;
}

interface Output {
  readonly bytes: Uint8Array;
  readonly mode: number;
}

/** "vdso-lab test build", then the layout's version (toolchain/checked-file.ts). */
const MAGIC = 0x76746231;
/** "vdso-lab test tools", then the layout's version: an entry of identities/. */
const IDENTITY_MAGIC = 0x76747431;
const memo = new Map<string, Output>();
/** The tools' versions and libc.a's path, by the programs PATH finds (identity). */
const identities = new Map<string, string>();

/**
 * Runs `tool args` in `dir` (after writing `sources` there), or gives the output a build of the
 * same key made before; returns the output's absolute path. Builds with debug information
 * (which records the folder) are shared only by builds in the same folder, and on disk only in
 * a fixedFolder, unless `anyFolder`.
 */
export function buildInput(request: BuildRequest): string {
  const { tool, args, dir } = request;
  const out = resolve(dir, outputOf(request));
  restoreFixedFolder(dir);
  writeSources(dir, request.sources ?? {});
  const { key, onDisk } = keyOf(request);
  let output = memo.get(key) ?? (onDisk ? readEntry(entryPath(key)) : undefined);
  if (!output) {
    // In a fixed folder another process may be reading the output: the tool writes a name of its own.
    const written = isFixedFolder(dir) ? temporaryName(out) : out;
    const at = args.indexOf('-o') + 1;
    run(tool, args.map((a, i) => (i === at ? written : a)), { cwd: dir });
    output = { bytes: new Uint8Array(readFileSync(written)), mode: statSync(written).mode & 0o777 };
    if (written !== out) renameSync(written, out);
    if (onDisk) {
      writeEntry(entryPath(key), output);
      pruneBuilds();
    }
  } else {
    // Through a rename: the caller may be running the program an earlier call gave.
    const tmp = temporaryName(out);
    writeFileSync(tmp, output.bytes, { mode: output.mode });
    renameSync(tmp, out);
  }
  memo.set(key, output);
  return out;
}

/** The file on disk that holds `request`'s output, or undefined when it is built per process only (for this module's tests). */
export function cacheEntryOf(request: BuildRequest): string | undefined {
  const { key, onDisk } = keyOf(request);
  return onDisk ? entryPath(key) : undefined;
}

/** Forgets this process's builds, so the next build reads the disk (for this module's tests). */
export function forgetBuilds(): void {
  memo.clear();
}

function outputOf(request: BuildRequest): string {
  const at = request.args.indexOf('-o');
  const name = at >= 0 ? request.args[at + 1] : undefined;
  if (name === undefined) throw new Error(`buildInput: ${request.tool} ${request.args.join(' ')} names no output (-o)`);
  return name;
}

function keyOf(request: BuildRequest): { key: string; onDisk: boolean } {
  const { tool, args, dir } = request;
  const debug = !request.anyFolder && args.some((a) => isDebugFlag(tool, a));
  const key = buildKey(tool, args, dir, args.indexOf('-o') + 1, debug);
  return { key, onDisk: (!debug || isFixedFolder(dir)) && process.env[BUILD_CACHE_ENV] !== 'off' };
}

/** Where fixedFolder's folders are, in the folder of built inputs. */
const FOLDERS = 'folders';
/** Where the tools' identities are, in the folder of built inputs. */
const IDENTITIES = 'identities';

function fixedFolders(): string {
  return join(buildCacheDir(), FOLDERS);
}

function isFixedFolder(dir: string): boolean {
  const inside = relative(fixedFolders(), resolve(dir));
  return inside !== '' && !inside.startsWith('..') && !inside.includes('/');
}

/**
 * A folder named by `sources` (their names and text; test-builds/folders/HASH/) with them
 * written there: the same folder in every process and run, so that a build there with debug
 * information, which records its folder, is kept on disk as any other (buildInput). A test reads
 * what is there and builds there only through buildInput; it writes nothing else there.
 */
export function fixedFolder(sources: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(sources).sort()) h.update(`${name}\0${sources[name]}\0`);
  const dir = join(fixedFolders(), h.digest('hex').slice(0, 32));
  fixedSources.set(dir, sources);
  mkdirSync(dir, { recursive: true });
  touchUsed(dir);
  writeSources(dir, sources);
  return dir;
}

/** The sources of each fixed folder this process asked for. */
const fixedSources = new Map<string, Readonly<Record<string, string>>>();

/**
 * Makes a fixed folder this process asked for whole again before a build there: another
 * process's pruning pass (pruneBuilds) may have found it unused for a week just before this
 * one asked for it, and removed it after.
 */
function restoreFixedFolder(dir: string): void {
  const sources = fixedSources.get(resolve(dir));
  if (!sources) return;
  mkdirSync(dir, { recursive: true });
  writeSources(dir, sources);
}

/** Writes `sources` into `dir`; in a fixed folder, only what differs, through a rename (another process may be building from it). */
function writeSources(dir: string, sources: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(sources)) {
    const path = resolve(dir, name);
    if (!isFixedFolder(dir)) {
      writeFileSync(path, text);
      continue;
    }
    if (isFile(path) && readFileSync(path, 'utf8') === text) continue;
    const tmp = temporaryName(path);
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
}

function temporaryName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}${TEMPORARY_SUFFIX}`;
}

/** Debug information records the folder the tool ran in (DW_AT_comp_dir). */
function isDebugFlag(tool: BuildTool, arg: string): boolean {
  if (tool === 'as') return /^(-g|--gdwarf|--gstabs|--gen-debug)/.test(arg);
  if (tool === 'gcc') return /^-g(?!no-)/.test(arg) || /^-Wa,.*(-g|--gdwarf|--gen-debug)/.test(arg);
  return false;
}

/** The key: the toolchain's identity, the arguments (`dir` as a placeholder unless `debug`) and every file read. */
function buildKey(tool: BuildTool, args: readonly string[], dir: string, outputAt: number, debug: boolean): string {
  const h = createHash('sha256').update(identity(tool)).update('\0');
  if (debug) h.update(`cwd ${dir}\0`);
  const place = (a: string): string => (debug ? a : a.split(dir).join('<dir>'));
  args.forEach((arg, i) => {
    // The output's name is not in what the tools write: builds that differ only there are one.
    h.update(i === outputAt ? 'output\0' : `arg ${place(arg)}\0`);
    if (i === outputAt) return;
    const includeDir = args[i - 1] === '-I' ? arg : arg.startsWith('-I') ? arg.slice(2) : undefined;
    if (includeDir !== undefined) {
      hashTree(h, resolve(dir, includeDir), place);
      return;
    }
    for (const candidate of pathsIn(arg)) {
      const path = resolve(dir, candidate);
      if (!isFile(path)) continue;
      h.update(`file ${place(path)}\0`).update(readFileSync(path)).update('\0');
      // A C or assembly source's own quoted includes, next to it.
      if (/\.(c|S|s|h)$/.test(path)) hashQuotedIncludes(h, path, place);
    }
  });
  return h.digest('hex');
}

/** The strings in one argument that may name a file: itself, after `=`, the pieces of -Wl,/-Wa,. */
function pathsIn(arg: string): string[] {
  if (!arg.startsWith('-')) return [arg];
  const found: string[] = [];
  const eq = arg.indexOf('=');
  if (eq > 0) found.push(arg.slice(eq + 1));
  if (/^-W[la],/.test(arg)) found.push(...arg.slice(4).split(','));
  return found;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function hashTree(h: ReturnType<typeof createHash>, root: string, place: (a: string) => string): void {
  if (!existsSync(root)) return;
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const s = statSync(path);
      if (s.isDirectory()) walk(path);
      else if (s.isFile()) h.update(`file ${place(path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(root);
}

/** The files `source` includes in quotes, found beside the including file, and theirs in turn (each once). */
function hashQuotedIncludes(h: ReturnType<typeof createHash>, source: string, place: (a: string) => string, seen = new Set<string>([source])): void {
  const text = readFileSync(source, 'utf8');
  for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    const path = resolve(source, '..', m[1]!);
    if (seen.has(path) || !isFile(path)) continue;
    seen.add(path);
    h.update(`file ${place(path)}\0`).update(readFileSync(path)).update('\0');
    hashQuotedIncludes(h, path, place, seen);
  }
}

/**
 * What the tool's output depends on besides its arguments and files: each tool's program as
 * PATH finds it (its real path, device, inode, size and times: another or a changed program is
 * another file), the tools' --version (gcc runs as and ld) and, where libraries are linked, the
 * i386 libc.a (its path, size and time). The versions and libc.a's path are asked once per set
 * of programs and kept in the cache folder (identities/), so that a process does not start four
 * tools before its first build.
 */
function identity(tool: BuildTool): string {
  const tools: BuildTool[] = tool === 'gcc' ? ['gcc', 'as', 'ld'] : [tool];
  const programs = tools.map(programFile);
  const found = programs.every((p) => p !== undefined);
  const signature = `${tools.join(' ')}\0${programs.join('\0')}`;
  let text = found ? identities.get(signature) : undefined;
  if (text === undefined) {
    const onDisk = found && process.env[BUILD_CACHE_ENV] !== 'off';
    const file = join(buildCacheDir(), IDENTITIES, createHash('sha256').update(signature).digest('hex').slice(0, 32));
    text = (onDisk ? readChecked(file, IDENTITY_MAGIC)?.toString('utf8') : undefined) ?? askedIdentity(tool, tools);
    // A libc.a path that no longer holds a file is asked again: gcc may now find another.
    if (tool !== 'as' && !existsSync(text.slice(text.lastIndexOf('\0') + 1))) text = askedIdentity(tool, tools);
    else if (onDisk) writeChecked(dirname(file), file, IDENTITY_MAGIC, [Buffer.from(text, 'utf8')], { family: '', suffix: '', kept: 64 });
    if (found) identities.set(signature, text);
  }
  if (tool === 'as') return `${signature}\0${text}`;
  const libc = text.slice(text.lastIndexOf('\0') + 1);
  const s = libc && existsSync(libc) ? statSync(libc) : undefined;
  return `${signature}\0${text} ${s?.size ?? '-'} ${s?.mtimeMs ?? '-'}`;
}

/** The tools' --version and, unless only `as` runs, the path of the i386 libc.a gcc links, asked of the tools. */
function askedIdentity(tool: BuildTool, tools: readonly BuildTool[]): string {
  const text = tools.map((t) => run(t, ['--version'])).join('\0');
  if (tool === 'as') return text;
  const libc = spawnSync('gcc', ['-m32', '-print-file-name=libc.a'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  return `${text}\0${libc}`;
}

/** The program PATH finds for `name`: its real path, device, inode, size and times; undefined when none. */
function programFile(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    if (folder === '') continue;
    try {
      const path = join(folder, name);
      const s = statSync(path);
      if (!s.isFile() || (s.mode & 0o111) === 0) continue;
      const real = realpathSync(path);
      const r = statSync(real);
      return `${real} ${r.dev} ${r.ino} ${r.size} ${r.mtimeMs} ${r.ctimeMs}`;
    } catch {
      continue;
    }
  }
  return undefined;
}

function entryPath(key: string): string {
  return join(buildCacheDir(), key.slice(0, 2), key);
}

/** The entry, a checked file (toolchain/checked-file.ts): the mode (4 bytes), then the bytes; marked used (pruneBuilds keeps it). */
function readEntry(path: string): Output | undefined {
  const data = readChecked(path, MAGIC);
  if (!data || data.length < 4) return undefined;
  touchUsed(path);
  return { bytes: new Uint8Array(data.subarray(4)), mode: data.readUInt32LE(0) & 0o777 };
}

/** Writes through a temporary file and a rename, so a process reading at the same time sees all or nothing. */
function writeEntry(path: string, output: Output): void {
  const mode = Buffer.alloc(4);
  mode.writeUInt32LE(output.mode, 0);
  writeChecked(dirname(path), path, MAGIC, [mode, output.bytes]);
}

/**
 * The bound on what builds keep on disk: an entry or a fixed folder unused for BUILD_AGE_MS
 * goes, then the least recently used entries while all of them pass BUILD_BYTES, and a
 * temporary file as old (its writer stopped before the rename). Every read
 * and write of an entry and every fixedFolder call is a use (its mtime). A pass reads the whole
 * folder, so a write makes one at most every PRUNE_EVERY_MS per cache folder (the time of
 * test-builds/last-pruned, moved on before the pass, so that processes running at once do not
 * all make it).
 */
const BUILD_AGE_MS = 7 * 24 * 3600 * 1000;
const BUILD_BYTES = 512 << 20;
const PRUNE_EVERY_MS = 3600 * 1000;
/** An entry's name: its key, 64 hexadecimal digits. */
const ENTRY_NAME = /^[0-9a-f]{64}$/;

/** Removes the built inputs in `root` unused past the bound above, unless a pass ran there within PRUNE_EVERY_MS; never throws. */
export function pruneBuilds(root = buildCacheDir()): void {
  const marker = join(root, 'last-pruned');
  const now = Date.now();
  try {
    if (now - statSync(marker).mtimeMs < PRUNE_EVERY_MS) return;
  } catch {
    // No pass yet in this cache folder.
  }
  try {
    writeFileSync(marker, '');
    const entries: UsedFile[] = [];
    for (const folder of readdirSync(root)) {
      if (!/^[0-9a-f]{2}$/.test(folder) && folder !== IDENTITIES) continue;
      for (const name of readdirSync(join(root, folder))) {
        const path = join(root, folder, name);
        if (ENTRY_NAME.test(name)) entries.push(usedFile(path));
        // A writer stopped between its temporary file and the rename left it: none takes a week.
        else if (name.endsWith(TEMPORARY_SUFFIX)) removed(() => now - statSync(path).mtimeMs > BUILD_AGE_MS && unlinkSync(path));
      }
    }
    for (const path of unusedFiles(entries, '', { maxAgeMs: BUILD_AGE_MS, maxBytes: BUILD_BYTES }, now)) removed(() => unlinkSync(path));
    const folders = join(root, FOLDERS);
    for (const name of existsSync(folders) ? readdirSync(folders) : []) {
      const dir = join(folders, name);
      removed(() => now - statSync(dir).mtimeMs > BUILD_AGE_MS && rmSync(dir, { recursive: true, force: true }));
    }
  } catch {
    // The folder is not ours to write, or another process's pass removed a file while this one listed it: the next pass takes the rest.
  }
}

/** Runs a removal; one that finds its file gone (another process's pass) is not an error. */
function removed(remove: () => unknown): void {
  try {
    remove();
  } catch {
    // Removed by another process first.
  }
}

// Owns the tests' access to the outside oracles (GNU binutils, gcc -m32, qemu-i386, gdb):
// running them (run-tool.ts), and building C and assembly inputs in a temporary folder (through
// builds.ts, which builds each distinct input once). A missing
// oracle fails the test with a message saying what .ci/run must install; nothing skips.
import { spawnSync } from 'node:child_process';
import { parseReadelf } from '../elf/readelf-output';
import { buildInput, fixedFolder } from './builds';
import { run } from './run-tool';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { run };

/** The folders scratch made in this process (or worker), removed when it exits. */
const made: string[] = [];

/** Removes what scratch made; a folder that cannot be removed is left (an exit handler must not throw). */
function removeScratch(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Left in the temporary folder, as before this handler.
    }
  }
}

/** A fresh temporary folder left after the run, for what a user looks at afterwards (the end-to-end suite's screenshots and logs). */
export function keptFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh temporary folder for one test's files, removed with everything in it when this process exits. */
export function scratch(prefix = 'vdso-lab-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.length === 0) process.once('exit', removeScratch);
  made.push(dir);
  return dir;
}

/**
 * Compiles C written by the test with gcc -m32 (extra flags given; paths in them absolute) into
 * `dir`, built once per content (builds.ts; `anyFolder` as there); returns the output path.
 */
export function buildC(name: string, source: string, flags: readonly string[], dir = scratch(), options: { anyFolder?: boolean } = {}): string {
  const out = flags.includes('-c') ? `${name}.o` : name;
  return buildInput({ tool: 'gcc', args: ['-m32', ...flags, `${name}.c`, '-o', out], dir, sources: { [`${name}.c`]: source }, anyFolder: options.anyFolder });
}

/**
 * A gcc -m32 program with debug information (`flags` among them) that a test debugs and hands the
 * oracles to read: `name.c` built by its absolute path in a fixedFolder (builds.ts), so that it is
 * built once per machine like an input without -g. The test writes nothing in `dir`.
 */
export function buildDebugC(name: string, text: string, flags: readonly string[]): { dir: string; source: string; program: string } {
  const dir = fixedFolder({ [`${name}.c`]: text });
  const source = join(dir, `${name}.c`);
  return { dir, source, program: buildInput({ tool: 'gcc', args: ['-m32', ...flags, source, '-o', name], dir }) };
}

/** Assembles GNU as source (a test's input) with `as --32` into `dir`, built once per content (builds.ts); returns the object's path. */
export function assemble(name: string, source: string, dir = scratch()): string {
  return buildInput({ tool: 'as', args: ['--32', `${name}.s`, '-o', `${name}.o`], dir, sources: { [`${name}.s`]: source } });
}

/** GNU as's object for a source that vdso-lab's assembler also assembles: the oracle, run every time. */
export function gasObject(name: string, source: string, dir = scratch()): string {
  writeFileSync(join(dir, `${name}.s`), source);
  run('as', ['--32', `${name}.s`, '-o', `${name}.o`], { cwd: dir });
  return join(dir, `${name}.o`);
}

export function readelf(args: readonly string[]): string {
  return run('readelf', [...args]);
}

/** One symbol of `readelf -SsW`: nm's view of it (no FILE or SECTION symbols, nor the null entry). */
export interface SymbolOfReadelf {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly type: string;
  readonly bind: string;
  /** The section's name; 'UND' and 'ABS' as readelf prints them. */
  readonly section: string;
  /** In an executable section (nm's t/T). */
  readonly code: boolean;
}

/**
 * The .symtab symbols of an ELF file as `readelf -SsW` lists them (parsed by
 * test/elf/readelf-output.ts); the tests' symbol oracle instead of nm, which loads the LTO
 * plugin first (a tenth of a second of CPU each time).
 */
export function readelfSymbols(path: string): SymbolOfReadelf[] {
  const { sections, symbolTables } = parseReadelf(run('readelf', ['-SsW', path]));
  const byIndex = new Map(sections.map((section) => [String(section.index), section]));
  return (symbolTables.get('.symtab') ?? [])
    .filter((symbol) => symbol.name !== '' && symbol.type !== 'FILE' && symbol.type !== 'SECTION')
    .map((symbol) => {
      const section = byIndex.get(symbol.ndx);
      return { name: symbol.name, value: symbol.value, size: symbol.size, type: symbol.type, bind: symbol.bind, section: section?.name ?? symbol.ndx, code: section?.flags.includes('X') ?? false };
    });
}

export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

let runsI386: boolean | undefined;

/**
 * Whether this host executes i386 programs (a kernel with 32-bit compat mode), asked
 * independently of vdso-lab: a GNU as/ld program that exits 42. Machines of this kind differ:
 * where it is true the real CPU and kernel are an oracle too, beside qemu-i386.
 */
export function hostRunsI386(): boolean {
  if (runsI386 !== undefined) return runsI386;
  const dir = scratch();
  const obj = assemble('exit42', '.globl _start\n_start: movl $1,%eax; movl $42,%ebx; int $0x80\n', dir);
  buildInput({ tool: 'ld', args: ['-m', 'elf_i386', obj, '-o', 'exit42'], dir });
  runsI386 = spawnSync('sh', ['-c', `'${join(dir, 'exit42')}'`]).status === 42;
  return runsI386;
}


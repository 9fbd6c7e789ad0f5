// Owns the tests' access to the outside oracles (GNU binutils, gcc -m32, qemu-i386, gdb):
// running them, and building C and assembly inputs in a temporary folder. A missing
// oracle fails the test with a message saying what .ci/run must install; nothing skips.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a tool and returns its stdout; throws with the tool's stderr when it fails. */
export function run(tool: string, args: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  const r = spawnSync(tool, args, { cwd: options.cwd, input: options.input, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`oracle '${tool}' is not installed: .ci/run must install it`);
    throw r.error;
  }
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A fresh temporary folder for one test's files. */
export function scratch(prefix = 'vdso-lab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Compiles C written by the test with gcc -m32 (extra flags given) and returns the output path. */
export function buildC(name: string, source: string, flags: readonly string[], dir = scratch()): string {
  const src = join(dir, `${name}.c`);
  const out = join(dir, flags.includes('-c') ? `${name}.o` : name);
  writeFileSync(src, source);
  run('gcc', ['-m32', ...flags, src, '-o', out]);
  return out;
}

/** Assembles GNU as source with `as --32` and returns the object's path. */
export function assemble(name: string, source: string, dir = scratch()): string {
  const src = join(dir, `${name}.s`);
  const out = join(dir, `${name}.o`);
  writeFileSync(src, source);
  run('as', ['--32', src, '-o', out]);
  return out;
}

export function readelf(args: readonly string[]): string {
  return run('readelf', [...args]);
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
  run('ld', ['-m', 'elf_i386', obj, '-o', join(dir, 'exit42')]);
  runsI386 = spawnSync('sh', ['-c', `'${join(dir, 'exit42')}'`]).status === 42;
  return runsI386;
}

/** True when `tool --version` runs; for tests that must report a missing oracle clearly. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

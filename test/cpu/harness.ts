// Owns the differential test's machinery: writes a batch of generated cases as one i386
// program (each case loads its scratch memory, registers and flags, runs its sequence, and
// records all general registers, esp, EFLAGS and the scratch memory), builds it with as/ld,
// runs it under qemu-i386 and in the emulator, and compares the records case by case.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadElf, runGuest } from './guest';
import { SCRATCH_SIZE, type GeneratedCase } from './generate';
import { DF, STATUS_FLAGS } from '../../toolchain/isa/ops';

/** Bytes compared around the initial stack pointer (16 below it, 16 above). */
const STACK_WINDOW = 32;
/** Bytes per output record: 8 pushal slots, eflags, esp, scratch, the stack window. */
export const RECORD_SIZE = 40 + SCRATCH_SIZE + STACK_WINDOW;
const STACK_SIZE = 8192;

/**
 * The program: per case, one copy (rep movsl) puts the case's initial scratch memory and a
 * zeroed stack window in place, popal/popfl load the registers and flags, the sequence runs
 * on a fresh stack, then pushfl/pushal and one copy record everything. The compared memory is
 * one contiguous area: 16 bytes below the initial esp, 16 above it, then the scratch bytes.
 */
export function programSource(cases: readonly GeneratedCase[]): string {
  const text: string[] = ['.globl _start', '.text', '_start:', 'xorl %eax, %eax', 'movl %eax, %fs', 'movl %eax, %gs'];
  const data: string[] = ['.data', '.balign 16'];
  const area = (STACK_WINDOW + SCRATCH_SIZE) / 4;
  cases.forEach((c, n) => {
    const input = `in${n}`;
    const record = `out+${n * RECORD_SIZE}`;
    text.push(
      `# case ${n}`,
      `movl $${input}, %esi`, 'movl $window, %edi', `movl $${area}, %ecx`, 'cld', 'rep movsl',
      `movl $${input}+${area * 4}, %esp`, 'popal', 'popfl',
      'movl $stack_top, %esp',
      ...c.insns.flatMap((i) => i.lines),
      `movl %esp, ${record}+36`,
      `movl $${record}+36, %esp`,
      'pushfl', 'pushal',
      'movl $window, %esi', `movl $${record}+40, %edi`, `movl $${area}, %ecx`, 'cld', 'rep movsl',
    );
    const words: string[] = new Array(STACK_WINDOW / 4).fill('0');
    for (let k = 0; k < SCRATCH_SIZE; k += 4) {
      words.push(String((c.scratch[k]! | (c.scratch[k + 1]! << 8) | (c.scratch[k + 2]! << 16) | (c.scratch[k + 3]! << 24)) >>> 0));
    }
    const r = c.regs;
    data.push(`${input}: .long ${words.join(', ')}`,
      `.long ${[r[7], r[6], r[5], r[4], r[3], r[2], r[1], r[0]].map((v) => String(v! >>> 0)).join(', ')}, ${c.flags}`);
  });
  text.push('movl $4, %eax', 'movl $1, %ebx', 'movl $out, %ecx', `movl $${cases.length * RECORD_SIZE}, %edx`, 'int $0x80',
    'movl $1, %eax', 'xorl %ebx, %ebx', 'int $0x80');
  const bss = ['.bss', '.balign 16', `out: .fill ${cases.length * RECORD_SIZE + 16}`, `stack: .fill ${STACK_SIZE}`,
    `window: .fill ${STACK_WINDOW / 2}`, `stack_top: .fill ${STACK_WINDOW / 2}`, `scratch: .fill ${SCRATCH_SIZE}`, '.fill 4096'];
  return [...text, ...data, ...bss, ''].join('\n');
}

/** Builds the program into `dir` without blocking (as and ld run while the emulator works on another batch). */
export async function buildProgramAsync(dir: string, name: string, cases: readonly GeneratedCase[]): Promise<string> {
  return linkSourceAsync(dir, name, programSource(cases));
}

/** Writes `source` as NAME.s in `dir`, assembles it with as --32 and links it with ld; returns the program's path. */
export async function linkSourceAsync(dir: string, name: string, source: string): Promise<string> {
  const src = join(dir, `${name}.s`);
  writeFileSync(src, source);
  await tool('as', ['--32', src, '-o', join(dir, `${name}.o`)]);
  await tool('ld', ['-m', 'elf_i386', join(dir, `${name}.o`), '-o', join(dir, name)]);
  return join(dir, name);
}

/** One batch's results: qemu-i386's output and the emulator's run of the same program. */
export interface BatchRun {
  readonly oracle: Uint8Array;
  readonly actual: ReturnType<typeof runEmulator>;
}

/**
 * Runs `count` batches pipelined: while the emulator runs batch b, as/ld build batch b+1 and
 * qemu-i386 runs batch b. `check` sees each batch's cases with both outputs.
 */
export async function runBatches<C>(
  dir: string,
  count: number,
  generate: (batch: number) => C[],
  build: (dir: string, name: string, cases: readonly C[]) => Promise<string>,
  check: (batch: number, cases: readonly C[], run: BatchRun) => void,
): Promise<void> {
  let nextCases = generate(0);
  let nextBuild = build(dir, 'batch0', nextCases);
  for (let b = 0; b < count; b++) {
    const cases = nextCases;
    const path = await nextBuild;
    const expected = runQemu(path);
    if (b + 1 < count) {
      nextCases = generate(b + 1);
      nextBuild = build(dir, `batch${b + 1}`, nextCases);
    }
    const actual = runEmulator(path);
    check(b, cases, { oracle: await expected, actual });
  }
}

function tool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => reject(new Error(`oracle '${command}' could not run (${e.message}): .ci/run must install it`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

/**
 * Runs the program under qemu-i386 and returns its stdout. `-singlestep` (one instruction per
 * translation block): qemu 7.2's multi-instruction blocks get some lazy flags wrong (found by
 * this test: `sets m8; rcll $1, m32` used a stale CF; cmpxchg8b corrupted all of EFLAGS), and
 * one instruction per block does not.
 */
export function runQemu(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-i386', ['-singlestep', path]);
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => reject(new Error(`oracle 'qemu-i386' could not run (${e.message}): .ci/run must install qemu-user`)));
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`qemu-i386 ${path} failed (status ${code}, signal ${signal}): ${err}`));
      else resolve(new Uint8Array(Buffer.concat(chunks)));
    });
  });
}

export function runEmulator(path: string): { stdout: Uint8Array; instructions: number; problem: string | null } {
  const p = loadElf(path);
  const r = runGuest(p, 5e7);
  const problem = r.exitCode === 0 ? null : `emulator stopped: ${JSON.stringify(r.stop)} at eip 0x${(p.cpu.state.eip >>> 0).toString(16)}`;
  return { stdout: r.stdout, instructions: r.instructions, problem };
}

const REG_NAMES = ['edi', 'esi', 'ebp', '(esp)', 'ebx', 'edx', 'ecx', 'eax', 'eflags', 'esp'];

/** Differences between two records of case `n` (empty when equal under the case's flag mask). */
export function compareRecord(expected: Uint8Array, actual: Uint8Array, n: number, flagMask: number): string[] {
  const at = n * RECORD_SIZE;
  const dv = (b: Uint8Array, k: number) => (b[at + k]! | (b[at + k + 1]! << 8) | (b[at + k + 2]! << 16) | (b[at + k + 3]! << 24)) >>> 0;
  const diffs: string[] = [];
  for (let slot = 0; slot < 10; slot++) {
    if (slot === 3) continue;
    let e = dv(expected, slot * 4);
    let a = dv(actual, slot * 4);
    if (slot === 8) {
      e &= ~flagMask;
      a &= ~flagMask;
    }
    if (e !== a) diffs.push(`${REG_NAMES[slot]}: qemu ${hex(e)} emulator ${hex(a)}${slot === 8 ? ` (xor ${hex((e ^ a) & (STATUS_FLAGS | DF))})` : ''}`);
  }
  for (let k = 0; k < SCRATCH_SIZE + STACK_WINDOW; k++) {
    if (expected[at + 40 + k] !== actual[at + 40 + k]) {
      const where = k >= STACK_WINDOW ? `scratch+${k - STACK_WINDOW}` : `stack_top${k - STACK_WINDOW / 2}`;
      diffs.push(`${where}: qemu ${hex(expected[at + 40 + k]!)} emulator ${hex(actual[at + 40 + k]!)}`);
      break;
    }
  }
  return diffs;
}

function hex(v: number): string {
  return '0x' + (v >>> 0).toString(16);
}

// Owns the differential test's machinery: writes a batch of generated cases as one i386
// program (each case loads its scratch memory, registers and flags, runs its sequence, and
// records all general registers, esp, EFLAGS and the scratch memory), builds it with as/ld,
// runs it under qemu-i386 and in the emulator, and compares the records case by case.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../support/oracles';
import { loadElf, runGuest } from './guest';
import { SCRATCH_SIZE, type GeneratedCase } from './generate';
import { DF, STATUS_FLAGS } from '../../toolchain/isa/ops';

/** Bytes per output record: 8 pushal slots, eflags, esp, scratch. */
export const RECORD_SIZE = 40 + SCRATCH_SIZE;
const STACK_SIZE = 8192;

export function programSource(cases: readonly GeneratedCase[]): string {
  const text: string[] = ['.globl _start', '.text', '_start:', 'xorl %eax, %eax', 'movl %eax, %fs', 'movl %eax, %gs'];
  const data: string[] = ['.data', '.balign 16', 'scratch: .fill 128, 1, 0', '.balign 16', 'saved_esp: .long 0'];
  cases.forEach((c, n) => {
    const input = `in${n}`;
    text.push(
      `# case ${n}`,
      `movl $${input}, %esi`, 'movl $scratch, %edi', `movl $${SCRATCH_SIZE / 4}, %ecx`, 'cld', 'rep movsl',
      `movl $${input}+${SCRATCH_SIZE}, %esp`, 'popal', 'popfl',
      'movl $stack_top, %esp',
      ...c.insns.flatMap((i) => i.lines),
      `movl %esp, out+${n * RECORD_SIZE + 36}`,
      `movl $out+${n * RECORD_SIZE + 36}, %esp`,
      'pushfl', 'pushal',
      'movl $scratch, %esi', `movl $out+${n * RECORD_SIZE + 40}, %edi`, `movl $${SCRATCH_SIZE / 4}, %ecx`, 'cld', 'rep movsl',
    );
    const scratchWords: string[] = [];
    for (let k = 0; k < SCRATCH_SIZE; k += 4) {
      scratchWords.push(String((c.scratch[k]! | (c.scratch[k + 1]! << 8) | (c.scratch[k + 2]! << 16) | (c.scratch[k + 3]! << 24)) >>> 0));
    }
    const r = c.regs;
    data.push(`${input}: .long ${scratchWords.join(', ')}`,
      `.long ${[r[7], r[6], r[5], r[4], r[3], r[2], r[1], r[0]].map((v) => String(v! >>> 0)).join(', ')}, ${c.flags}`);
  });
  text.push('movl $4, %eax', 'movl $1, %ebx', 'movl $out, %ecx', `movl $${cases.length * RECORD_SIZE}, %edx`, 'int $0x80',
    'movl $1, %eax', 'xorl %ebx, %ebx', 'int $0x80');
  const bss = ['.bss', '.balign 16', `out: .fill ${cases.length * RECORD_SIZE + 16}`, `stack: .fill ${STACK_SIZE}`, 'stack_top: .fill 4096'];
  return [...text, ...data, ...bss, ''].join('\n');
}

/** Builds the program into `dir` and returns the executable's path. */
export function buildProgram(dir: string, name: string, cases: readonly GeneratedCase[]): string {
  const src = join(dir, `${name}.s`);
  writeFileSync(src, programSource(cases));
  run('as', ['--32', src, '-o', join(dir, `${name}.o`)]);
  run('ld', ['-m', 'elf_i386', '-N', join(dir, `${name}.o`), '-o', join(dir, name)]);
  return join(dir, name);
}

/** Runs the program under qemu-i386 and returns its stdout. */
export function runQemu(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-i386', [path]);
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
  for (let k = 0; k < SCRATCH_SIZE; k++) {
    if (expected[at + 40 + k] !== actual[at + 40 + k]) {
      diffs.push(`scratch+${k}: qemu ${hex(expected[at + 40 + k]!)} emulator ${hex(actual[at + 40 + k]!)}`);
      break;
    }
  }
  return diffs;
}

function hex(v: number): string {
  return '0x' + (v >>> 0).toString(16);
}

// Owns the tests' own model of how the kernel's apply_alternatives merges NOPs
// (docs/kernel-facts.md §6: insn_is_nop, skip_nops, optimize_nops, add_nop), on objdump's
// instruction lengths and independent of emulator/kernel/vdso: what a test expects a
// patched site's bytes to be. Also objdump's view of bytes and of a GNU ld image's sections.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './oracles';
import { runEach } from './run-tool';

/** The kernel's BYTES_NOP tables by length (docs/kernel-facts.md §6): the 64-bit one patches the vDSO of a 64-bit kernel. */
export const KERNEL_NOPS: Record<string, readonly string[]> = {
  native32: ['90', '89 f6', '8d 76 00', '8d 74 26 00', '3e 8d 74 26 00', '8d b6 00 00 00 00', '8d b4 26 00 00 00 00', '3e 8d b4 26 00 00 00 00'],
  compat64: ['90', '66 90', '0f 1f 00', '0f 1f 40 00', '0f 1f 44 00 00', '66 0f 1f 44 00 00', '0f 1f 80 00 00 00 00', '0f 1f 84 00 00 00 00 00',
    '2e 0f 1f 84 00 00 00 00 00', '66 2e 0f 1f 84 00 00 00 00 00', '66 66 2e 0f 1f 84 00 00 00 00 00'],
};

export interface ObjdumpLine { address: number; bytes: string; text: string; length: number }

/** objdump's instructions of `bytes` placed at `address`: address, bytes and text. */
export function objdumpBytes(bytes: readonly number[], address: number, dir: string): ObjdumpLine[] {
  return objdumpBytesEach([bytes], address, dir)[0]!;
}

/** objdumpBytes of each of `buffers`, each its own file, from one objdump over them all (run-tool.ts runEach). */
function objdumpBytesEach(buffers: readonly (readonly number[])[], address: number, dir: string): ObjdumpLine[][] {
  const files = buffers.map((bytes, k) => {
    const bin = join(dir, `site-${k}.bin`);
    writeFileSync(bin, Uint8Array.from(bytes));
    return bin;
  });
  return runEach(files.map((bin) => ({ tool: 'objdump', args: ['-D', '-b', 'binary', '-m', 'i386', `--adjust-vma=0x${address.toString(16)}`, bin], cwd: dir })))
    .map((out) => [...out().matchAll(/^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)\s*(.*)$/gm)].map((m) => ({ address: parseInt(m[1]!, 16), bytes: m[2]!, text: `${m[3]} ${m[4]!.trim()}`.trim(), length: m[2]!.split(' ').length })));
}

/** A section's bytes in GNU ld's image, by address (objdump -s). */
export function sectionBytes(image: string, section: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of run('objdump', ['-s', '-j', section, image]).matchAll(/^ ([0-9a-f]+) ((?:[0-9a-f]{2,8} ){1,4})/gm)) {
    const hex = m[2]!.replace(/ /g, '');
    for (let i = 0; i < hex.length / 2; i++) out.set(parseInt(m[1]!, 16) + i, parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  }
  return out;
}

/** The legacy prefix bytes the kernel's instruction decoder takes before an opcode (32-bit code). */
const PREFIXES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

/**
 * insn_is_nop on one instruction of `length` bytes: opcode 0x90 unless the first byte the
 * kernel's decoder records in prefixes.bytes[] is F3, or 0f 1f. The decoder records each
 * distinct prefix once, in order; with four recorded, a last prefix that repeats an earlier
 * one swaps places with the fourth (so f3 66 2e 3e f3 90 records 3e first and is a NOP).
 */
function kernelIsNop(insn: readonly number[]): boolean {
  const recorded: number[] = [];
  let op = 0;
  let last = 0;
  for (; op < insn.length - 1 && PREFIXES.has(insn[op]!); op++) {
    if (!recorded.includes(insn[op]!)) recorded.push(insn[op]!);
    last = insn[op]!;
  }
  if (recorded.length > 4) return false; // the decoder stops at a fifth: its opcode is a prefix byte
  if (last !== 0 && recorded.length === 4 && last !== recorded[3]) {
    const fourth = recorded[3]!;
    recorded.forEach((b, k) => { if (b === last) recorded[k] = fourth; });
  }
  if (insn[op] === 0x90) return recorded[0] !== 0xf3;
  return insn[op] === 0x0f && insn[op + 1] === 0x1f;
}

/** add_nop: the table's NOP of `length`, or beyond the table a JMP8 over INT3 filler. */
function kernelNop(length: number, kernel: string): number[] {
  const table = KERNEL_NOPS[kernel]!;
  if (length <= table.length) return table[length - 1]!.split(' ').map((b) => parseInt(b, 16));
  return [0xeb, length - 2, ...new Array<number>(length - 2).fill(0xcc)];
}

/**
 * optimize_nops on a site's bytes: instruction by instruction (objdump's lengths), a NOP and
 * every NOP instruction after it (skip_nops) become one NOP; a NOP that ends the site is left.
 */
export function optimizeNops(buf: number[], kernel: string, dir: string): void {
  // The walk goes from each instruction to the one after it and never rewrites bytes at or after
  // `next`, so objdump's decode of the whole site from its start has every length it asks for;
  // an offset off that decode's path takes the first instruction decoded from it. One objdump
  // over the site and each of its suffixes.
  const decoded = objdumpBytesEach(buf.map((_, i) => buf.slice(i)), 0, dir);
  const lengths = new Map((decoded[0] ?? []).map((l) => [l.address, l.length]));
  const insnAt = (i: number) => {
    if (!lengths.has(i)) lengths.set(i, decoded[i]![0]!.length);
    return buf.slice(i, i + lengths.get(i)!);
  };
  for (let i = 0; i < buf.length; ) {
    let next = i + insnAt(i).length;
    if (kernelIsNop(insnAt(i))) {
      if (next === buf.length) return;
      while (next < buf.length && kernelIsNop(insnAt(next))) next += insnAt(next).length;
      buf.splice(i, next - i, ...kernelNop(next - i, kernel));
    }
    i = next;
  }
}

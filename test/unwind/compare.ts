// Owns replaying the unwinder on a gdb snapshot and comparing: the same number of frames,
// the same pc in each, each register gdb recovered (ebx esi edi ebp esp eip, and eax ecx edx,
// which gdb carries as "same value" when the CFI does not mention them) equal to ours, and
// eflags where our frame read it from a sigcontext. Returns the mismatches as text lines.
// Under qemu's gdbstub, gdb 13 does not take glibc's static __restore/__restore_rt for signal
// trampolines (its "i386 sigtramp" unwinder declines them; `set debug frame on` shows it), so
// past a trampoline the truth is gdb's own view of the interrupted context, recorded when the
// signal arrived: our frames above the trampoline must equal that snapshot's frames.
import { unwind, describeStop } from '../../toolchain/dwarf/unwind';
import type { ElfFile } from '../../toolchain/elf/types';
import type { UnwindImage, UnwindResult } from '../../toolchain/dwarf/unwind-types';
import { GDB_REGISTERS, type Snapshot } from './gdb-oracle';
import { RegionMemory } from './memory';

const hex = (n: number | null | undefined): string => (n === null || n === undefined ? String(n) : '0x' + n.toString(16));

export function replay(snapshot: Snapshot, elf: ElfFile, images: readonly UnwindImage[]): UnwindResult {
  const memory = new RegionMemory().map(snapshot.stackAddress, snapshot.stack).mapElf(elf);
  const regs = snapshot.frames[0]!.regs.map((v) => (v === null ? undefined : v));
  return unwind(images, regs, memory);
}

/** Mismatches between gdb's frames and ours ([] when they agree); `compared` counts register checks. */
export function compareWithGdb(snapshot: Snapshot, result: UnwindResult, counts: { registers: number; frames: number }, interrupted?: Snapshot): string[] {
  const problems: string[] = [];
  const ours = result.frames;
  const trampoline = ours.findIndex((f) => f.sigtramp !== undefined);
  const spliced = trampoline >= 0 && interrupted !== undefined;
  const theirs = spliced ? [...snapshot.frames.slice(0, trampoline + 1), ...interrupted.frames] : snapshot.frames;
  const stop = spliced ? interrupted.stop : snapshot.stop;
  const where = `${snapshot.label}` + (spliced ? ` (frames past ${trampoline} from "${interrupted.label}")` : '');
  if (ours.length !== theirs.length) {
    problems.push(`${where}: gdb has ${theirs.length} frames (${theirs.map((f) => hex(f.pc)).join(' ')}; ${snapshot.stop}), ` +
      `we have ${ours.length} (${ours.map((f) => hex(f.pc)).join(' ')}; ${describeStop(result.stop)})`);
  }
  const n = Math.min(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const g = theirs[i]!;
    const o = ours[i]!;
    counts.frames++;
    if (g.pc !== o.pc) {
      problems.push(`${where}: frame ${i} pc gdb ${hex(g.pc)} ours ${hex(o.pc)}`);
      break;
    }
    for (let reg = 0; reg <= 9; reg++) {
      const gv = g.regs[reg];
      if (gv === null || gv === undefined) continue;
      if (reg === 9 && o.origins[9] !== 'sigcontext' && o.origins[9] !== 'given') continue;
      counts.registers++;
      if (o.registers[reg] !== gv) {
        problems.push(`${where}: frame ${i} (pc ${hex(o.pc)}) ${GDB_REGISTERS[reg]} gdb ${hex(gv)} ours ${hex(o.registers[reg])} (${o.origins[reg]})`);
      }
    }
  }
  const expected = stop === 'outermost' ? 'outermost' : stop.startsWith('previous frame inner') ? 'cfa-not-increasing' : undefined;
  if (ours.length === theirs.length && expected !== undefined && result.stop.kind !== expected) {
    problems.push(`${where}: gdb stops with "${stop}", we stop with ${describeStop(result.stop)}`);
  }
  return problems;
}

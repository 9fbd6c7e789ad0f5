// The unwinder on the real Debian vdso32.so (test/support/real-vdso.ts): from every instruction
// of __kernel_vsyscall (as shipped, and with each of its .altinstructions replacements applied),
// on a stack built by walking the stub's own instructions with toolchain/isa/decoder.ts (push and
// pop move esp and store the caller's registers), the unwinder must give the caller's CFA, return
// address and saved registers exactly. For __kernel_sigreturn and __kernel_rt_sigreturn it must
// read the interrupted registers from an i386 sigframe / rt_sigframe built as docs/kernel-facts.md §5
// lays them out, and unwind the interrupted frame at its exact pc (no pc - 1 after a signal frame).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realVdso } from '../support/real-vdso';
import { parseElf32 } from '../../toolchain/elf/reader';
import type { ElfFile } from '../../toolchain/elf/types';
import { decode } from '../../toolchain/isa/decoder';
import { Op } from '../../toolchain/isa/ops';
import { DecodeStatus } from '../../toolchain/isa/instruction';
import { unwind } from '../../toolchain/dwarf/unwind';
import { unwindImageFromElf } from '../../toolchain/dwarf/unwind-image';
import type { UnwindImage } from '../../toolchain/dwarf/unwind-types';
import { RegionMemory } from './memory';

const VDSO_BASE = 0xf7fc4000;
const STACK_LOW = 0xbffe0000;
const STACK_SIZE = 0x20000;
/** The vsyscall caller's esp before its `call *%gs:0x10` pushed the return address. */
const CALLER_SP = 0xbfff0100;
/** A return address in a program with no CFI: the walk ends there with 'no-cfi'. */
const RETURN_ADDRESS = 0x0804a123;
/** The caller's registers (DWARF numbering; esp and eip are set per case). */
const CALLER = [0x14, 0x11111111, 0x22222222, 0x33333333, 0, 0x55555555, 0x66666666, 0x77777777];

interface Vdso { elf: ElfFile; image: UnwindImage; symbol(name: string): number }

function loadVdso(): Vdso {
  const { path, bytes } = realVdso();
  const elf = parseElf32(bytes, path);
  const image = unwindImageFromElf(elf, VDSO_BASE, 'vdso');
  const symbol = (name: string): number => {
    const s = elf.dynamicSymbols.find((x) => x.name === name);
    assert.ok(s, `${name} in the vDSO's .dynsym`);
    return s.value;
  };
  return { elf, image, symbol };
}

/** The image's bytes at link-time addresses (ET_DYN: file offset = address for the vDSO's sections). */
function textBytes(elf: ElfFile): Uint8Array {
  const copy = new Uint8Array(elf.bytes);
  return copy;
}

/**
 * The kernel 6.1 alt_instr entries (12 bytes: s32 instr_offset, s32 repl_offset, u16 cpuid,
 * u8 instrlen, u8 replacementlen) whose original instruction lies in [start, end).
 */
function alternativesIn(elf: ElfFile, start: number, end: number): { at: number; replacement: Uint8Array; length: number; cpuid: number }[] {
  const alt = elf.sections.find((s) => s.name === '.altinstructions');
  assert.ok(alt, 'the vDSO has .altinstructions');
  assert.equal(alt.size % 12, 0, '12-byte alt_instr entries');
  const view = new DataView(alt.data.buffer, alt.data.byteOffset, alt.data.byteLength);
  const out = [];
  for (let i = 0; i < alt.size; i += 12) {
    const at = alt.addr + i + view.getInt32(i, true);
    const repl = alt.addr + i + 4 + view.getInt32(i + 4, true);
    const length = view.getUint8(i + 10);
    const replLength = view.getUint8(i + 11);
    if (at < start || at >= end) continue;
    out.push({ at, replacement: elf.bytes.slice(repl, repl + replLength), length, cpuid: view.getUint16(i + 8, true) });
  }
  return out;
}

interface StubState { pc: number; esp: number; regs: number[]; stack: Map<number, number> }

/**
 * Walks the stub from `entry` to its `ret`, one snapshot per instruction before it runs: push
 * stores the register and then (to prove the unwinder reads the saved copy) the live register
 * is clobbered; pop reloads it; mov copies; the system-call instructions set eax.
 */
function walkStub(code: Uint8Array, entry: number): StubState[] {
  const regs = CALLER.slice();
  let esp = CALLER_SP - 4;
  const stack = new Map<number, number>([[esp, RETURN_ADDRESS]]);
  const states: StubState[] = [];
  let pc = entry;
  for (let n = 0; n < 64; n++) {
    const insn = decode(code, pc, pc);
    assert.equal(insn.status, DecodeStatus.Ok, `decodes at 0x${pc.toString(16)}`);
    states.push({ pc, esp, regs: regs.slice(), stack: new Map(stack) });
    switch (insn.op) {
      case Op.Push:
        esp -= 4;
        stack.set(esp, regs[insn.reg]!);
        regs[insn.reg] = 0xdead0000 + insn.reg;
        break;
      case Op.Pop:
        regs[insn.reg] = stack.get(esp)!;
        esp += 4;
        break;
      case Op.Mov:
        assert.equal(insn.mod, 3, 'register-to-register mov in the stub');
        regs[insn.opcode === 0x89 ? insn.rm : insn.reg] = insn.opcode === 0x89 ? (insn.reg === 4 ? esp : regs[insn.reg]!) : regs[insn.rm]!;
        break;
      case Op.Ret:
        return states;
      default:
        if (insn.opcode === 0xcd || insn.opcode === 0x0f34 || insn.opcode === 0x0f05) regs[0] = 0x4242;
        else assert.equal(insn.op, Op.Nop, `unexpected instruction ${Op[insn.op]} at 0x${pc.toString(16)}`);
    }
    pc += insn.length;
  }
  assert.fail('the stub has no ret within 64 instructions');
}

function memoryFor(vdso: Vdso, stack: Map<number, number>): RegionMemory {
  const memory = new RegionMemory().mapElf(vdso.elf, VDSO_BASE).map(STACK_LOW, new Uint8Array(STACK_SIZE));
  for (const [address, value] of stack) memory.write32(address, value);
  return memory;
}

test('every instruction of __kernel_vsyscall, as shipped and with each alternative, unwinds to the caller exactly', () => {
  const vdso = loadVdso();
  const entry = vdso.symbol('__kernel_vsyscall');
  const shipped = textBytes(vdso.elf);
  const variants: { name: string; code: Uint8Array }[] = [{ name: 'as shipped (int $0x80)', code: shipped }];
  for (const alt of alternativesIn(vdso.elf, entry, entry + 16)) {
    const code = shipped.slice();
    code.fill(0x90, alt.at, alt.at + alt.length);
    code.set(alt.replacement, alt.at);
    variants.push({ name: `alternative for cpuid feature ${alt.cpuid} (${Buffer.from(alt.replacement).toString('hex')})`, code });
  }
  assert.equal(variants.length, 3, 'the sysenter and syscall alternatives of __kernel_vsyscall');
  let cases = 0;
  for (const variant of variants) {
    const states = walkStub(variant.code, entry);
    assert.ok(states.length >= 9, `${variant.name}: walked ${states.length} instructions`);
    for (const s of states) {
      const where = `${variant.name} at __kernel_vsyscall+0x${(s.pc - entry).toString(16)}`;
      const regs = s.regs.map((v) => v as number | undefined);
      regs[4] = s.esp;
      regs[8] = VDSO_BASE + s.pc;
      const result = unwind([vdso.image], regs, memoryFor(vdso, s.stack));
      assert.equal(result.frames.length, 2, `${where}: two frames`);
      const [stub, caller] = result.frames as [typeof result.frames[0], typeof result.frames[0]];
      assert.equal(stub.cfi?.image.name, 'vdso', where);
      assert.equal(stub.cfa, CALLER_SP, `${where}: the CFA is the caller's esp before the call`);
      assert.equal(caller.pc, RETURN_ADDRESS, `${where}: return address`);
      assert.equal(caller.registers[4], CALLER_SP, `${where}: caller esp`);
      for (const reg of [1, 2, 3, 5, 6, 7]) assert.equal(caller.registers[reg], CALLER[reg], `${where}: caller r${reg}`);
      assert.deepEqual(result.stop, { kind: 'no-cfi', pc: RETURN_ADDRESS, lookupPc: RETURN_ADDRESS - 1 }, where);
      cases++;
    }
  }
  assert.ok(cases >= 27, `${cases} instruction cases`);
});

/** The interrupted context stored in the sigcontext: stopped at __kernel_vsyscall's first instruction. */
function interrupted(vdso: Vdso): number[] {
  return [0xa0a0a0a0, 0xc1c1c1c1, 0xd2d2d2d2, 0xb3b3b3b3, CALLER_SP - 4, 0xb5b5b5b5, 0x51515151, 0xd7d7d7d7, VDSO_BASE + vdso.symbol('__kernel_vsyscall'), 0x00000246];
}

/** Writes struct sigcontext_32 at `sc` (docs/kernel-facts.md §5 offsets) from DWARF-numbered registers. */
function writeSigcontext(memory: RegionMemory, sc: number, regs: readonly number[]): void {
  const offsets = { 16: 7, 20: 6, 24: 5, 28: 4, 32: 3, 36: 2, 40: 1, 44: 0, 56: 8, 64: 9 } as Record<number, number>;
  for (const [offset, reg] of Object.entries(offsets)) memory.write32(sc + Number(offset), regs[reg]!);
  memory.write32(sc + 60, 0x23);
  memory.write32(sc + 72, 0x2b);
}

/** esp before each instruction of a trampoline entered by the handler's ret (esp = frame + 4), from decoded pops. */
function trampolineSteps(vdso: Vdso, name: string, frame: number): { pc: number; esp: number }[] {
  const code = vdso.elf.bytes;
  const out = [];
  let pc = vdso.symbol(name);
  let esp = frame + 4;
  for (let n = 0; n < 8; n++) {
    const insn = decode(code, pc, pc);
    out.push({ pc, esp });
    if (insn.opcode === 0xcd) return out;
    if (insn.op === Op.Pop) esp += 4;
    pc += insn.length;
  }
  assert.fail(`${name} has no int $0x80`);
}

function checkSignalUnwind(vdso: Vdso, memory: RegionMemory, regs: (number | undefined)[], where: string, handlerFrames: number): void {
  const truth = interrupted(vdso);
  const result = unwind([vdso.image], regs, memory);
  const frames = result.frames;
  assert.equal(frames.length, handlerFrames + 3, `${where}: frames ${frames.map((f) => f.pc.toString(16)).join(' ')}, stop ${JSON.stringify(result.stop)}`);
  const tramp = frames[handlerFrames]!;
  const victim = frames[handlerFrames + 1]!;
  assert.equal(tramp.signalFrame, true, `${where}: the trampoline's CIE has 'S'`);
  assert.equal(tramp.lookupPc, handlerFrames > 0 ? tramp.pc - 1 : tramp.pc, `${where}: trampoline lookup`);
  assert.equal(tramp.cfa, truth[4], `${where}: the trampoline's CFA is sigcontext.sp`);
  for (let reg = 0; reg <= 8; reg++) assert.equal(victim.registers[reg], truth[reg], `${where}: interrupted r${reg}`);
  assert.equal(victim.lookupPc, victim.pc, `${where}: the interrupted frame is looked up at its exact pc`);
  assert.equal(victim.cfa, CALLER_SP, `${where}: the interrupted __kernel_vsyscall frame's CFA`);
  assert.equal(frames[handlerFrames + 2]!.pc, RETURN_ADDRESS, `${where}: the caller of the interrupted frame`);
  assert.deepEqual(result.stop, { kind: 'no-cfi', pc: RETURN_ADDRESS, lookupPc: RETURN_ADDRESS - 1 }, where);
}

function signalMemory(vdso: Vdso, frame: number, sc: number, pretcode: number): RegionMemory {
  const memory = memoryFor(vdso, new Map([[CALLER_SP - 4, RETURN_ADDRESS]]));
  memory.write32(frame, pretcode);
  memory.write32(frame + 4, 10);
  writeSigcontext(memory, sc, interrupted(vdso));
  return memory;
}

test('__kernel_sigreturn: every instruction unwinds through an i386 sigframe to the interrupted frame', () => {
  const vdso = loadVdso();
  const frame = 0xbffe8000 - 4;
  const sc = frame + 8;
  const steps = trampolineSteps(vdso, '__kernel_sigreturn', frame);
  assert.equal(steps.length, 3);
  for (const s of steps) {
    const memory = signalMemory(vdso, frame, sc, VDSO_BASE + vdso.symbol('__kernel_sigreturn'));
    const regs = [1, 2, 3, 4, s.esp, 6, 7, 8, VDSO_BASE + s.pc];
    checkSignalUnwind(vdso, memory, regs, `__kernel_sigreturn+${s.pc - vdso.symbol('__kernel_sigreturn')}`, 0);
  }
});

test('__kernel_rt_sigreturn: every instruction unwinds through an i386 rt_sigframe (uc_mcontext at 164)', () => {
  const vdso = loadVdso();
  const frame = 0xbffe8000 - 4;
  const steps = trampolineSteps(vdso, '__kernel_rt_sigreturn', frame);
  assert.equal(steps.length, 2);
  for (const s of steps) {
    const memory = signalMemory(vdso, frame, frame + 164, VDSO_BASE + vdso.symbol('__kernel_rt_sigreturn'));
    memory.write32(frame + 8, frame + 16);
    memory.write32(frame + 12, frame + 144);
    const regs = [1, 2, 3, 4, s.esp, 6, 7, 8, VDSO_BASE + s.pc];
    checkSignalUnwind(vdso, memory, regs, `__kernel_rt_sigreturn+${s.pc - vdso.symbol('__kernel_rt_sigreturn')}`, 0);
  }
});

test('a handler returning into __kernel_sigreturn: the trampoline is found at pc - 1 (its FDE starts one byte early)', () => {
  const vdso = loadVdso();
  // The handler is stopped at a `ret` whose CFI is the CIE's (CFA = esp + 4, ra at CFA - 4):
  // __kernel_vsyscall's last instruction serves, with esp at the frame's pretcode.
  const frame = 0xbffe8000 - 4;
  const memory = signalMemory(vdso, frame, frame + 8, VDSO_BASE + vdso.symbol('__kernel_sigreturn'));
  const retAt = vdso.symbol('__kernel_vsyscall') + 12;
  assert.equal(vdso.elf.bytes[retAt], 0xc3, 'ret at __kernel_vsyscall+12');
  checkSignalUnwind(vdso, memory, [1, 2, 3, 4, frame, 6, 7, 8, VDSO_BASE + retAt], 'handler at ret', 1);
});

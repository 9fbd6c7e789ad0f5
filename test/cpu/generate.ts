// Owns the differential test's case generator: seeded random instruction sequences built
// from the ISA table's entries and operand forms (every entry, register and memory forms,
// 66/67/lock/segment prefixes), with the small set-up each form needs to be safe in a user
// program (divisors that cannot fault, string pointers into the scratch area, return
// addresses for ret), and random initial registers and flags.
import { MODRM_NONE, MODRM_REG, ModKind, OperandKind, RepKind, type OpcodeEntry } from '../../toolchain/isa/entry';
import { TABLE } from '../../toolchain/isa/table-index';
import { DF, isX87, Op, STATUS_FLAGS } from '../../toolchain/isa/ops';
import { maskedAfter } from './masks';

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
  /** A "interesting" 32-bit value: small, boundary or random. */
  value(): number {
    const k = this.below(6);
    if (k === 0) return this.pick([0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff]);
    if (k === 1) return this.below(16);
    if (k === 2) return (0 - this.below(16)) >>> 0;
    return this.next();
  }
}

/** Ops the random sequences never contain (they stop the program or need the kernel); unit tests cover them. */
const EXCLUDED = new Set<Op>([
  Op.Invalid, Op.NotCovered, Op.Int3, Op.Int1, Op.Int, Op.Ud2, Op.Hlt, Op.In, Op.Out, Op.Ins, Op.Outs, Op.Cli, Op.Sti,
  Op.Sysenter, Op.Sysexit, Op.Syscall, Op.Sysret, Op.Cpuid, Op.Rdtsc, Op.Rdtscp, Op.Rdpid, Op.Bound, Op.MovToSeg, Op.Lds, Op.Les,
  Op.Lfs, Op.Lgs, Op.Lss, Op.Lar, Op.Lsl, Op.Verr, Op.Verw, Op.Sldt, Op.Str, Op.Sgdt, Op.Sidt, Op.Smsw,
]);

const SIZE_DEPENDENT = new Set<OperandKind>([
  OperandKind.Ev, OperandKind.Gv, OperandKind.Zv, OperandKind.eAX, OperandKind.Iz, OperandKind.Ibs, OperandKind.Ov,
  OperandKind.Xv, OperandKind.Yv, OperandKind.Esw,
]);

const NO_OPSIZE = new Set<Op>([
  Op.Jcc, Op.Jmp, Op.Call, Op.CallIndirect, Op.JmpIndirect, Op.Ret, Op.RetFar, Op.Iret, Op.CallFar, Op.JmpFar,
  Op.CallFarIndirect, Op.JmpFarIndirect, Op.Loop, Op.Loope, Op.Loopne, Op.Jcxz, Op.Bswap, Op.Enter, Op.Leave,
]);

export interface GeneratedInstruction {
  /** Assembly lines (set-up, then the instruction as .byte/.long). */
  readonly lines: readonly string[];
  readonly entry: OpcodeEntry;
}

export interface GeneratedCase {
  readonly regs: readonly number[];
  readonly flags: number;
  readonly scratch: Uint8Array;
  readonly insns: readonly GeneratedInstruction[];
  /** Status flags not compared at the end (masked and not redefined). */
  readonly flagMask: number;
}

export const SCRATCH_SIZE = 128;

/** Entries qemu-i386 7.2 does not execute although Intel CPUs do (the oracle cannot judge them). */
function qemuLacks(e: OpcodeEntry): boolean {
  // f6 /1 and f7 /1: the undocumented alias of test r/m, imm (qemu raises SIGILL).
  if (e.op === Op.Test && e.modrm === 1) return true;
  // f3 0f bc/bd: tzcnt/lzcnt on qemu's CPU (it has BMI1/ABM); bsf/bsr on the modelled CPU, which has not.
  if ((e.op === Op.Bsf || e.op === Op.Bsr) && e.mandatoryPrefix === 0xf3) return true;
  return false;
}

export function eligibleEntries(): OpcodeEntry[] {
  // x87 rows have their own differential test (test/cpu/x87-differential.test.ts).
  return TABLE.filter((e) => !EXCLUDED.has(e.op) && !qemuLacks(e) && !isX87(e.op));
}

const hex8 = (b: number) => '0x' + (b & 0xff).toString(16).padStart(2, '0');

function bytes(xs: readonly number[]): string {
  return `.byte ${xs.map(hex8).join(', ')}`;
}

function le(v: number, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push((v >>> (8 * k)) & 0xff);
  return out;
}

/** A register number that is never esp (for word/dword destinations). */
function gpr(rng: Rng): number {
  return rng.pick([0, 1, 2, 3, 5, 6, 7]);
}

/** Builds one instruction of `e` with its set-up; null when this form is skipped. */
export function generateInstruction(e: OpcodeEntry, rng: Rng, label: string): GeneratedInstruction | null {
  const pre: string[] = [];
  const ops = e.operands;
  const op = e.op;
  const out: string[] = [];
  let prefixBytes: number[] = [];
  const sizeDependent = e.fixedWidth === 0 && (ops.some((k) => SIZE_DEPENDENT.has(k)) ||
    [Op.Pushf, Op.Popf, Op.Pusha, Op.Popa, Op.Cbw, Op.Cwd, Op.Movs, Op.Cmps, Op.Stos, Op.Lods, Op.Scas].includes(op));
  const opsize = sizeDependent && !NO_OPSIZE.has(op) && rng.chance(0.3);
  const w = opsize ? 2 : 4;
  const memAllowed = e.modrm !== MODRM_NONE && e.mod !== ModKind.Reg && e.modrmByte < 0;
  let useMem = memAllowed && (e.mod === ModKind.Mem || rng.chance(0.4));
  if (op === Op.Lea) useMem = true;
  if (opsize) prefixBytes.push(0x66);
  if (useMem && e.lockable && rng.chance(0.2)) prefixBytes.push(0xf0);
  if (useMem && op !== Op.Lea && rng.chance(0.15)) prefixBytes.push(rng.pick([0x26, 0x2e, 0x36, 0x3e]));
  let rep = 0;
  if (e.rep !== RepKind.None && rng.chance(0.6)) rep = rng.pick([0xf3, 0xf2]);
  if (rep) prefixBytes.push(rep);
  if (e.mandatoryPrefix) prefixBytes.push(e.mandatoryPrefix);
  let opcode = e.opcode;
  let zreg = -1;
  if (e.regInOpcode) {
    const byteReg = ops[0] === OperandKind.Zb;
    zreg = byteReg ? rng.below(8) : gpr(rng);
    if (op === Op.Xchg && zreg === 0) zreg = 1;
    opcode |= zreg;
  }
  const head = [...prefixBytes, ...(e.map === 1 ? [0x0f] : []), opcode];
  // modrm
  let modrmTail: string[] = [];
  let regField = 0;
  let rmReg = -1;
  if (e.modrm !== MODRM_NONE) {
    if (e.modrmByte >= 0) {
      head.push(e.modrmByte);
    } else {
      const byteRegs = ops.some((k) => k === OperandKind.Gb);
      regField = e.modrm === MODRM_REG ? (ops.includes(OperandKind.Sw) ? rng.below(6) : byteRegs ? rng.below(8) : gpr(rng)) : e.modrm;
      if (useMem && (op === Op.Lea || op === Op.Nop)) {
        const [modrmBytes, a16] = randomAddressing(rng, regField);
        if (a16) head.unshift(0x67);
        head.push(...modrmBytes);
      } else if (useMem) {
        head.push((regField << 3) | 5);
        modrmTail = [`.long scratch+${rng.below(SCRATCH_SIZE - 8)}`];
      } else {
        const byteRm = ops[0] === OperandKind.Eb || ops[1] === OperandKind.Eb;
        rmReg = byteRm ? rng.below(8) : gpr(rng);
        head.push(0xc0 | (regField << 3) | rmReg);
      }
    }
  }
  // immediates
  const imms: number[] = [];
  for (const k of ops) {
    switch (k) {
      case OperandKind.Ib: imms.push(rng.below(256)); break;
      case OperandKind.Ibs: imms.push(rng.below(256)); break;
      case OperandKind.Iw: imms.push(...le(op === Op.Enter ? rng.below(64) : rng.below(65536), 2)); break;
      case OperandKind.Iz: imms.push(...le(rng.value(), w)); break;
      default: break;
    }
  }
  if (op === Op.Enter) imms[2] = rng.below(4);
  if (op === Op.Aam && imms[0] === 0) imms[0] = 10;
  if (op === Op.Ret || op === Op.RetFar) {
    if (imms.length) { imms[0] = rng.below(4) * 4; imms[1] = 0; }
  }
  const tail: string[] = [];
  if (imms.length) tail.push(bytes(imms));
  // moffs
  if (ops.includes(OperandKind.Ob) || ops.includes(OperandKind.Ov)) modrmTail = [`.long scratch+${rng.below(SCRATCH_SIZE - 4)}`];
  // set-up and special shapes
  const after = `${label}`;
  switch (op) {
    case Op.Div: case Op.Idiv: {
      const width = ops[0] === OperandKind.Eb ? 1 : w;
      const signed = op === Op.Idiv;
      if (width === 1) pre.push(signed ? 'cbtw' : 'movb $0, %ah');
      else if (width === 2) pre.push(signed ? 'cwtd' : 'movw $0, %dx');
      else pre.push(signed ? 'cltd' : 'movl $0, %edx');
      const limit = width === 1 ? 0x7f : 0x7fff;
      if (useMem) {
        const slot = modrmTail[0]!.slice('.long '.length);
        pre.push(`${width === 1 ? 'movb' : width === 2 ? 'movw' : 'movl'} $${1 + rng.below(limit)}, ${slot}`);
      } else {
        if (width === 1) {
          rmReg = rng.pick([1, 3, 5, 7]);
          head[head.length - 1] = 0xc0 | (e.modrm << 3) | rmReg;
          pre.push(`andb $0x7f, %${BYTE_NAMES[rmReg]}`, `orb $1, %${BYTE_NAMES[rmReg]}`);
        } else {
          rmReg = rng.pick([1, 3, 5, 6, 7]);
          head[head.length - 1] = 0xc0 | (e.modrm << 3) | rmReg;
          pre.push(`andl $0x7fff, %${DWORD_NAMES[rmReg]}`, `orl $1, %${DWORD_NAMES[rmReg]}`);
        }
      }
      break;
    }
    case Op.Movs: case Op.Cmps: case Op.Stos: case Op.Lods: case Op.Scas:
      pre.push(`movl $scratch+${32 + rng.below(64)}, %esi`, `movl $scratch+${32 + rng.below(64)}, %edi`);
      if (rep) pre.push(`movl $${rng.below(5)}, %ecx`);
      break;
    case Op.Xlat:
      pre.push('movl $scratch, %ebx', 'andb $0x3f, %al');
      break;
    case Op.Enter:
      pre.push('movl %esp, %ebp');
      break;
    case Op.Leave:
      pre.push('movl %esp, %ebp', `pushl $${rng.value()}`);
      break;
    case Op.Popf:
      pre.push(`${opsize ? 'pushw' : 'pushl'} $${(rng.below(0x1000) & (STATUS_FLAGS | DF)) | 0x202}`);
      break;
    case Op.Iret:
      pre.push(`pushl $${(rng.below(0x1000) & (STATUS_FLAGS | DF)) | 0x202}`, 'pushl $0x23', `pushl $${after}`);
      break;
    case Op.RetFar:
      pre.push('pushl $0x23', `pushl $${after}`);
      break;
    case Op.Ret:
      pre.push(`pushl $${after}`);
      break;
    case Op.Into:
      pre.push('testl %eax, %eax');
      break;
    case Op.Jmp:
      tail.splice(0, tail.length, bytes(ops[0] === OperandKind.Jb ? [0] : [0, 0, 0, 0]));
      break;
    case Op.Call:
      tail.splice(0, tail.length, bytes([0, 0, 0, 0]));
      break;
    case Op.Jcc: case Op.Loop: case Op.Loope: case Op.Loopne: case Op.Jcxz: {
      const filler = rng.pick([0x40, 0x41, 0x42, 0x43, 0x48, 0x49, 0x4a, 0x4b, 0xf5, 0x91, 0x93]);
      tail.splice(0, tail.length, bytes(ops[0] === OperandKind.Jz ? [1, 0, 0, 0, filler] : [1, filler]));
      if (op === Op.Loop || op === Op.Loope || op === Op.Loopne) pre.push(`movl $${rng.below(3)}, %ecx`);
      break;
    }
    case Op.JmpIndirect: case Op.CallIndirect:
      if (useMem) pre.push(`movl $${after}, ${modrmTail[0]!.slice('.long '.length)}`);
      else pre.push(`movl $${after}, %${DWORD_NAMES[rmReg]}`);
      break;
    case Op.JmpFar: case Op.CallFar:
      tail.splice(0, tail.length, `.long ${after}`, '.byte 0x23, 0x00');
      break;
    case Op.JmpFarIndirect: case Op.CallFarIndirect: {
      const slot = modrmTail[0]!.slice('.long '.length);
      pre.push(`movl $${after}, ${slot}`, `movw %cs, ${slot}+4`);
      break;
    }
    case Op.Bt: case Op.Bts: case Op.Btr: case Op.Btc:
      if (useMem && ops[1] === OperandKind.Gv) pre.push(`andl $0x3f, %${DWORD_NAMES[regField]}`);
      break;
    case Op.Pop:
      if (ops[0] === OperandKind.ES || ops[0] === OperandKind.SS || ops[0] === OperandKind.DS || ops[0] === OperandKind.FS || ops[0] === OperandKind.GS) {
        pre.push(`${opsize ? 'pushw' : 'pushl'} $0x2b`);
      }
      break;
    case Op.Shld: case Op.Shrd:
      // 16-bit double shifts by more than 16: result and flags undefined (SDM), and qemu's differ from Intel's.
      if (opsize) {
        if (ops[2] === OperandKind.CL) pre.push('andb $0x0f, %cl');
        else imms[0] = imms[0]! & 0x0f;
        if (ops[2] !== OperandKind.CL) tail.splice(0, tail.length, bytes(imms));
      }
      break;
    case Op.Push:
      // A 32-bit push of a segment register writes 16 bits on Intel parts, 32 on qemu: start from a zeroed slot.
      if (!opsize && [OperandKind.ES, OperandKind.CS, OperandKind.SS, OperandKind.DS, OperandKind.FS, OperandKind.GS].includes(ops[0]!)) {
        pre.push('movl $0, -4(%esp)');
      }
      break;
    default:
      break;
  }
  out.push(...pre, bytes(head), ...modrmTail, ...tail);
  if ([Op.Ret, Op.RetFar, Op.Iret, Op.JmpIndirect, Op.CallIndirect, Op.JmpFar, Op.CallFar, Op.JmpFarIndirect, Op.CallFarIndirect].includes(op)) {
    out.push(`${after}:`);
  }
  return { lines: out, entry: e };
}

const DWORD_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const BYTE_NAMES = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];

/** modrm (+sib, disp) bytes for a random addressing form (lea/nop only: nothing is accessed). */
function randomAddressing(rng: Rng, reg: number): [number[], boolean] {
  if (rng.chance(0.25)) {
    const mod = rng.below(3);
    const rm = rng.below(8);
    const out = [(mod << 6) | (reg << 3) | rm];
    if (mod === 0 && rm === 6) out.push(...le(rng.next(), 2));
    else if (mod === 1) out.push(rng.below(256));
    else if (mod === 2) out.push(...le(rng.next(), 2));
    return [out, true];
  }
  const mod = rng.below(3);
  const rm = rng.below(8);
  const out = [(mod << 6) | (reg << 3) | rm];
  if (rm === 4) {
    const sib = rng.below(256);
    out.push(sib);
    if (mod === 0 && (sib & 7) === 5) out.push(...le(rng.next(), 4));
  }
  if (mod === 0 && rm === 5) out.push(...le(rng.next(), 4));
  else if (mod === 1) out.push(rng.below(256));
  else if (mod === 2) out.push(...le(rng.next(), 4));
  return [out, false];
}

/** A case: random state and 1..4 instructions, the first one `first`. */
export function generateCase(rng: Rng, entries: readonly OpcodeEntry[], first: OpcodeEntry, id: number): GeneratedCase {
  const regs = [0, 1, 2, 3, 4, 5, 6, 7].map(() => rng.value());
  const flags = (rng.next() & (STATUS_FLAGS | DF)) | 0x202;
  const scratch = new Uint8Array(SCRATCH_SIZE);
  for (let k = 0; k < SCRATCH_SIZE; k++) scratch[k] = rng.below(4) === 0 ? 0 : rng.below(256);
  const count = 1 + rng.below(4);
  const insns: GeneratedInstruction[] = [];
  let masked = 0;
  for (let n = 0; insns.length < count && n < 50; n++) {
    const e = insns.length === 0 && n < 10 ? first : rng.pick(entries);
    const reads = e.flagsRead | (e.op === Op.Pushf || e.op === Op.Lahf ? STATUS_FLAGS : 0);
    if (reads & masked) continue;
    const g = generateInstruction(e, rng, `.Lc${id}_${insns.length}`);
    if (!g) continue;
    const defined = e.flagsWritten & ~e.flagsUndefined;
    masked = (masked & ~defined) | maskedAfter(e.op);
    insns.push(g);
  }
  return { regs, flags, scratch, insns, flagMask: masked };
}

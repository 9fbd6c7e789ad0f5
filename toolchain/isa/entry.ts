// Owns the shape of one row of the opcode table (toolchain/isa/table.ts): operand kinds in
// Intel-manual notation, modrm use, AT&T spelling, flags, gating. The decoder, the AT&T
// formatter, the executor and the assembler's encoder all read these rows.
import type { Cond, Op } from './ops';

/**
 * Operand kinds, Intel-manual style (Vol. 2 appendix A). Letter = addressing method,
 * suffix = size: b byte, w word, d dword, v word/dword by operand size, z imm16/imm32 by
 * operand size, p far pointer (16:16 or 16:32), a bound pair, q qword.
 */
export enum OperandKind {
  /** modrm r/m: register or memory. */
  Eb, Ew, Ed, Ev,
  /** modrm r/m: a v-sized register, or a word in memory (mov from a segment register). */
  Esw,
  /** modrm reg field: general register. */
  Gb, Gw, Gd, Gv,
  /** modrm r/m, memory only: no size (lea), far pointer, bound pair, qword (cmpxchg8b). */
  M, Mp, Ma, Mq,
  /** modrm reg field: segment register (es cs ss ds fs gs). */
  Sw,
  /** Immediates: Ib unsigned byte, Ibs byte sign-extended to the operand size, Iw word, Iz word/dword. */
  Ib, Ibs, Iw, Iz,
  /** Relative branch targets (rel8, rel16/32); the decoder resolves them to `target`. */
  Jb, Jz,
  /** Far pointer immediate: offset (16/32) then selector; record: imm = offset, imm2 = selector. */
  Ap,
  /** moffs: an address-size offset with no modrm; byte or v sized. */
  Ob, Ov,
  /** Register in the low 3 bits of the opcode: byte, v-sized, dword. */
  Zb, Zv, Zd,
  /** Fixed registers: AL, AX/EAX by operand size, CL, DX (port, printed `(%dx)`). */
  AL, eAX, CL, DX,
  /** The constant 1 (shift/rotate by one). */
  One,
  /** Fixed segment registers (push/pop). */
  ES, CS, SS, DS, FS, GS,
  /** String source DS:(E)SI (segment overridable), byte or v sized. */
  Xb, Xv,
  /** String destination ES:(E)DI (never overridden), byte or v sized. */
  Yb, Yv,
  /** xlat's table byte DS:[(E)BX + AL] (segment overridable). */
  Bb,
  /** x87: the stack top ST(0) (printed `%st`), a stack register ST(i) from modrm.rm, the fixed AX of fnstsw. */
  ST, STi, AX,
  /** x87 memory, by size: word, dword, tword (80-bit real or BCD), the environment (14/28 bytes
   *  by operand size), the saved state (94/108), the fxsave area (512). Mq is the qword. */
  Mw, Md, Mt, Me, Ms, Mx,
}

/** How the entry uses a modrm byte. */
export const MODRM_NONE = -1;
/** `/r`: the reg field names a register operand (G or S kind). */
export const MODRM_REG = 8;
// Values 0..7 mean `/digit`: the reg field is an opcode extension.

/** Which modrm.mod values are allowed (anything else is invalid for this entry). */
export enum ModKind { Any, Mem, Reg }

/** How objdump adds the b/w/l size suffix to `mnemonic`. */
export enum Suffix {
  /** Never (size is implied by a register operand or fixed). */
  None,
  /** b/w/l by the entry's width when the r/m operand is memory (`addl $1,(%eax)`, `incb (%ecx)`). */
  IfMem,
  /** b/w/l by width always (`movsb`, `cmpsl`, `insw`). */
  Always,
  /** `w` when the operand size is 16, nothing when 32 (`pushw $1`, `retw`, `pushfw`). */
  If16,
  /** `w` when the operand size is 16 and the operand is memory (`pushw (%eax)`, `callw *(%eax)`). */
  If16Mem,
  /** movzx/movsx: source letter (b/w) then destination letter (w/l): `movzbl`, `movswl`. */
  Movx,
}

/**
 * How 66, f2 and f3 in front of an opcode select its form, as objdump reads them (the forms
 * the architecture defines are the rows; this says which row a run of prefixes picks, and
 * which prefixes objdump names in front of `(bad)` when none fits).
 */
export enum PrefixStyle {
  /** Ordinary prefixes; an f3 row (pause, endbr32) is taken when f3 is last of f2/f3, else the plain row. */
  None,
  /** One mandatory prefix: the last of f2/f3, else 66, else none. It is the opcode's even when no row fits (not named). */
  Table,
  /** 66 or none picks the row (MMX vs SSE); any f2/f3 makes it undefined, and no prefix is named. */
  Opcode,
  /** As Opcode, but a modrm for which no row exists under any prefix is undefined with every prefix named. */
  ModFirst,
}

/** String-prefix behaviour. */
export enum RepKind { None, Rep, RepCond }

/** CPU feature / privilege gating the executor checks (bit set). */
export const GATE_I486 = 1 << 0;
/** cpuid, rdtsc, cmpxchg8b (Pentium). */
export const GATE_PENTIUM = 1 << 1;
/** cmovcc, ud2-era Pentium Pro additions. */
export const GATE_CMOV = 1 << 2;
/** sysenter/sysexit (CPUID.SEP). Under a 64-bit kernel in compat mode, #UD on AMD. */
export const GATE_SEP = 1 << 3;
/** syscall/sysret (AMD; CPUID.80000001 SYSCALL). Under a 64-bit kernel in compat mode, #UD on Intel. */
export const GATE_SYSCALL = 1 << 4;
/** sfence (SSE). */
export const GATE_SSE = 1 << 5;
/** lfence/mfence (SSE2). */
export const GATE_SSE2 = 1 << 6;
/**
 * Privileged at CPL 3 (#GP(0)): hlt, sysexit, sysret, and the system forms of table-uncovered.ts
 * (lgdt, lidt, lldt, ltr, lmsw, clts, invd, wbinvd, invlpg, mov to/from cr/dr, rdmsr, wrmsr, rdpmc).
 */
export const GATE_CPL0 = 1 << 7;
/** Subject to IOPL at CPL 3 (#GP(0) when IOPL < 3, as Linux always leaves it): cli, sti, in, out, ins, outs. */
export const GATE_IOPL = 1 << 8;
/** The gates that make a form fault at CPL 3 with #GP(0) (the executor reads them: emulator/x86/sem-system.ts). */
export const GATES_PRIVILEGED = GATE_CPL0 | GATE_IOPL;

export interface OpcodeEntry {
  /** Index of the row in TABLE: a stable code for this encoding form (iced's `Code`). */
  readonly id: number;
  readonly op: Op;
  /** Condition for Jcc/Setcc/Cmovcc, else -1. */
  readonly cond: Cond | -1;
  /** 0: one-byte map; 1: the 0f map; 2: 0f 38; 3: 0f 3a. */
  readonly map: 0 | 1 | 2 | 3;
  /** Opcode byte within its map; for register-in-opcode forms the base (0x50 for push r32). */
  readonly opcode: number;
  /** True for `+r` forms: the opcode's low 3 bits are a register (Zb/Zv/Zd operand). */
  readonly regInOpcode: boolean;
  /** MODRM_NONE, MODRM_REG, or 0..7 for `/digit`. */
  readonly modrm: number;
  /** Allowed modrm.mod. */
  readonly mod: ModKind;
  /** Exact modrm byte required (endbr32's fb), -1 for any. */
  readonly modrmByte: number;
  /** A prefix that is part of the opcode (f3 for pause, 66/f2/f3 for the SSE forms; 9b, fwait, for the waiting x87 forms fstsw...), 0 for none. */
  readonly mandatoryPrefix: 0 | 0x66 | 0xf2 | 0xf3 | 0x9b;
  /** How objdump reads 66/f2/f3 in front of this row's opcode and modrm (PrefixStyle). */
  readonly prefixStyle: PrefixStyle;
  /** Operand kinds in Intel order (destination first). AT&T prints them reversed. */
  readonly operands: readonly OperandKind[];
  /** The Intel-manual spelling of the row, e.g. "ADD Ev,Gv" (documentation and tests). */
  readonly intel: string;
  /** AT&T mnemonic without size suffix when the operand size is 32 ("add", "cwtl", "movz"). */
  readonly mnemonic: string;
  /** AT&T mnemonic without suffix when the operand size is 16 ("cbtw"); usually = mnemonic. */
  readonly mnemonic16: string;
  readonly suffix: Suffix;
  /** `mnemonic16` is chosen by the address size, not the operand size (jcxz, loopw). */
  readonly addrSizeMnemonic: boolean;
  /** AT&T keeps the Intel operand order (enter, bound). */
  readonly noReverse: boolean;
  /** The row applies only under this operand size (90 is nop at 32, xchg %ax,%ax at 16); 0 for both. */
  readonly opSizeOnly: 0 | 2 | 4;
  /** Fixed width of the main operation in bytes (1 for byte forms, 2 for word forms), 0 when it follows the operand size. */
  readonly fixedWidth: 0 | 1 | 2 | 4 | 8;
  /** EFLAGS bits read, written (set to a defined or undefined value), and left undefined. */
  readonly flagsRead: number;
  readonly flagsWritten: number;
  readonly flagsUndefined: number;
  /** Legal with a lock prefix (when the destination is memory). */
  readonly lockable: boolean;
  readonly rep: RepKind;
  /** GATE_* bits; 0 for the base i386 set. */
  readonly gate: number;
  /**
   * Other spellings GNU as accepts for this row (`sal` for shl, `cwde`/`cbw` for cwtl/cbtw,
   * `jz` for je...), each with the operand size it implies (0: either). The encoder reads them
   * through entriesByMnemonic (table-index.ts); the formatter never prints them.
   */
  readonly aliases: readonly MnemonicAlias[];
  /**
   * The b/w/l suffix letters GNU as accepts on this row's mnemonic ('' for none: `cpuidl`,
   * `jmpl foo` are errors). A row that follows the operand size but lacks `w` is 32-bit only
   * in the assembler (`bswap %ax` is rejected).
   */
  readonly asmSuffixes: string;
  /** False when GNU as has no spelling for the row (salc): entriesByMnemonic leaves it out. */
  readonly assemblable: boolean;
  /**
   * The only coprocessor the row was defined for ('8087', '287'), which objdump appends to the
   * mnemonic (`fneni(8087 only)`); '' for every other row.
   */
  readonly onlyOn: '' | '8087' | '287';
  /**
   * An undocumented alias encoding that processors execute but objdump prints as `(bad)` and
   * GNU as cannot write (d9 d8+i, the fstp1 form of dd d8+i): decoded and executed, never named.
   */
  readonly undocumented: boolean;
}

export interface MnemonicAlias {
  readonly name: string;
  /** 2 or 4 when the spelling fixes the operand size (`cbw` is 16-bit), 0 otherwise. */
  readonly opSize: 0 | 2 | 4;
}

/** sgdt/sidt: a memory operand of no size of its own, whose b/w/l suffix spells the operand size (`sgdtw` is 66 0f 01 /0). */
export function suffixSpellsOpSize(e: OpcodeEntry): boolean {
  return e.suffix === Suffix.Always && e.operands.includes(OperandKind.M);
}

// Owns the decoded-instruction record: what toolchain/isa/decoder.ts produces from bytes and
// what the executor (emulator/x86), the AT&T formatter and the disassembler consume. One
// flat object per instruction, immutable, never re-reading the instruction bytes.
import type { OpcodeEntry } from './entry';
import type { Op } from './ops';

export type { OpcodeEntry } from './entry';
export { Op, Cond } from './ops';
export { OperandKind } from './entry';

/** Outcome of decoding at one address. */
export enum DecodeStatus {
  /** A table instruction: `entry` is set. */
  Ok,
  /** No such instruction, or a form the CPU rejects (lea with a register operand, 0f ff): #UD. */
  Invalid,
  /** A form the architecture defines that the emulator does not execute (an `nc` row of the
   *  table: MMX, SSE, system groups; an x87 escape without a row): #UD naming `opcode`.
   *  `length` spans the modrm and immediates the row gives. */
  NotCovered,
  /** More than 15 bytes (prefixes included): the CPU faults; `length` is 15. */
  TooLong,
  /** The buffer ended inside the instruction; `length` is the bytes that were available. */
  Truncated,
}

/** Bits of `Instruction.prefixes`. */
export const PFX_LOCK = 1 << 0;
/** f3 (rep / repe / repz). */
export const PFX_REP = 1 << 1;
/** f2 (repne / repnz). */
export const PFX_REPNE = 1 << 2;
/** 66 operand-size override. */
export const PFX_OPSIZE = 1 << 3;
/** 67 address-size override. */
export const PFX_ADDRSIZE = 1 << 4;
/** Any segment-override prefix (the last one is `segOverride`). */
export const PFX_SEG = 1 << 5;
/** fwait (9b) in front of an x87 instruction: objdump folds it into the instruction (`fstsw`). */
export const PFX_WAIT = 1 << 6;

/** Codes of prefix bytes in `Instruction.prefixSeq` (4 bits each, 0 = no more). */
export enum PrefixCode { None, Lock, Repne, Rep, OpSize, AddrSize, ES, CS, SS, DS, FS, GS, Wait }

/** Segment registers, in the modrm `Sw` encoding order. */
export enum Seg { ES, CS, SS, DS, FS, GS }

/** 32-bit general registers in encoding order; 16-bit (ax..di) and 8-bit (al cl dl bl ah ch dh bh) share the numbers. */
export enum Reg { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI }

/** The decoded record. Register fields are encoding numbers (Reg / byte-register numbering). */
export interface Instruction {
  /** Address of the first byte (the value passed to decode). */
  readonly address: number;
  /** Bytes consumed, prefixes included (1..15). For Invalid: prefixes and opcode bytes (objdump's
   *  `(bad)` step); TooLong: 15; Truncated: the bytes available. */
  readonly length: number;
  readonly status: DecodeStatus;
  /** The table row (status Ok), else null. */
  readonly entry: OpcodeEntry | null;
  /** entry.op, or Op.Invalid / Op.NotCovered. */
  readonly op: Op;
  /** GATE_* bits of the row the bytes matched, an `nc` row's too (a privileged form the emulator
   *  does not execute still faults as one: #GP at CPL 3); 0 when no row matched. */
  readonly gate: number;
  /** The opcode: byte for the one-byte map, 0x0fXX for the 0f map, 0x0f38XX / 0x0f3aXX for the
   *  three-byte maps. Set for every status (what #UD names); -1 when no opcode byte was reached. */
  readonly opcode: number;
  /** PFX_* bits of the prefixes present (including unused ones). */
  readonly prefixes: number;
  /** Number of prefix bytes before the opcode. */
  readonly prefixLength: number;
  /** The prefix bytes in order as PrefixCode nibbles, first prefix in bits 0-3 (first 8 only). */
  readonly prefixSeq: number;
  /** Seg of the last segment-override prefix, or -1. */
  readonly segOverride: number;
  /** Operand-size attribute in bytes: 4, or 2 with a 66 prefix. */
  readonly opSize: 2 | 4;
  /** Address-size attribute in bytes: 4, or 2 with a 67 prefix (16-bit modrm addressing). */
  readonly addrSize: 2 | 4;
  /** Width of the main operation in bytes: 1 for byte forms, entry.fixedWidth when set, else opSize. */
  readonly width: 1 | 2 | 4 | 8;
  /** The modrm byte, or -1. */
  readonly modrm: number;
  /** modrm.mod (0..3); 3 when there is no modrm. */
  readonly mod: number;
  /** The register operand: modrm.reg for /r forms (a Reg or Seg number), the opcode's low 3 bits
   *  for +r forms; for /digit forms the digit. 0 when unused. */
  readonly reg: number;
  /** modrm.rm (the register operand when mod is 3). 0 without modrm. */
  readonly rm: number;
  /** The SIB byte, or -1. */
  readonly sib: number;
  /** True when the E/M/O operand is in memory (mod != 3, or a moffs form). String and xlat
   *  operands are implicit and leave this false. */
  readonly hasMem: boolean;
  /** Segment of the memory operand: the override, else SS for ebp/esp-based (bp-based in 16-bit)
   *  addressing, else DS. Also set (override or DS) for string sources and xlat. */
  readonly memSeg: Seg;
  /** Base register or -1. In 16-bit addressing: BX=3, BP=5, SI=6, DI=7 (sum wraps at 16 bits). */
  readonly memBase: number;
  /** Index register or -1 (never ESP). 16-bit: SI=6, DI=7. */
  readonly memIndex: number;
  /** Index scale: 1, 2, 4 or 8. */
  readonly memScale: 1 | 2 | 4 | 8;
  /** Displacement, sign-extended (a moffs offset is stored here unsigned). */
  readonly memDisp: number;
  /** Displacement bytes in the encoding (0, 1, 2 or 4): `0x0(%eax)` vs `(%eax)`. */
  readonly dispSize: 0 | 1 | 2 | 4;
  /** First immediate, as the operation uses it, unsigned and masked to its size: Ibs sign-extended
   *  to the operand size (`83 c0 ff` gives 0xffffffff), Ap's offset, enter's Iw. 0 when none. */
  readonly imm: number;
  /** Second immediate: enter's nesting level (Ib), Ap's selector. 0 when none. */
  readonly imm2: number;
  /** Absolute branch target for Jb/Jz (address + length + rel, masked to 16 bits when opSize is 2). */
  readonly target: number;
}

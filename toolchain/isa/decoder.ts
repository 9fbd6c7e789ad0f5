// Owns decoding: bytes at an address -> one Instruction record (instruction.ts), by array
// lookup in the table's slots (table-index.ts). 32-bit code segment; prefixes, 66/67, modrm,
// SIB, 16-bit addressing, immediates and branch targets. Bounded at 15 bytes, never throws.
import { MODRM_NONE, ModKind, OperandKind, type OpcodeEntry } from './entry';
import {
  DecodeStatus, PFX_ADDRSIZE, PFX_LOCK, PFX_OPSIZE, PFX_REP, PFX_REPNE, PFX_SEG, PFX_WAIT, PrefixCode, Seg, type Instruction,
} from './instruction';
import { Op } from './ops';
import { SLOTS, type Slot } from './table-index';

/** The architectural limit on instruction length. */
export const MAX_INSTRUCTION_LENGTH = 15;

/** Length classes of opcodes outside the table (for NotCovered records). */
const enum Uncovered { Invalid, Modrm, ModrmIb, Plain }

/** 0f-map opcodes that exist on some CPU but are not in the table, by length class. */
const UNCOVERED_0F: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const set = (cls: Uncovered, ...ranges: [number, number][]) => {
    for (const [a, b] of ranges) for (let i = a; i <= b; i++) t[i] = cls;
  };
  set(Uncovered.Modrm, [0x00, 0x03], [0x0d, 0x0d], [0x10, 0x1f], [0x20, 0x23], [0x28, 0x2f], [0x50, 0x6f], [0x74, 0x76],
    [0x78, 0x79], [0x7c, 0x7f], [0xae, 0xae], [0xb8, 0xb9], [0xc3, 0xc3], [0xc7, 0xc7], [0xd0, 0xff]);
  set(Uncovered.ModrmIb, [0x70, 0x73], [0xc2, 0xc2], [0xc4, 0xc6], [0x0f, 0x0f]);
  set(Uncovered.Plain, [0x06, 0x06], [0x08, 0x09], [0x0e, 0x0e], [0x30, 0x30], [0x32, 0x33], [0x37, 0x37], [0x77, 0x77], [0xaa, 0xaa]);
  return t;
})();

/**
 * The three-byte opcodes (0f 38 xx, 0f 3a xx) that exist on some CPU (SSSE3, SSE4, AES, SHA,
 * MOVBE, CRC32, ADX, ...), none of them in the table: per mandatory prefix (none, 66, f2, f3)
 * and modrm kind (register, memory), objdump's reading. `V`: defined (NotCovered, spanning its
 * modrm, and an imm8 in 0f 3a); `B`: undefined, `(bad)` after the opcode bytes with the prefix
 * named; `b`: undefined, the prefix taken as the opcode's (not named). An opcode not listed is
 * undefined under every prefix (`B`). TWO_BYTE_0F says the same of the 0f-map MMX/SSE/SSE2/SSE3
 * opcodes outside the table that are undefined under some prefix or modrm kind (those not
 * listed are defined under all; the opcode groups, whose forms differ by modrm.reg, stay
 * NotCovered).
 */
const THREE_BYTE_0F38: ReadonlyMap<number, string> = new Map([
  ...[0x10, 0x14, 0x15, 0x17, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x28, 0x29, 0x2b, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
    0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x80, 0x81, 0x82, 0xcf, 0xdb].map((op) => [op, 'bbVVbbbb'] as const),
  ...[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x1c, 0x1d, 0x1e].map((op) => [op, 'VVVVbbbb'] as const),
  ...[0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd].map((op) => [op, 'VVbbbbbb'] as const),
  ...[0xdd, 0xde, 0xdf].map((op) => [op, 'bbVVbbbV'] as const),
  ...[0x2a, 0xf5].map((op) => [op, 'bbBVBbBb'] as const),
  ...[0xf0, 0xf1].map((op) => [op, 'VVVVVVbb'] as const),
  ...[0xfa, 0xfb].map((op) => [op, 'bbbbbbVb'] as const),
  [0xd8, 'bbbbbbVV'],
  [0xdc, 'bbVVbbVV'],
  [0xf6, 'bVVVbbVV'],
  [0xf8, 'bbbVbVbV'],
  [0xf9, 'bVBbBbBb'],
  [0xfc, 'VVVVVVVV'],
]);
const TWO_BYTE_0F: ReadonlyMap<number, string> = new Map([
  ...[0x14, 0x15, 0x28, 0x29, 0x2e, 0x2f, 0x54, 0x55, 0x56, 0x57, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    0x69, 0x6a, 0x6b, 0x6e, 0x74, 0x75, 0x76, 0xc4, 0xc6, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd,
    0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2, 0xf3, 0xf4,
    0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe].map((op) => [op, 'VVVVbbbb'] as const),
  ...[0x5b, 0x6f, 0x7e, 0x7f].map((op) => [op, 'VVVVbbVV'] as const),
  ...[0x7c, 0x7d, 0xd0].map((op) => [op, 'bbVVVVbb'] as const),
  ...[0x13, 0x17].map((op) => [op, 'bVBVBbBb'] as const),
  ...[0x52, 0x53].map((op) => [op, 'VVbbbbVV'] as const),
  ...[0x6c, 0x6d].map((op) => [op, 'bbVVbbbb'] as const),
  ...[0x78, 0x79].map((op) => [op, 'VVVVVVbb'] as const),
  ...[0xd6, 0xe6].map((op) => [op, 'bbVVVVVV'] as const),
  [0x12, 'VVbVVVVV'],
  [0x16, 'VVbVbbVV'],
  [0x2b, 'bVbVbVbV'],
  [0x50, 'VbVBbBbB'],
  [0x77, 'VVbbbbbb'], // emms: no modrm, both kinds alike
  [0xb8, 'bbbbbbVV'],
  [0xc3, 'bVBbBbBb'],
  [0xc5, 'VVVbbbbb'],
  [0xd7, 'VbVBVBVB'],
  [0xe7, 'VVbVbbbb'],
  [0xf0, 'bbbbbVbb'],
]);
const THREE_BYTE_0F3A: ReadonlyMap<number, string> = new Map([
  ...[0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x14, 0x15, 0x16, 0x17, 0x20, 0x21, 0x22, 0x40, 0x41, 0x42, 0x44, 0x60,
    0x61, 0x62, 0x63, 0xce, 0xcf, 0xdf].map((op) => [op, 'bbVVbbbb'] as const),
  [0x0f, 'VVVVbbbb'],
  [0xcc, 'VVbbbbbb'],
  [0xf0, 'bbbbbbbb'], // rorx: VEX only, but objdump gives it the prefix
]);

const PREFIX_CODE: Int8Array = (() => {
  const t = new Int8Array(256);
  t[0xf0] = PrefixCode.Lock; t[0xf2] = PrefixCode.Repne; t[0xf3] = PrefixCode.Rep;
  t[0x66] = PrefixCode.OpSize; t[0x67] = PrefixCode.AddrSize;
  t[0x26] = PrefixCode.ES; t[0x2e] = PrefixCode.CS; t[0x36] = PrefixCode.SS;
  t[0x3e] = PrefixCode.DS; t[0x64] = PrefixCode.FS; t[0x65] = PrefixCode.GS;
  return t;
})();

/**
 * Is the fwait (9b) whose next byte is at `pos` a prefix of an x87 instruction (objdump's
 * reading: fwait, other prefixes, then d8-df), rather than an instruction of its own?
 */
function waitPrefixes(code: Uint8Array, pos: number, limit: number): boolean {
  for (let j = pos; j < limit; j++) {
    const c = code[j]!;
    if (c >= 0xd8 && c <= 0xdf) return true;
    if (c !== 0x9b && PREFIX_CODE[c] === 0) return false;
  }
  return false;
}

/** 16-bit modrm addressing: base and index registers per rm (BX=3, BP=5, SI=6, DI=7). */
const BASE16 = [3, 3, 5, 5, 6, 7, 5, 3];
const INDEX16 = [6, 7, 6, 7, -1, -1, -1, -1];

/** Returned by the byte readers when the bytes run out or pass 15; never escapes decode(). */
const OUT_OF_BYTES = -1;

/**
 * Decodes one instruction of 32-bit code.
 * @param code    the bytes
 * @param offset  index in `code` of the instruction's first byte
 * @param address the instruction's address (for branch targets)
 * @param end     index in `code` where the bytes stop (default code.length)
 */
export function decode(code: Uint8Array, offset: number, address: number, end: number = code.length): Instruction {
  const limit = Math.min(end, offset + MAX_INSTRUCTION_LENGTH);
  let pos = offset;
  let prefixes = 0;
  let prefixSeq = 0;
  let segOverride = -1;
  let status = DecodeStatus.Ok;

  // Returns the byte at pos and advances, or OUT_OF_BYTES.
  const next = (): number => (pos < limit ? code[pos++]! : OUT_OF_BYTES);
  const failEnd = (): DecodeStatus => (pos >= end ? DecodeStatus.Truncated : DecodeStatus.TooLong);

  let b = next();
  while (b >= 0 && (PREFIX_CODE[b] !== 0 || (b === 0x9b && waitPrefixes(code, pos, limit)))) {
    const pc = b === 0x9b ? PrefixCode.Wait : PREFIX_CODE[b]!;
    const n = pos - 1 - offset;
    if (n < 8) prefixSeq |= pc << (n * 4);
    switch (pc) {
      case PrefixCode.Lock: prefixes |= PFX_LOCK; break;
      case PrefixCode.Rep: prefixes = (prefixes | PFX_REP) & ~PFX_REPNE; break;
      case PrefixCode.Repne: prefixes = (prefixes | PFX_REPNE) & ~PFX_REP; break;
      case PrefixCode.OpSize: prefixes |= PFX_OPSIZE; break;
      case PrefixCode.AddrSize: prefixes |= PFX_ADDRSIZE; break;
      case PrefixCode.Wait: prefixes |= PFX_WAIT; break;
      default: prefixes |= PFX_SEG; segOverride = pc - PrefixCode.ES; break;
    }
    b = next();
  }
  const prefixLength = (b < 0 ? pos : pos - 1) - offset;
  prefixSeq >>>= 0;
  const opSize: 2 | 4 = prefixes & PFX_OPSIZE ? 2 : 4;
  const addrSize: 2 | 4 = prefixes & PFX_ADDRSIZE ? 2 : 4;

  let entry: OpcodeEntry | null = null;
  let opcode = -1;
  let modrm = -1, mod = 3, reg = 0, rm = 0, sib = -1;
  let hasMem = false;
  let memSeg: Seg = segOverride >= 0 ? segOverride : Seg.DS;
  let memBase = -1, memIndex = -1, memDisp = 0;
  let memScale: 1 | 2 | 4 | 8 = 1;
  let dispSize: 0 | 1 | 2 | 4 = 0;
  let imm = 0, imm2 = 0, target = 0;
  let uncovered: Uncovered = Uncovered.Invalid;
  let slot: Slot | undefined;
  let opcodeEnd = offset;

  /**
   * Whether the form of an opcode outside the table that `forms` gives (TWO_BYTE_0F,
   * THREE_BYTE_0F38/3A) for this prefix and modrm kind is defined; an undefined one whose
   * mandatory prefix objdump takes as the opcode's loses it from prefixSeq (not named).
   */
  const definedForm = (forms: string): boolean => {
    // The mandatory prefix objdump reads (f2 or f3 over 66), and the modrm kind when the byte is there.
    const column = prefixes & PFX_REPNE ? 2 : prefixes & PFX_REP ? 3 : prefixes & PFX_OPSIZE ? 1 : 0;
    const form = forms[column * 2 + (pos < limit && code[pos]! >> 6 !== 3 ? 1 : 0)];
    if (form === 'V') return true;
    if (form === 'b') {
      const taken = [PrefixCode.None, PrefixCode.OpSize, PrefixCode.Repne, PrefixCode.Rep][column]!;
      for (let k = Math.min(prefixLength, 8) - 1; k >= 0; k--) {
        if (((prefixSeq >>> (k * 4)) & 15) === taken) { prefixSeq = (prefixSeq & ~(15 << (k * 4))) >>> 0; break; }
      }
    }
    return false;
  };

  const readImm = (size: number): number => {
    let v = 0;
    for (let i = 0; i < size; i++) {
      const x = next();
      if (x < 0) return OUT_OF_BYTES;
      v |= x << (8 * i);
    }
    return size === 4 ? v >>> 0 : v;
  };

  decodeBody: {
    if (b < 0) { status = failEnd(); break decodeBody; }
    let map = 0;
    opcode = b;
    if (b === 0x0f) {
      map = 1;
      b = next();
      if (b < 0) { status = failEnd(); break decodeBody; }
      opcode = 0x0f00 | b;
      if (b === 0x38 || b === 0x3a) {
        const b3 = next();
        if (b3 < 0) { status = failEnd(); break decodeBody; }
        opcode = (0x0f00 | b) << 8 | b3;
        if (!definedForm((b === 0x3a ? THREE_BYTE_0F3A : THREE_BYTE_0F38).get(b3) ?? 'BBBBBBBB')) {
          opcodeEnd = pos;
          status = DecodeStatus.Invalid;
          break decodeBody;
        }
        uncovered = b === 0x3a ? Uncovered.ModrmIb : Uncovered.Modrm;
      }
    }
    const index = map * 256 + b;
    opcodeEnd = pos;
    if (uncovered === Uncovered.Invalid) {
      if (prefixes & (PFX_REP | PFX_WAIT)) {
        const f3 = SLOTS[prefixes & PFX_WAIT ? 2 : 1]![index];
        if (f3 && !f3.modrm) entry = f3.plain;
        else if (f3 && pos < limit) {
          const m = code[pos]!;
          const hit = f3.exact.find((x) => x.modrm === m)?.entry ?? ((m >> 6) === 3 ? f3.reg : f3.mem)[(m >> 3) & 7] ?? null;
          if (hit) { entry = hit; slot = f3; }
        }
      }
      slot ??= SLOTS[0]![index];
      if (!slot) {
        if (map === 0 && b >= 0xd8 && b <= 0xdf) uncovered = Uncovered.Modrm;
        else if (map === 0 && (b === 0x9b || b === 0xf1)) uncovered = Uncovered.Plain;
        else if (map === 1) uncovered = UNCOVERED_0F[b]! as Uncovered;
        if (uncovered === Uncovered.Invalid) { status = DecodeStatus.Invalid; break decodeBody; }
        const forms = map === 1 ? TWO_BYTE_0F.get(b) : undefined;
        if (forms && !definedForm(forms)) { status = DecodeStatus.Invalid; break decodeBody; }
      } else if (!entry && !slot.modrm) {
        entry = opSize === 2 && slot.plain16 ? slot.plain16 : slot.plain;
      }
    }

    const needModrm = entry ? entry.modrm !== MODRM_NONE : slot ? slot.modrm : uncovered !== Uncovered.Plain;
    if (needModrm && modrm < 0) {
      modrm = next();
      if (modrm < 0) { status = failEnd(); break decodeBody; }
      mod = modrm >> 6;
      reg = (modrm >> 3) & 7;
      rm = modrm & 7;
      if (slot && !entry) {
        entry = slot.exact.find((x) => x.modrm === modrm)?.entry ?? (mod === 3 ? slot.reg : slot.mem)[reg] ?? null;
        if (!entry && map === 0 && modrm === 0xf8 && (b === 0xc6 || b === 0xc7)) {
          // xabort ib / xbegin rel16/32 (TSX): real, but outside the table.
          status = readImm(b === 0xc6 ? 1 : opSize) === OUT_OF_BYTES ? failEnd() : DecodeStatus.NotCovered;
          break decodeBody;
        }
        // An undefined x87 form still spans its modrm operand (objdump's `(bad)  (%eax)`).
        if (!entry && !(map === 0 && b >= 0xd8 && b <= 0xdf)) {
          // The other forms of a 0f opcode the table covers in part (0f 01: only rdtscp) stay NotCovered.
          if (map === 1 && b === 0x01) uncovered = Uncovered.Modrm;
          else { status = DecodeStatus.Invalid; break decodeBody; }
        }
      }
      if (mod !== 3) {
        hasMem = true;
        if (addrSize === 4) {
          let base = rm;
          if (rm === 4) {
            sib = next();
            if (sib < 0) { status = failEnd(); break decodeBody; }
            base = sib & 7;
            const idx = (sib >> 3) & 7;
            if (idx !== 4) memIndex = idx;
            memScale = (1 << (sib >> 6)) as 1 | 2 | 4 | 8;
          }
          if (mod === 0 && base === 5) { dispSize = 4; }
          else {
            memBase = base;
            dispSize = mod === 1 ? 1 : mod === 2 ? 4 : 0;
            if (segOverride < 0 && (base === 4 || base === 5)) memSeg = Seg.SS;
          }
        } else {
          if (mod === 0 && rm === 6) dispSize = 2;
          else {
            memBase = BASE16[rm]!;
            memIndex = INDEX16[rm]!;
            dispSize = mod === 1 ? 1 : mod === 2 ? 2 : 0;
            if (segOverride < 0 && memBase === 5) memSeg = Seg.SS;
          }
        }
        if (dispSize) {
          const d = readImm(dispSize);
          if (d === OUT_OF_BYTES) { status = failEnd(); break decodeBody; }
          memDisp = dispSize === 1 ? (d << 24) >> 24 : dispSize === 2 ? (d << 16) >> 16 : d | 0;
        }
      }
    }
    if (!entry && slot && uncovered === Uncovered.Invalid) {
      opcodeEnd = pos;
      status = DecodeStatus.Invalid;
      break decodeBody;
    }
    if (!entry) {
      status = DecodeStatus.NotCovered;
      if (uncovered === Uncovered.ModrmIb && next() < 0) status = failEnd();
      break decodeBody;
    }
    if (entry.regInOpcode) reg = b & 7;
    if ((mod === 3 && entry.mod === ModKind.Mem) || (mod !== 3 && entry.mod === ModKind.Reg) || (entry.operands.includes(OperandKind.Sw) && reg > 5)) { status = DecodeStatus.Invalid; break decodeBody; }

    const ops = entry.operands;
    for (let i = 0; i < ops.length; i++) {
      const k = ops[i]!;
      let v = 0;
      switch (k) {
        case OperandKind.Ib: case OperandKind.Ibs: case OperandKind.Jb: v = readImm(1); break;
        case OperandKind.Iw: v = readImm(2); break;
        case OperandKind.Iz: case OperandKind.Jz: v = readImm(opSize); break;
        case OperandKind.Ap:
          v = readImm(opSize);
          if (v !== OUT_OF_BYTES) { imm2 = readImm(2); if (imm2 === OUT_OF_BYTES) v = OUT_OF_BYTES; }
          break;
        case OperandKind.Ob: case OperandKind.Ov:
          v = readImm(addrSize);
          if (v !== OUT_OF_BYTES) { hasMem = true; memDisp = v; dispSize = addrSize; }
          break;
        default: continue;
      }
      if (v === OUT_OF_BYTES) { status = failEnd(); break decodeBody; }
      switch (k) {
        case OperandKind.Ibs: imm = opSize === 2 ? ((v << 24) >> 24) & 0xffff : ((v << 24) >> 24) >>> 0; break;
        case OperandKind.Jb: case OperandKind.Jz: {
          const rel = k === OperandKind.Jb ? (v << 24) >> 24 : opSize === 2 ? (v << 16) >> 16 : v | 0;
          target = (address + (pos - offset) + rel) >>> 0;
          if (opSize === 2) target &= 0xffff;
          break;
        }
        case OperandKind.Ob: case OperandKind.Ov: break;
        case OperandKind.Ib: if (i > 0 && ops[0] === OperandKind.Iw) { imm2 = v; break; } imm = v; break;
        default: imm = v;
      }
    }
  }

  const length = status === DecodeStatus.Invalid
    ? Math.max(opcodeEnd - offset, Math.min(prefixLength + 1, MAX_INSTRUCTION_LENGTH))
    : status === DecodeStatus.TooLong ? MAX_INSTRUCTION_LENGTH : pos - offset;
  const ok = status === DecodeStatus.Ok;
  let width: 1 | 2 | 4 | 8 = opSize;
  if (ok && entry) {
    if (entry.fixedWidth) width = entry.fixedWidth as 1 | 2 | 4 | 8;
    else if (hasMem && entry.operands.includes(OperandKind.Esw)) width = 2;
  }
  return {
    address,
    length,
    status,
    entry: ok ? entry : null,
    op: ok && entry ? entry.op : status === DecodeStatus.NotCovered ? Op.NotCovered : Op.Invalid,
    opcode,
    prefixes,
    prefixLength,
    prefixSeq,
    segOverride,
    opSize,
    addrSize,
    width,
    modrm,
    mod,
    reg,
    rm,
    sib,
    hasMem,
    memSeg,
    memBase,
    memIndex,
    memScale,
    memDisp,
    dispSize,
    imm,
    imm2,
    target,
  };
}

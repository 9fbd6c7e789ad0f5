// Owns decoding: bytes at an address -> one Instruction record (instruction.ts), by array
// lookup in the table's slots (table-index.ts). 32-bit code segment; prefixes, 66/67, modrm,
// SIB, 16-bit addressing, immediates and branch targets. Bounded at 15 bytes, never throws.
// Which form 66/f2/f3 pick is the rows' PrefixStyle; a form no row names is Invalid.
import { MODRM_NONE, ModKind, OperandKind, PrefixStyle, type OpcodeEntry } from './entry';
import {
  DecodeStatus, PFX_ADDRSIZE, PFX_LOCK, PFX_OPSIZE, PFX_REP, PFX_REPNE, PFX_SEG, PFX_WAIT, PrefixCode, Seg, type Instruction,
} from './instruction';
import { Op } from './ops';
import { prefixStyleAt, slotSets, SlotSet, type Slot } from './table-index';

/** Operand kinds that follow the operand size: a plain row with one takes 66 as its operand size. */
const V_SIZED: ReadonlySet<OperandKind> = new Set([OperandKind.Ev, OperandKind.Gv, OperandKind.Esw]);

/** The architectural limit on instruction length. */
export const MAX_INSTRUCTION_LENGTH = 15;

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
 * The bytes decode() is reading and where: one cursor for every call (decode never calls
 * itself), so that reading a byte makes no closure and no context per instruction.
 */
const NO_BYTES = new Uint8Array(0);
const cur: { code: Uint8Array; pos: number; limit: number; end: number } = { code: NO_BYTES, pos: 0, limit: 0, end: 0 };

/** The byte at the cursor, advancing past it, or OUT_OF_BYTES at the end or past 15 bytes. */
function next(): number {
  return cur.pos < cur.limit ? cur.code[cur.pos++]! : OUT_OF_BYTES;
}

/** Why the bytes ran out at the cursor: the buffer ended, or the 15-byte limit. */
function failEnd(): DecodeStatus {
  return cur.pos >= cur.end ? DecodeStatus.Truncated : DecodeStatus.TooLong;
}

/** A little-endian immediate of `size` bytes at the cursor (unsigned), or OUT_OF_BYTES. */
function readImm(size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) {
    const x = next();
    if (x < 0) return OUT_OF_BYTES;
    v |= x << (8 * i);
  }
  return size === 4 ? v >>> 0 : v;
}

/** `prefixSeq` with its last `code` prefix blanked: the opcode's mandatory prefix, not named by the formatter. */
function takePrefix(prefixSeq: number, prefixLength: number, code: PrefixCode): number {
  for (let k = Math.min(prefixLength, 8) - 1; k >= 0; k--) {
    if (((prefixSeq >>> (k * 4)) & 15) === code) return (prefixSeq & ~(15 << (k * 4))) >>> 0;
  }
  return prefixSeq;
}

/** The entry of `exact` for modrm byte `m`, or undefined. */
function exactEntry(exact: Slot['exact'], m: number): OpcodeEntry | undefined {
  for (let i = 0; i < exact.length; i++) if (exact[i]!.modrm === m) return exact[i]!.entry;
  return undefined;
}

/** The slot's entry for modrm byte `m` (-1: the opcode has none), or null. */
function formOf(s: Slot | undefined, m: number, opSize: 2 | 4): OpcodeEntry | null {
  if (!s) return null;
  if (!s.modrm) return opSize === 2 && s.plain16 ? s.plain16 : s.plain;
  if (m < 0) return null;
  return exactEntry(s.exact, m) ?? ((m >> 6) === 3 ? s.reg : s.mem)[(m >> 3) & 7] ?? null;
}

/** Whether any of the four prefix sets has a form of opcode `index` for modrm byte `m`. */
function definedInSomeSet(slots: readonly (readonly (Slot | undefined)[])[], index: number, m: number, opSize: 2 | 4): boolean {
  return formOf(slots[SlotSet.None]![index], m, opSize) !== null || formOf(slots[SlotSet.OpSize]![index], m, opSize) !== null
    || formOf(slots[SlotSet.Rep]![index], m, opSize) !== null || formOf(slots[SlotSet.Repne]![index], m, opSize) !== null;
}

/**
 * Decodes one instruction of 32-bit code.
 * @param code    the bytes
 * @param offset  index in `code` of the instruction's first byte
 * @param address the instruction's address (for branch targets)
 * @param end     index in `code` where the bytes stop (default code.length)
 */
export function decode(code: Uint8Array, offset: number, address: number, end: number = code.length): Instruction {
  const limit = Math.min(end, offset + MAX_INSTRUCTION_LENGTH);
  cur.code = code;
  cur.pos = offset;
  cur.limit = limit;
  cur.end = end;
  let prefixes = 0;
  let prefixSeq = 0;
  let segOverride = -1;
  let status = DecodeStatus.Ok;

  let b = next();
  while (b >= 0 && (PREFIX_CODE[b] !== 0 || (b === 0x9b && waitPrefixes(code, cur.pos, limit)))) {
    const pc = b === 0x9b ? PrefixCode.Wait : PREFIX_CODE[b]!;
    const n = cur.pos - 1 - offset;
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
  const prefixLength = (b < 0 ? cur.pos : cur.pos - 1) - offset;
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
  /** An x87 escape byte the table has no slot for: NotCovered, spanning its modrm. */
  let uncovered = false;
  let slot: Slot | undefined;
  let opcodeEnd = offset;

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
        map = b === 0x38 ? 2 : 3;
        b = next();
        if (b < 0) { status = failEnd(); break decodeBody; }
        opcode = (opcode << 8) | b;
      }
    }
    const index = map * 256 + b;
    opcodeEnd = cur.pos;
    const slots = slotSets();
    const styles = prefixStyleAt(index);
    if (styles) {
      // The modrm byte, when the opcode has one, decides the style; it is read again below.
      const any = slots[SlotSet.None]![index] ?? slots[SlotSet.OpSize]![index] ?? slots[SlotSet.Rep]![index] ?? slots[SlotSet.Repne]![index];
      const m = any && !any.modrm ? -1 : cur.pos < limit ? code[cur.pos]! : -2;
      if (m === -2) { status = failEnd(); break decodeBody; }
      const style = styles.byModrm[m < 0 ? 0 : m]!;
      const rep = prefixes & PFX_REPNE ? SlotSet.Repne : prefixes & PFX_REP ? SlotSet.Rep : -1;
      const chosen = rep >= 0 ? rep : prefixes & PFX_OPSIZE ? SlotSet.OpSize : SlotSet.None;
      const nowhere = style === PrefixStyle.ModFirst && !definedInSomeSet(slots, index, m, opSize);
      if (style === PrefixStyle.None) {
        // Ordinary prefixes: a form of the last f2/f3, else the plain one (f3 0f 1e fb is endbr32).
        const f3 = rep === SlotSet.Rep ? formOf(slots[SlotSet.Rep]![index], m, opSize) : null;
        if (f3) { entry = f3; prefixSeq = takePrefix(prefixSeq, prefixLength, PrefixCode.Rep); } else entry = formOf(slots[SlotSet.None]![index], m, opSize);
      } else if (style === PrefixStyle.Table || (rep < 0 && !nowhere)) {
        entry = formOf(slots[chosen]![index], m, opSize);
        // Without a 66 row, 66 is the operand size of the plain row that has one (bsf %cx,%ax).
        if (!entry && chosen === SlotSet.OpSize) {
          const plain = formOf(slots[SlotSet.None]![index], m, opSize);
          if (plain && plain.operands.some((k) => V_SIZED.has(k))) entry = plain;
        }
        if (chosen !== SlotSet.None && (entry === null || entry.mandatoryPrefix !== 0)) {
          prefixSeq = takePrefix(prefixSeq, prefixLength, chosen === SlotSet.Repne ? PrefixCode.Repne : chosen === SlotSet.Rep ? PrefixCode.Rep : PrefixCode.OpSize);
        }
      } else if (!nowhere) {
        // f2/f3 before an MMX/SSE opcode that has no f2/f3 form: undefined, no prefix named.
        for (let k = 0; k < Math.min(prefixLength, 8); k++) {
          const c = (prefixSeq >>> (k * 4)) & 15;
          if (c === PrefixCode.Rep || c === PrefixCode.Repne || c === PrefixCode.OpSize) prefixSeq = (prefixSeq & ~(15 << (k * 4))) >>> 0;
        }
      }
      if (!entry || entry.op === Op.Invalid) { entry = null; status = DecodeStatus.Invalid; break decodeBody; }
    } else {
      if (prefixes & (PFX_REP | PFX_WAIT)) {
        const f3 = slots[prefixes & PFX_WAIT ? SlotSet.Wait : SlotSet.Rep]![index];
        if (f3 && !f3.modrm) entry = f3.plain;
        else if (f3 && cur.pos < limit) {
          const hit = formOf(f3, code[cur.pos]!, opSize);
          if (hit) { entry = hit; slot = f3; }
        }
        if (entry && entry.mandatoryPrefix === 0xf3) prefixSeq = takePrefix(prefixSeq, prefixLength, PrefixCode.Rep);
      }
      slot ??= slots[SlotSet.None]![index];
      if (!slot) {
        // x87 escapes outside the table, and a lone fwait: real, but not executed.
        if (map === 0 && b >= 0xd8 && b <= 0xdf) uncovered = true;
        else if (map === 0 && b === 0x9b) { status = DecodeStatus.NotCovered; break decodeBody; }
        else { status = DecodeStatus.Invalid; break decodeBody; }
      } else if (!entry && !slot.modrm) {
        entry = opSize === 2 && slot.plain16 ? slot.plain16 : slot.plain;
      }
    }

    const needModrm = entry ? entry.modrm !== MODRM_NONE : slot ? slot.modrm : uncovered;
    if (needModrm && modrm < 0) {
      modrm = next();
      if (modrm < 0) { status = failEnd(); break decodeBody; }
      mod = modrm >> 6;
      reg = (modrm >> 3) & 7;
      rm = modrm & 7;
      if (slot && !entry) {
        entry = exactEntry(slot.exact, modrm) ?? (mod === 3 ? slot.reg : slot.mem)[reg] ?? null;
        if (!entry && map === 0 && modrm === 0xf8 && (b === 0xc6 || b === 0xc7)) {
          // xabort ib / xbegin rel16/32 (TSX): real, but outside the table.
          status = readImm(b === 0xc6 ? 1 : opSize) === OUT_OF_BYTES ? failEnd() : DecodeStatus.NotCovered;
          break decodeBody;
        }
        // An undefined x87 form still spans its modrm operand (objdump's `(bad)  (%eax)`).
        if (!entry && !(map === 0 && b >= 0xd8 && b <= 0xdf)) { status = DecodeStatus.Invalid; break decodeBody; }
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
    if (!entry) {
      if (uncovered) status = DecodeStatus.NotCovered;
      else { opcodeEnd = cur.pos; status = DecodeStatus.Invalid; }
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
          target = (address + (cur.pos - offset) + rel) >>> 0;
          if (opSize === 2) target &= 0xffff;
          break;
        }
        case OperandKind.Ob: case OperandKind.Ov: break;
        case OperandKind.Ib: if (i > 0 && ops[0] === OperandKind.Iw) { imm2 = v; break; } imm = v; break;
        default: imm = v;
      }
    }
    // A row of table-uncovered.ts: the architecture's form, spanned, but not executed.
    if (entry.op === Op.NotCovered) status = DecodeStatus.NotCovered;
  }

  const length = status === DecodeStatus.Invalid
    ? Math.max(opcodeEnd - offset, Math.min(prefixLength + 1, MAX_INSTRUCTION_LENGTH))
    : status === DecodeStatus.TooLong ? MAX_INSTRUCTION_LENGTH : cur.pos - offset;
  const ok = status === DecodeStatus.Ok;
  let width: 1 | 2 | 4 | 8 = opSize;
  if (ok && entry) {
    if (entry.fixedWidth) width = entry.fixedWidth as 1 | 2 | 4 | 8;
    else if (hasMem && entry.operands.includes(OperandKind.Esw)) width = 2;
  }
  // The cursor keeps no buffer alive after the call.
  cur.code = NO_BYTES;
  return {
    address,
    length,
    status,
    entry: ok ? entry : null,
    op: ok && entry ? entry.op : status === DecodeStatus.NotCovered ? Op.NotCovered : Op.Invalid,
    gate: (ok || status === DecodeStatus.NotCovered) && entry ? entry.gate : 0,
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

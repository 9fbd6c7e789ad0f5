// Owns the AT&T text of a decoded instruction as `objdump -d` (binutils 2.40) prints it:
// mnemonic with objdump's size-suffix rules, unused prefixes spelled out (data16, addr16,
// cs, rep/repz/repnz, lock, bnd), operands reversed, memory as disp(base,index,scale).
import { OperandKind, RepKind, Suffix, suffixSpellsOpSize, type OpcodeEntry } from './entry';
import { DecodeStatus, PrefixCode, Seg, type Instruction } from './instruction';
import { Op } from './ops';

const REG32 = ['%eax', '%ecx', '%edx', '%ebx', '%esp', '%ebp', '%esi', '%edi'];
const REG16 = ['%ax', '%cx', '%dx', '%bx', '%sp', '%bp', '%si', '%di'];
const REG8 = ['%al', '%cl', '%dl', '%bl', '%ah', '%ch', '%dh', '%bh'];
const SEG = ['%es', '%cs', '%ss', '%ds', '%fs', '%gs'];
const PREFIX_NAMES = ['', 'lock', 'repnz', 'repz', 'data16', 'addr16', 'es', 'cs', 'ss', 'ds', 'fs', 'gs', 'fwait'];

/** How branch targets are printed: objdump's `8049000 <foo+0x4>` form when a symbolizer is given. */
export interface FormatOptions {
  /** Returns `name` or `name+0xN` for an address, or undefined when no symbol covers it. */
  readonly symbolize?: (address: number) => string | undefined;
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

function signedHex(n: number): string {
  return n < 0 ? '-0x' + (-n).toString(16) : '0x' + n.toString(16);
}

const V_KINDS = new Set([
  OperandKind.Ev, OperandKind.Gv, OperandKind.Zv, OperandKind.eAX, OperandKind.Iz, OperandKind.Ibs, OperandKind.Jz,
  OperandKind.Ap, OperandKind.Mp, OperandKind.Ma, OperandKind.Ov, OperandKind.Xv, OperandKind.Yv,
]);
const BRANCH_OPS = new Set([Op.Jcc, Op.Jcxz, Op.Loop, Op.Loope, Op.Loopne]);
const BND_OPS = new Set([Op.Jcc, Op.Jmp, Op.Call, Op.Ret, Op.CallIndirect, Op.JmpIndirect]);
const INDIRECT_OPS = new Set([Op.CallIndirect, Op.JmpIndirect, Op.CallFarIndirect, Op.JmpFarIndirect]);

function usesOpSize(e: OpcodeEntry, hasMem: boolean): boolean {
  if (e.suffix === Suffix.If16 || e.suffix === Suffix.If16Mem) return true;
  if (suffixSpellsOpSize(e)) return true;
  if (!e.addrSizeMnemonic && e.mnemonic16 !== e.mnemonic) return true;
  for (const k of e.operands) {
    if (V_KINDS.has(k) || (k === OperandKind.Esw && !hasMem)) return true;
  }
  return false;
}

/** CET's `notrack`: a ds prefix on a near indirect call/jmp (printed instead of `%ds:`). */
function isNotrack(e: OpcodeEntry, i: Instruction): boolean {
  return i.segOverride === Seg.DS && (e.op === Op.CallIndirect || e.op === Op.JmpIndirect);
}

function usesSegment(e: OpcodeEntry, i: Instruction): boolean {
  if (isNotrack(e, i)) return false;
  if (i.hasMem) return true;
  if (BRANCH_OPS.has(e.op) && (i.segOverride === Seg.CS || i.segOverride === Seg.DS)) return true;
  return e.operands.some((k) => k === OperandKind.Xb || k === OperandKind.Xv || k === OperandKind.Bb);
}

function usesAddrSize(e: OpcodeEntry, i: Instruction): boolean {
  if (e.addrSizeMnemonic) return true;
  if (i.hasMem && i.modrm >= 0) return true;
  return e.operands.some((k) => k === OperandKind.Xb || k === OperandKind.Xv || k === OperandKind.Yb
    || k === OperandKind.Yv || k === OperandKind.Bb);
}

/** The prefixes objdump prints in front of the mnemonic, in byte order. */
function prefixText(i: Instruction, e: OpcodeEntry | null): string[] {
  const n = Math.min(i.prefixLength, 8);
  if (n === 0) return [];
  const codes: number[] = [];
  for (let k = 0; k < n; k++) codes.push((i.prefixSeq >>> (k * 4)) & 15);
  const used = new Array<boolean>(n).fill(false);
  const markLast = (pred: (c: number) => boolean) => {
    for (let k = n - 1; k >= 0; k--) if (pred(codes[k]!)) { used[k] = true; return; }
  };
  if (e) {
    if (usesOpSize(e, i.hasMem)) markLast((c) => c === PrefixCode.OpSize);
    if (usesAddrSize(e, i)) markLast((c) => c === PrefixCode.AddrSize);
    if (usesSegment(e, i)) markLast((c) => c >= PrefixCode.ES);
    // fwait before an x87 instruction is part of it (the decoder only takes it so).
    codes.forEach((c, k) => { if (c === PrefixCode.Wait) used[k] = true; });
  }
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const c = codes[k]!;
    // None: a mandatory prefix the decoder gave to the opcode (the row's, or the one objdump takes as it).
    if (used[k] || c === PrefixCode.None) continue;
    if (e && c === PrefixCode.Rep && e.rep === RepKind.Rep) out.push('rep');
    else if (e && c === PrefixCode.Repne && BND_OPS.has(e.op)) out.push('bnd');
    else if (e && c === PrefixCode.DS && isNotrack(e, i)) out.push('notrack');
    else out.push(PREFIX_NAMES[c]!);
  }
  return out;
}

function sizeLetter(width: number): string {
  return width === 1 ? 'b' : width === 2 ? 'w' : width === 4 ? 'l' : '';
}

function mnemonicText(i: Instruction, e: OpcodeEntry): string {
  const small = e.addrSizeMnemonic ? i.addrSize === 2 : i.opSize === 2;
  let m = small ? e.mnemonic16 : e.mnemonic;
  switch (e.suffix) {
    case Suffix.IfMem: if (i.hasMem) m += sizeLetter(i.width); break;
    case Suffix.Always: m += sizeLetter(i.width); break;
    case Suffix.If16: if (i.opSize === 2) m += 'w'; break;
    case Suffix.If16Mem: if (i.opSize === 2 && i.hasMem) m += 'w'; break;
    case Suffix.Movx: m += (e.operands[1] === OperandKind.Eb ? 'b' : 'w') + sizeLetter(i.opSize); break;
    default: break;
  }
  if (BRANCH_OPS.has(e.op)) {
    if (i.segOverride === Seg.CS) m += ',pn';
    else if (i.segOverride === Seg.DS) m += ',pt';
  }
  return m;
}

function segPrefix(i: Instruction): string {
  return i.segOverride >= 0 ? SEG[i.segOverride]! + ':' : '';
}

/** The memory operand of a modrm or moffs form. */
export function formatMemory(i: Instruction, withSegment = true): string {
  const seg = withSegment ? segPrefix(i) : '';
  if (i.modrm < 0) return seg + hex(i.memDisp);
  if (i.addrSize === 2) {
    const regs = i.memBase < 0 ? '' : `(${REG16[i.memBase]}${i.memIndex >= 0 ? ',' + REG16[i.memIndex] : ''})`;
    const disp = i.dispSize ? signedHex(i.memDisp) : '';
    return seg + disp + regs;
  }
  const showEiz = i.sib >= 0 && i.memIndex < 0 && !(i.memBase === 4 && i.memScale === 1);
  let inner = '';
  if (i.memBase >= 0 || i.memIndex >= 0 || showEiz) {
    inner = '(' + (i.memBase >= 0 ? REG32[i.memBase] : '');
    if (i.memIndex >= 0) inner += `,${REG32[i.memIndex]},${i.memScale}`;
    else if (showEiz) inner += `,%eiz,${i.memScale}`;
    inner += ')';
  }
  let disp = '';
  if (i.dispSize) disp = i.memBase < 0 && i.sib < 0 ? hex(i.memDisp) : signedHex(i.memDisp);
  return seg + disp + inner;
}

function register(kindWidth: number, n: number): string {
  return (kindWidth === 1 ? REG8 : kindWidth === 2 ? REG16 : REG32)[n]!;
}

function branchTarget(target: number, options: FormatOptions): string {
  if (!options.symbolize) return hex(target);
  // objdump prints `addr <sym+0xN>`, and a bare 0x address when no symbol names the target.
  const sym = options.symbolize(target);
  return sym ? `${target.toString(16)} <${sym}>` : hex(target);
}

function operandText(i: Instruction, e: OpcodeEntry, k: OperandKind, position: number, options: FormatOptions): string {
  const star = INDIRECT_OPS.has(e.op) ? '*' : '';
  const v = i.opSize;
  switch (k) {
    case OperandKind.Eb: return i.hasMem ? formatMemory(i) : REG8[i.rm]!;
    case OperandKind.Ew: return i.hasMem ? formatMemory(i) : REG16[i.rm]!;
    case OperandKind.Ed: return i.hasMem ? formatMemory(i) : REG32[i.rm]!;
    case OperandKind.Ev: case OperandKind.Esw: return star + (i.hasMem ? formatMemory(i, !isNotrack(e, i)) : register(v, i.rm));
    case OperandKind.M: case OperandKind.Mp: case OperandKind.Ma: case OperandKind.Mq: return star + formatMemory(i);
    case OperandKind.Gb: case OperandKind.Zb: return REG8[i.reg]!;
    case OperandKind.Gw: return REG16[i.reg]!;
    case OperandKind.Gd: case OperandKind.Zd: return REG32[i.reg]!;
    case OperandKind.Gv: case OperandKind.Zv: return register(v, i.reg);
    case OperandKind.Sw: return SEG[i.reg]!;
    case OperandKind.Ib: return '$' + hex(position > 0 && e.operands[0] === OperandKind.Iw ? i.imm2 : i.imm);
    case OperandKind.Ibs: case OperandKind.Iw: case OperandKind.Iz: return '$' + hex(i.imm);
    case OperandKind.Jb: case OperandKind.Jz: return branchTarget(i.target, options);
    case OperandKind.Ap: return `$${hex(i.imm2)},$${hex(i.imm)}`;
    case OperandKind.Ob: case OperandKind.Ov: return formatMemory(i);
    case OperandKind.AL: return '%al';
    case OperandKind.eAX: return register(v, 0);
    case OperandKind.CL: return '%cl';
    case OperandKind.DX: return '(%dx)';
    case OperandKind.One: return '';
    case OperandKind.ES: case OperandKind.CS: case OperandKind.SS: case OperandKind.DS: case OperandKind.FS: case OperandKind.GS:
      return SEG[k - OperandKind.ES]!;
    case OperandKind.Xb: case OperandKind.Xv:
      return `${SEG[i.segOverride >= 0 ? i.segOverride : Seg.DS]}:(${i.addrSize === 2 ? '%si' : '%esi'})`;
    case OperandKind.Yb: case OperandKind.Yv:
      return `%es:(${i.addrSize === 2 ? '%di' : '%edi'})`;
    case OperandKind.Bb:
      return `${SEG[i.segOverride >= 0 ? i.segOverride : Seg.DS]}:(${i.addrSize === 2 ? '%bx' : '%ebx'})`;
    case OperandKind.ST: return '%st';
    case OperandKind.STi: return `%st(${i.rm})`;
    case OperandKind.AX: return '%ax';
    case OperandKind.Mw: case OperandKind.Md: case OperandKind.Mt: case OperandKind.Me: case OperandKind.Ms: case OperandKind.Mx:
      return formatMemory(i);
  }
}

/** Opcode bytes as #UD messages and `(not covered ...)` name them: "0f 58", "d9". */
export function opcodeName(opcode: number): string {
  if (opcode < 0) return '(none)';
  const bytes: string[] = [];
  for (let v = opcode; ; v = Math.floor(v / 256)) {
    bytes.unshift((v & 0xff).toString(16).padStart(2, '0'));
    if (v < 256) break;
  }
  return bytes.join(' ');
}

/** Mnemonic and operands as objdump prints them (mnemonic padded to 6, then a space). */
export function formatAtt(i: Instruction, options: FormatOptions = {}): string {
  if (i.status === DecodeStatus.NotCovered) return `(not covered: ${opcodeName(i.opcode)})`;
  const e = i.entry;
  // objdump spells out the prefixes in front of a (bad) opcode: `lock data16 (bad)`.
  if (i.status === DecodeStatus.Invalid && i.hasMem && i.opcode >= 0xd8 && i.opcode <= 0xdf) return [...prefixText(i, null), `(bad)  ${formatMemory(i)}`].join(' ');
  if (i.status === DecodeStatus.Invalid) return [...prefixText(i, null), '(bad)'].join(' ');
  if (i.status !== DecodeStatus.Ok || !e) return '(bad)';
  if (e.undocumented) return [...prefixText(i, e), '(bad)'].join(' ');
  if (e.onlyOn) return [...prefixText(i, e), `${mnemonicText(i, e)}(${e.onlyOn} only)`].join(' ');
  const head = i.prefixLength === 0 ? mnemonicText(i, e) : [...prefixText(i, e), mnemonicText(i, e)].join(' ');
  // The operands in objdump's order: the table's reversed, unless the row says not.
  const count = e.operands.length;
  let ops = '';
  for (let n = 0; n < count; n++) {
    const k = e.operands[e.noReverse ? n : count - 1 - n]!;
    const t = operandText(i, e, k, e.operands.indexOf(k), options);
    if (t) ops = ops ? ops + ',' + t : t;
  }
  return ops ? head.padEnd(6) + ' ' + ops : head;
}

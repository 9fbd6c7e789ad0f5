// Owns turning the assembler's CFI procedures into .eh_frame and .debug_frame bytes and
// REL relocations exactly as GNU as 2.40 --32 lays them out: one CIE per distinct
// (return column, signal frame, personality, LSDA encoding, leading instructions),
// searched newest first; the leading instructions of an FDE up to its first advance,
// remember_state or escape move into a new CIE; 4-byte padding with DW_CFA_nop; no
// zero terminator (the linker's crtend provides one).
import type { AsmSection, AsmSymbol, CfiOp, CfiPointer, CfiProcedure } from '../asm/module';
import { InputError, hex } from '../errors';
import { EmitBuffer, R_386_16, R_386_32, R_386_PC16, R_386_PC32 } from './emit-buffer';
import { advanceOperation, cfaOperation, encodeCfiOp, writeCfaOperation } from './emit-cfi-ops';
import type { CfaOperation } from './types';
import type { Factors } from './rows';
import { SHF_ALLOC, SHT_PROGBITS } from '../elf/sections';

const DW_EH_PE_omit = 0xff;
/** The FDE pointer encoding GAS uses on i386: pcrel | sdata4. */
const FDE_ENCODING = 0x1b;
const CODE_ALIGNMENT = 1;
const DATA_ALIGNMENT = -4;

/** The factors of every CIE this emitter writes. */
export const FRAME_FACTORS: Factors = { codeAlignment: CODE_ALIGNMENT, dataAlignment: DATA_ALIGNMENT };

/** One entry of an FDE's instruction list as GAS keeps it: a CFI op or an advance between two addresses. */
export type CfiListItem = { readonly kind: 'advance'; readonly delta: number } | CfiOp;

interface Cie {
  readonly offset: number;
  readonly returnColumn: number;
  readonly signalFrame: boolean;
  readonly personality?: CfiPointer;
  readonly lsdaEncoding: number;
  readonly initial: readonly CfiListItem[];
}

export interface CfiEmitOptions {
  /** The module's symbols: a local personality/LSDA symbol is relocated against its section symbol. */
  readonly symbols?: readonly AsmSymbol[];
  /** Offset in the section where the emitted bytes start (when appended to existing contents). */
  readonly base?: number;
}

/**
 * Sections and relocations for the procedures that go to .eh_frame (kind 'eh') or .debug_frame.
 * Its loops are functions of their own: this runs once per object, and code after a loop here
 * (compiled on stack with the loop, before it had run) was undone and compiled again in each of
 * a process's first objects.
 */
export function emitFrameSection(procedures: readonly CfiProcedure[], kind: 'eh' | 'debug', options: CfiEmitOptions = {}): AsmSection {
  const eh = kind === 'eh';
  const out = new EmitBuffer(options.base ?? 0);
  emitProcedures(out, procedures, eh, new SymbolsByName(options.symbols ?? []));
  return {
    name: eh ? '.eh_frame' : '.debug_frame',
    type: SHT_PROGBITS,
    flags: eh ? SHF_ALLOC : 0,
    addralign: 4,
    entsize: 0,
    bytes: out.result(),
    size: out.length,
    relocations: out.relocations,
  };
}

/**
 * The module's symbols by name (the first of a name wins), the table made when first asked:
 * only a personality or LSDA pointer asks, which most objects have none of, and on a large
 * source the table of every symbol cost more than the frames it was made for.
 */
class SymbolsByName {
  private byName: Map<string, AsmSymbol> | undefined;

  constructor(private readonly list: readonly AsmSymbol[]) {}

  get(name: string): AsmSymbol | undefined {
    if (this.byName === undefined) {
      const list = this.list;
      const byName = new Map<string, AsmSymbol>();
      for (let k = 0; k < list.length; k++) if (!byName.has(list[k]!.name)) byName.set(list[k]!.name, list[k]!);
      this.byName = byName;
    }
    return this.byName.get(name);
  }
}

/** Writes each procedure's FDE (and a CIE where no earlier one fits) into `out`. */
function emitProcedures(out: EmitBuffer, procedures: readonly CfiProcedure[], eh: boolean, symbols: SymbolsByName): void {
  const cies: Cie[] = [];
  for (let k = 0; k < procedures.length; k++) {
    const proc = procedures[k]!;
    if (eh ? !proc.ehFrame : !proc.debugFrame) continue;
    const list = instructionList(proc);
    const chosen = selectCie(cies, proc, list, eh);
    let cie = chosen?.cie;
    let first = chosen?.first ?? 0;
    if (!cie) {
      first = cieLength(list);
      cie = {
        offset: out.offset,
        returnColumn: proc.returnColumn,
        signalFrame: proc.signalFrame,
        personality: eh ? proc.personality : undefined,
        lsdaEncoding: eh ? proc.lsda?.encoding ?? DW_EH_PE_omit : DW_EH_PE_omit,
        initial: list.slice(0, first),
      };
      cies.unshift(cie);
      writeCie(out, cie, eh, proc, symbols);
    }
    writeFde(out, cie, proc, list.slice(first), eh, symbols);
  }
}

/** The procedure's instructions with the advances GAS inserts (the default CIE rules first unless `simple`). */
export function instructionList(proc: CfiProcedure): CfiListItem[] {
  const list: CfiListItem[] = [];
  if (!proc.simple) {
    list.push({ kind: 'def_cfa', register: 4, offset: 4 });
    list.push({ kind: 'offset', register: 8, offset: -4 });
  }
  let last = proc.start;
  for (const insn of proc.instructions) {
    if (insn.offset < last || insn.offset > proc.end) {
      throw new InputError(insn.location.file, `line ${insn.location.line}`, `CFI instruction at ${hex(insn.offset)} is outside its procedure (${hex(last)}..${hex(proc.end)}) or out of order`);
    }
    if (insn.offset !== last) list.push({ kind: 'advance', delta: insn.offset - last });
    last = insn.offset;
    list.push(insn.op);
  }
  return list;
}

/** True for the items that end the part of an FDE's list a CIE may take. */
function breaksCie(item: CfiListItem): boolean {
  return item.kind === 'advance' || item.kind === 'remember_state' || item.kind === 'escape' || item.kind === 'gnu_args_size';
}

function cieLength(list: readonly CfiListItem[]): number {
  const i = list.findIndex(breaksCie);
  return i < 0 ? list.length : i;
}

function sameItem(a: CfiListItem, b: CfiListItem): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'def_cfa':
    case 'offset':
    case 'val_offset': {
      const o = b as typeof a;
      return a.register === o.register && a.offset === o.offset;
    }
    case 'register':
      return a.register === (b as typeof a).register && a.register2 === (b as typeof a).register2;
    case 'def_cfa_register':
    case 'restore':
    case 'undefined':
    case 'same_value':
      return a.register === (b as typeof a).register;
    case 'def_cfa_offset':
      return a.offset === (b as typeof a).offset;
    case 'restore_state':
      return true;
    default:
      return false;
  }
}

function samePointer(a: CfiPointer | undefined, b: CfiPointer | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.encoding === b.encoding && a.symbol === b.symbol;
}

/**
 * GAS's search: the newest CIE whose attributes match and whose whole list is a prefix of
 * the FDE's (.debug_frame CIEs carry no personality or LSDA, so those do not count there).
 */
function selectCie(cies: readonly Cie[], proc: CfiProcedure, list: readonly CfiListItem[], eh: boolean): { cie: Cie; first: number } | undefined {
  const lsdaEncoding = eh ? proc.lsda?.encoding ?? DW_EH_PE_omit : DW_EH_PE_omit;
  for (const cie of cies) {
    if (cie.returnColumn !== proc.returnColumn || cie.signalFrame !== proc.signalFrame || cie.lsdaEncoding !== lsdaEncoding) continue;
    if (!samePointer(cie.personality, eh ? proc.personality : undefined)) continue;
    let j = 0;
    let matched = true;
    for (const item of list) {
      if (j === cie.initial.length) break;
      if (breaksCie(item) || !sameItem(item, cie.initial[j]!)) {
        matched = false;
        break;
      }
      j++;
    }
    if (matched && j === cie.initial.length) return { cie, first: j };
  }
  return undefined;
}

/** Size in bytes of a pointer in this DW_EH_PE encoding (GAS accepts absptr, 2, 4 and 8 byte forms). */
function pointerSize(p: CfiPointer, where: CfiProcedure): number {
  switch (p.encoding & 0x07) {
    case 0: return 4;
    case 2: return 2;
    case 3: return 4;
    default:
      throw new InputError(where.location.file, `line ${where.location.line}`, `unsupported pointer encoding ${hex(p.encoding)} for ${p.symbol} (i386 objects take 2 or 4 byte pointers)`);
  }
}

/** Writes an encoded personality/LSDA pointer with its relocation (pcrel when the encoding says so). */
function writePointer(out: EmitBuffer, p: CfiPointer, size: number, symbols: SymbolsByName): void {
  const pcrel = (p.encoding & 0x70) === 0x10;
  const type = size === 2 ? (pcrel ? R_386_PC16 : R_386_16) : pcrel ? R_386_PC32 : R_386_32;
  const sym = symbols.get(p.symbol);
  const local = sym && sym.binding === 'local' && sym.section !== 'UND' && sym.section !== 'ABS' && sym.section !== 'COMMON';
  if (local) out.relocate(type, sym.section, true);
  else out.relocate(type, p.symbol, false);
  out.sized(local ? sym.value : 0, size);
}

function writeCie(out: EmitBuffer, cie: Cie, eh: boolean, proc: CfiProcedure, symbols: SymbolsByName): void {
  const start = out.offset;
  out.u32(0);
  out.u32(eh ? 0 : 0xffffffff);
  out.u8(1);
  if (eh) {
    out.u8(0x7a);
    if (cie.personality) out.u8(0x50);
    if (cie.lsdaEncoding !== DW_EH_PE_omit) out.u8(0x4c);
    out.u8(0x52);
  }
  if (cie.signalFrame) out.u8(0x53);
  out.u8(0);
  out.uleb(CODE_ALIGNMENT);
  out.sleb(DATA_ALIGNMENT);
  out.u8(cie.returnColumn);
  if (eh) {
    const personalitySize = cie.personality ? pointerSize(cie.personality, proc) : 0;
    out.uleb(1 + (cie.personality ? 1 + personalitySize : 0) + (cie.lsdaEncoding !== DW_EH_PE_omit ? 1 : 0));
    if (cie.personality) {
      out.u8(cie.personality.encoding);
      writePointer(out, cie.personality, personalitySize, symbols);
    }
    if (cie.lsdaEncoding !== DW_EH_PE_omit) out.u8(cie.lsdaEncoding);
    out.u8(FDE_ENCODING);
  }
  for (const item of cie.initial) writeItem(out, item);
  out.align(4, 0);
  out.patch32(start, out.offset - start - 4);
}

function writeFde(out: EmitBuffer, cie: Cie, proc: CfiProcedure, list: readonly CfiListItem[], eh: boolean, symbols: SymbolsByName): void {
  const start = out.offset;
  out.u32(0);
  if (eh) {
    out.u32(out.offset - cie.offset);
    out.relocate(R_386_PC32, proc.section, true);
  } else {
    out.relocate(R_386_32, '.debug_frame', true);
    out.u32(cie.offset);
    out.relocate(R_386_32, proc.section, true);
  }
  out.u32(proc.start);
  out.u32(proc.end - proc.start);
  if (eh) {
    const lsdaSize = proc.lsda ? pointerSize(proc.lsda, proc) : 0;
    out.uleb(lsdaSize);
    if (proc.lsda) writePointer(out, proc.lsda, lsdaSize, symbols);
  }
  for (const item of list) writeItem(out, item);
  out.align(4, 0);
  out.patch32(start, out.offset - start - 4);
}

function writeItem(out: EmitBuffer, item: CfiListItem): void {
  if (item.kind !== 'advance') encodeCfiOp(out, item, DATA_ALIGNMENT);
  else if (item.delta !== 0) writeCfaOperation(out, advanceOperation(item.delta / CODE_ALIGNMENT));
}

/** Beyond these, what the bytes say is left to the bytes (a register the reader refuses, a number the writer wraps). */
const MAX_REGISTER = 0xffff;
const MAX_NUMBER = 0x7fffffff;

/**
 * What the .eh_frame of this procedure alone decodes to, without writing it: its CIE's
 * initial instructions and its FDE's (the DW_CFA_nop padding left out), with FRAME_FACTORS.
 * Undefined when only the bytes can say it: an escape's bytes, a register or a number past
 * what the writer and the reader keep as they are. Throws as emitFrameSection does on CFI
 * out of order and on a pointer encoding it cannot write.
 */
export function frameInstructions(proc: CfiProcedure): { readonly cie: CfaOperation[]; readonly fde: CfaOperation[] } | undefined {
  if (proc.end - proc.start < 0 || proc.end - proc.start > MAX_NUMBER) return undefined;
  // The pointers' encodings are checked as writing them would.
  if (proc.personality) pointerSize(proc.personality, proc);
  if (proc.lsda) pointerSize(proc.lsda, proc);
  const list = instructionList(proc);
  const first = cieLength(list);
  const cie: CfaOperation[] = [];
  const fde: CfaOperation[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    let insn: CfaOperation;
    if (item.kind === 'advance') {
      if (item.delta > MAX_NUMBER) return undefined;
      insn = advanceOperation(item.delta / CODE_ALIGNMENT);
    } else {
      if (item.kind === 'escape' || !keptAsWritten(item)) return undefined;
      insn = cfaOperation(item, DATA_ALIGNMENT);
    }
    (i < first ? cie : fde).push(insn);
  }
  return { cie, fde };
}

/** Whether the op's register and numbers are ones the writer and the reader keep as they are. */
function keptAsWritten(op: Exclude<CfiOp, { readonly kind: 'escape' }>): boolean {
  const register = (r: number) => Number.isInteger(r) && r >= 0 && r <= MAX_REGISTER;
  const number = (n: number) => Number.isInteger(n) && Math.abs(n) <= MAX_NUMBER;
  switch (op.kind) {
    case 'def_cfa': case 'offset': case 'val_offset':
      return register(op.register) && number(op.offset);
    case 'def_cfa_offset':
      return number(op.offset);
    case 'register':
      return register(op.register) && register(op.register2);
    case 'def_cfa_register': case 'restore': case 'undefined': case 'same_value':
      return register(op.register);
    case 'gnu_args_size':
      return op.size >= 0 && number(op.size);
    case 'remember_state': case 'restore_state':
      return true;
  }
}

// Owns the .cfi_* directives: collects each .cfi_startproc ... .cfi_endproc into a
// procedure record with GAS's conversions (adjust_cfa_offset becomes def_cfa_offset with the
// running offset, rel_offset becomes offset from the CFA; remember/restore_state also keep
// the running offset), register names as GAS reads them, and .cfi_sections.
import type { CfiOp, CfiPointer } from './module';
import { fixedSize, type Frag } from './layout';
import { AsmError, type AsmState } from './state';
import { operandTexts } from './strings';
import type { Handler } from './data-directives';
import { ChunkedList } from '../chunked-list';
import { grown } from '../grown';
import { markUsed } from './symbol-table';

/** i386 DWARF register numbers by name (psABI), as .cfi_* accepts them with or without %. */
const DWARF_REGISTERS: Readonly<Record<string, number>> = {
  eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7, eip: 8, eflags: 9,
  st0: 11, st1: 12, st2: 13, st3: 14, st4: 15, st5: 16, st6: 17, st7: 18,
  xmm0: 21, xmm1: 22, xmm2: 23, xmm3: 24, xmm4: 25, xmm5: 26, xmm6: 27, xmm7: 28,
  mm0: 29, mm1: 30, mm2: 31, mm3: 32, mm4: 33, mm5: 34, mm6: 35, mm7: 36,
  fcw: 37, fsw: 38, mxcsr: 39, es: 40, cs: 41, ss: 42, ds: 43, fs: 44, gs: 45, tr: 48, ldtr: 49,
};

/**
 * The CFI instructions of every procedure, in the order read, as columns: a frag and an offset
 * in it, the op, and the directive's statement (places.ts; its location is made with the
 * module). A procedure's are the rows from its `firstRow` to its `endRow`. Columns, not an
 * object per instruction: every one lives to the end of the assembly, and each object alive
 * is one more for the collector to copy while reading goes on.
 */
export class CfiRows {
  readonly frags = new ChunkedList<Frag>();
  /** Offsets and places in typed arrays: no backing store of the collector's to copy as they grow. */
  offsets = new Int32Array(256);
  readonly ops = new ChunkedList<CfiOp>();
  places = new Int32Array(256);

  get count(): number {
    return this.ops.length;
  }

  add(frag: Frag, offset: number, op: CfiOp, place: number): void {
    const k = this.ops.length;
    if (k === this.offsets.length) {
      this.offsets = grown(this.offsets, 2 * k);
      this.places = grown(this.places, 2 * k);
    }
    this.offsets[k] = offset;
    this.places[k] = place;
    this.frags.push(frag);
    this.ops.push(op);
  }
}

export interface PendingProcedure {
  readonly startFrag: Frag;
  readonly startOffset: number;
  endFrag?: Frag;
  endOffset: number;
  readonly section: string;
  readonly simple: boolean;
  signalFrame: boolean;
  returnColumn: number;
  personality?: CfiPointer;
  lsda?: CfiPointer;
  /** Its instructions among the CfiState's rows: from firstRow, to endRow once it is closed. */
  readonly firstRow: number;
  endRow: number;
  ehFrame: boolean;
  debugFrame: boolean;
  readonly place: number;
}

/** The CFI state of one assembly: the open procedure, the finished ones, .cfi_sections. */
export class CfiState {
  open: PendingProcedure | undefined;
  /**
   * The open procedure's CFA offset and the offsets .cfi_remember_state kept (made on its first
   * use): here, not in each procedure, which is kept to the end of the assembly (one a function
   * on the bench's source) while these are read only until its .cfi_endproc.
   */
  cfaOffset = 0;
  remembered: number[] | undefined;
  readonly done = new ChunkedList<PendingProcedure>();
  readonly rows = new CfiRows();
  ehFrame = true;
  debugFrame = false;
}

export function dwarfRegister(text: string): number {
  // The common spelling (a register number, as compilers write it) read without a copy.
  const number = smallDecimal(text);
  if (number >= 0) return number;
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const name = t.replace(/^%/, '').toLowerCase();
  const n = DWARF_REGISTERS[name];
  if (n === undefined) throw new AsmError(`bad register expression`);
  return n;
}

function proc(st: AsmState, cfi: CfiState): PendingProcedure {
  if (!cfi.open) throw new AsmError('CFI instruction used without previous .cfi_startproc');
  void st;
  return cfi.open;
}

function add(st: AsmState, cfi: CfiState, op: CfiOp): void {
  proc(st, cfi);
  const frag = st.frag();
  cfi.rows.add(frag, fixedSize(frag), op, st.where);
}

/**
 * Ops of the common kinds with small operands, made once per distinct value (ops are never
 * changed once made, and every function's prologue repeats the same few): by a number that
 * spells kind, register and offset. Bounded: the table starts again when full.
 */
const internedOps = new Map<number, CfiOp>();
const INTERNED_KINDS = ['def_cfa', 'def_cfa_register', 'def_cfa_offset', 'offset'] as const;

function registerOffsetOp(kind: (typeof INTERNED_KINDS)[number], register: number, offset: number): CfiOp {
  if (!(offset >= -2048 && offset < 2048 && register >= 0 && register < 256)) return makeOp(kind, register, offset);
  const key = (((INTERNED_KINDS.indexOf(kind) << 8) | register) << 12) | (offset + 2048);
  let op = internedOps.get(key);
  if (op === undefined) {
    if (internedOps.size >= 4096) internedOps.clear();
    internedOps.set(key, (op = makeOp(kind, register, offset)));
  }
  return op;
}

function makeOp(kind: (typeof INTERNED_KINDS)[number], register: number, offset: number): CfiOp {
  switch (kind) {
    case 'def_cfa': return { kind, register, offset };
    case 'def_cfa_register': return { kind, register };
    case 'def_cfa_offset': return { kind, offset };
    case 'offset': return { kind, register, offset };
  }
}

/** `text`'s value when it is decimal digits alone (at most six, no sign or space), else -1. */
function smallDecimal(text: string): number {
  const n = text.length;
  if (n === 0 || n > 6) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

function args(operands: string, n: number, directive: string): string[] {
  const parts = operandTexts(operands);
  if (parts.length < n || parts.includes('')) throw new AsmError(`missing or bad operands for ${directive}`);
  return parts;
}

function num(st: AsmState, text: string): number {
  return Number(st.absolute(text));
}

function pointer(st: AsmState, operands: string, directive: string): CfiPointer | undefined {
  const parts = args(operands, 1, directive);
  const encoding = num(st, parts[0]!);
  if (encoding === 0xff) return undefined;
  if ((encoding & 0x70) > 0x30 || ![0, 2, 3, 4, 0x0a, 0x0b, 0x0c].includes(encoding & 0x0f)) {
    throw new AsmError(`invalid or unsupported encoding in ${directive}`);
  }
  if (parts.length < 2) throw new AsmError(`.cfi_${directive.replace('.cfi_', '')} requires a symbol`);
  const s = st.symbols.get(parts[1]!, st.where);
  markUsed(s);
  return { encoding, symbol: parts[1]! };
}

export function cfiDirectives(cfi: CfiState): ReadonlyMap<string, Handler> {
  const regOnly = (kind: 'restore' | 'undefined' | 'same_value'): Handler => (st, operands) => {
    for (const r of args(operands, 1, `.cfi_${kind}`)) add(st, cfi, { kind, register: dwarfRegister(r) });
  };
  return new Map<string, Handler>([
    ['.cfi_startproc', (st, operands) => {
      if (cfi.open) throw new AsmError('previous CFI entry not closed (missing .cfi_endproc)');
      const simple = operands.trim() === 'simple';
      if (operands.trim() !== '' && !simple) throw new AsmError(`junk at end of line, first unrecognized character is \`${operands.trim()[0]}'`);
      const { frag, offset } = st.here();
      cfi.open = {
        startFrag: frag, startOffset: offset, endOffset: 0, section: st.current.section.name, simple,
        signalFrame: false, returnColumn: 8, firstRow: cfi.rows.count, endRow: cfi.rows.count, ehFrame: cfi.ehFrame, debugFrame: cfi.debugFrame,
        place: st.where,
      };
      cfi.cfaOffset = simple ? 0 : 4;
      cfi.remembered = undefined;
    }],
    ['.cfi_endproc', (st) => {
      if (!cfi.open) throw new AsmError('.cfi_endproc without corresponding .cfi_startproc');
      const p = proc(st, cfi);
      const { frag, offset } = st.here();
      p.endFrag = frag;
      p.endOffset = offset;
      p.endRow = cfi.rows.count;
      p.ehFrame = cfi.ehFrame;
      p.debugFrame = cfi.debugFrame;
      cfi.done.push(p);
      cfi.open = undefined;
    }],
    ['.cfi_def_cfa', (st, operands) => {
      const [r, o] = args(operands, 2, '.cfi_def_cfa');
      const offset = num(st, o!);
      add(st, cfi, registerOffsetOp('def_cfa', dwarfRegister(r!), offset));
      cfi.cfaOffset = offset;
    }],
    ['.cfi_def_cfa_register', (st, operands) => {
      add(st, cfi, registerOffsetOp('def_cfa_register', dwarfRegister(args(operands, 1, '.cfi_def_cfa_register')[0]!), 0));
    }],
    ['.cfi_def_cfa_offset', (st, operands) => {
      const offset = num(st, args(operands, 1, '.cfi_def_cfa_offset')[0]!);
      add(st, cfi, registerOffsetOp('def_cfa_offset', 0, offset));
      cfi.cfaOffset = offset;
    }],
    ['.cfi_adjust_cfa_offset', (st, operands) => {
      proc(st, cfi);
      const offset = cfi.cfaOffset + num(st, args(operands, 1, '.cfi_adjust_cfa_offset')[0]!);
      add(st, cfi, registerOffsetOp('def_cfa_offset', 0, offset));
      cfi.cfaOffset = offset;
    }],
    ['.cfi_offset', (st, operands) => {
      const [r, o] = args(operands, 2, '.cfi_offset');
      add(st, cfi, registerOffsetOp('offset', dwarfRegister(r!), num(st, o!)));
    }],
    ['.cfi_rel_offset', (st, operands) => {
      const [r, o] = args(operands, 2, '.cfi_rel_offset');
      const register = dwarfRegister(r!);
      const offset = num(st, o!);
      proc(st, cfi);
      add(st, cfi, { kind: 'offset', register, offset: offset - cfi.cfaOffset });
    }],
    ['.cfi_val_offset', (st, operands) => {
      const [r, o] = args(operands, 2, '.cfi_val_offset');
      add(st, cfi, { kind: 'val_offset', register: dwarfRegister(r!), offset: num(st, o!) });
    }],
    ['.cfi_register', (st, operands) => {
      const [r, r2] = args(operands, 2, '.cfi_register');
      add(st, cfi, { kind: 'register', register: dwarfRegister(r!), register2: dwarfRegister(r2!) });
    }],
    ['.cfi_restore', regOnly('restore')],
    ['.cfi_undefined', regOnly('undefined')],
    ['.cfi_same_value', regOnly('same_value')],
    ['.cfi_remember_state', (st) => {
      add(st, cfi, { kind: 'remember_state' });
      (cfi.remembered ??= []).push(cfi.cfaOffset);
    }],
    ['.cfi_restore_state', (st) => {
      proc(st, cfi);
      add(st, cfi, { kind: 'restore_state' });
      const back = cfi.remembered?.pop();
      if (back !== undefined) cfi.cfaOffset = back;
    }],
    ['.cfi_return_column', (st, operands) => {
      proc(st, cfi).returnColumn = dwarfRegister(args(operands, 1, '.cfi_return_column')[0]!);
    }],
    ['.cfi_signal_frame', (st) => {
      proc(st, cfi).signalFrame = true;
    }],
    ['.cfi_escape', (st, operands) => {
      const bytes = args(operands, 1, '.cfi_escape').map((t) => Number(BigInt.asUintN(8, st.absolute(t))));
      add(st, cfi, { kind: 'escape', bytes: new Uint8Array(bytes) });
    }],
    ['.cfi_gnu_args_size', (st, operands) => {
      add(st, cfi, { kind: 'gnu_args_size', size: num(st, args(operands, 1, '.cfi_gnu_args_size')[0]!) });
    }],
    ['.cfi_personality', (st, operands) => {
      proc(st, cfi).personality = pointer(st, operands, '.cfi_personality');
    }],
    ['.cfi_lsda', (st, operands) => {
      proc(st, cfi).lsda = pointer(st, operands, '.cfi_lsda');
    }],
    ['.cfi_label', (st, operands) => {
      st.defineLabel(args(operands, 1, '.cfi_label')[0]!);
    }],
    ['.cfi_sections', (st, operands) => {
      cfi.ehFrame = false;
      cfi.debugFrame = false;
      for (const s of args(operands, 1, '.cfi_sections')) {
        if (s === '.eh_frame') cfi.ehFrame = true;
        else if (s === '.debug_frame') cfi.debugFrame = true;
        else if (s !== '.sframe') throw new AsmError('expected .eh_frame or .debug_frame');
      }
      void st;
    }],
  ]);
}

// Owns the end of an assembly: relaxation (branches grow from short to near, alignments,
// LEB128s, .org and late .space settle, repeated until no size changes), then writing every
// variable part, resolving every fixup to bytes or a REL relocation as GNU as decides, and
// building the AsmModule (sections, symbols, line entries, CFI procedures, alternatives).
import { isAbsolute, labelAddress, operatorMessage, smallValue, type Value } from './evaluate';
import type { Expr } from './expr';
import { lebBytes } from './data-directives';
import { smallCount } from './count-program';
import { SHT_NOBITS } from '../elf/sections';
import { copyFrag, fixedSize, fixupsEnd, fragSize, ByteStream, layoutSection, orderedFrags, type Frag, type SectionState } from './layout';
import { FixupColumns, fixupSize, isLate, isPcrel, isSigned, pcBias, relocTypeOf, resolvesGlobal } from './fixups';
import type { AlternativeSite, AsmModule, AsmSection, AsmSymbol, InstructionEntries, LineEntry, NumericReference, Relocation, SourceLocation, SymbolBinding } from './module';
import { codePadding, MAX_SINGLE_NOP } from './nops';
import { ALT_LAYOUTS, altFields, ftFlagsOf, type AltLayout } from './alt-instr';
import { AsmError, FILL_NOT_ABSOLUTE, type AsmState } from './state';
import type { CfiState } from './cfi-directives';
import { cfiProcedures } from './cfi-output';
import { displayName, isInternal, isUsed, markUsed, type SymbolState } from './symbol-table';
import { NO_PLACE, type Places } from './places';
import type { PendingLines } from './pending-lines';
import type { NumericReferenceColumns } from './numeric-references';
import { objectList } from '../object-list';
import { ChunkedList } from '../chunked-list';

const MAX_PASSES = 200;

/** What each fixup of .altinstructions evaluated to, by its address there, and the statement that made it (alternativeSites reads them back). */
type AltValues = Map<number, { value: Value; place: number }>;

/**
 * The fixups of the relaxed branches materialize converted and could not resolve itself, one
 * each, in the order of their frags (section by section, as sectionOut walks them): `next` is
 * the first row sectionOut has not reached.
 */
interface ConvertedBranches {
  readonly fixups: FixupColumns;
  readonly frags: Frag[];
  next: number;
}

const SUFFIX_RELOCS: Readonly<Record<string, number>> = {
  GOT: 3, PLT: 4, GOTOFF: 9, GOTPC: 10, TLSGD: 18, TLSLDM: 19, TLSLDO: 32, GOTTPOFF: 15, INDNTPOFF: 14,
  NTPOFF: 37, TPOFF: 37, DTPOFF: 35, GOTNTPOFF: 16,
};

function value(st: AsmState, expr: import('./expr').Expr): Value {
  return st.evaluate(expr);
}

function isLocalDefined(s: SymbolState | undefined): boolean {
  return s !== undefined && s.state === 'label' && (s.attrs.binding === undefined || s.attrs.binding === 'local');
}

/**
 * Where a relaxation pass stands (GNU as's relax_segment): frags before `index` have their
 * addresses of this pass, the rest still those of the last; `stretch` is how far this pass
 * has moved the current frag; a region ends at each alignment or .org.
 */
interface PassPosition {
  readonly frags: readonly Frag[];
  /** Each frag's index in `frags`: made when a pass first has a stretch to apply (many never do). */
  order: ReadonlyMap<Frag, number> | undefined;
  readonly regions: readonly number[];
  index: number;
  stretch: number;
}

/**
 * A branch target's address as GNU as takes it during a pass: a label in a frag this pass has
 * not reached yet is assumed to move by the stretch so far, unless an alignment or .org lies
 * between (it may absorb the stretch); then a forward target that the stale address would put
 * behind the branch keeps the branch's size for this pass (undefined).
 */
function passTarget(pos: PassPosition | undefined, targetFrag: Frag, target: number, at: number): number | undefined {
  if (pos === undefined || pos.stretch === 0) return target;
  const j = (pos.order ??= fragOrder(pos.frags)).get(targetFrag);
  if (j === undefined || j <= pos.index) return target;
  if (pos.stretch < 0 || pos.regions[j] === pos.regions[pos.index]) return target + pos.stretch;
  return target < at ? undefined : target;
}

/** The size a variable part has with the current addresses. */
function variableSize(st: AsmState, f: Frag, pos?: PassPosition): number {
  const v = f.variable!;
  const at = f.address + fixedSize(f);
  switch (v.kind) {
    case 'align': {
      const pad = (v.alignment - (at % v.alignment)) % v.alignment;
      return v.max && pad > v.max ? 0 : pad;
    }
    case 'branch': {
      if (v.isNear) return v.forms.near.bytes.length;
      // Most targets are a label named alone: its value is the label itself (as evaluate
      // finds it), taken without an evaluation in every pass.
      const label = labelNamed(v.target);
      const t = label === undefined ? value(st, v.target) : undefined;
      const sym = label ?? (t!.sub || t!.reloc ? undefined : t!.sym);
      if (sym && sym.state === 'label' && sym.attrs.binding !== 'weak' && sym.frag!.section === f.section) {
        const target = passTarget(pos, sym.frag as Frag, labelAddress(sym) + (t === undefined ? 0 : Number(t.add)), at);
        if (target === undefined) return f.varSize;
        const disp = target - (at + v.forms.short.bytes.length);
        if (disp >= -128 && disp <= 127) return v.forms.short.bytes.length;
      }
      v.isNear = true;
      return v.forms.near.bytes.length;
    }
    case 'leb': {
      let r: Value;
      try {
        r = value(st, v.expr);
      } catch (e) {
        // The message is given when the field is written (GNU as's, at the end).
        if (!(e instanceof AsmError)) throw e;
        return 1;
      }
      const n = lebValue(r);
      return n === undefined ? 1 : lebBytes(n, v.signed).length;
    }
    case 'org': {
      const r = value(st, v.expr);
      const target = r.sym ? labelAddress(r.sym) + Number(r.add) : Number(r.add);
      return Math.max(0, target - at);
    }
    case 'nops':
      return Math.max(0, v.size);
    case 'space': {
      const small = v.small === undefined ? smallValue(v.count) : smallCount(v.small);
      if (!Number.isNaN(small)) return Math.max(0, Math.min(small, 1 << 28));
      const r = value(st, v.count);
      return isAbsolute(r) ? Math.max(0, Math.min(Number(r.add), 1 << 28)) : 0;
    }
  }
}

/** The label a bound expression names alone, with no @suffix (its value is the label plus 0), else undefined. */
function labelNamed(e: Expr): SymbolState | undefined {
  return e.kind === 'symbol' && e.reloc === undefined && e.bound !== undefined && e.bound.state === 'label' ? e.bound : undefined;
}

function fragOrder(frags: readonly Frag[]): Map<Frag, number> {
  const order = new Map<Frag, number>();
  for (let k = 0; k < frags.length; k++) order.set(frags[k]!, k);
  return order;
}

/** Each frag's region: a new one begins after every alignment or .org (GNU as's relax_segment). */
function fragRegions(frags: readonly Frag[]): number[] {
  const regions: number[] = new Array(frags.length);
  let region = 0;
  for (let k = 0; k < frags.length; k++) {
    regions[k] = region;
    const kind = frags[k]!.variable?.kind;
    if (kind === 'align' || kind === 'org') region++;
  }
  return regions;
}

function relax(st: AsmState): void {
  // A section's frags, their order and their regions stay the same through every pass (no
  // frag is made and no variable part changes kind while relaxing): found once.
  const positions: PassPosition[] = [];
  // Laid out once, from the sizes reading left: a pass lays its section out as it goes (each
  // frag's address is the sizes before it, this pass's), so the next pass, and the code after
  // the last one, find every section laid out already.
  layoutSections(st);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (let i = 0; i < st.sections.length; i++) {
      const frags = orderedFrags(st.sections[i]!);
      if (relaxSection(st, frags, (positions[i] ??= passPosition(frags)))) changed = true;
    }
    if (!changed) return;
  }
  st.error('relaxation did not settle (oscillating .org/.space/.uleb128?)');
}

/** GNU as's warning for a `.nops` of negative size, which it gives when it has sized the frags (before it writes them). */
function negativeNops(st: AsmState): void {
  const saved = st.location;
  for (const s of st.sections) {
    for (const f of orderedFrags(s)) {
      const v = f.variable;
      if (v === undefined || v.kind !== 'nops' || v.size >= 0) continue;
      st.location = st.locationOf(v.place);
      st.warning('.space, .nops or .fill with negative value, ignored');
    }
  }
  st.location = saved;
}

function passPosition(frags: readonly Frag[]): PassPosition {
  return { frags, order: undefined, regions: fragRegions(frags), index: 0, stretch: 0 };
}

/**
 * One pass over a section's frags; true when a variable part changed size. The loop over the
 * frags is a function of its own, called per section and pass: in `relax` (once per
 * assembly) it was compiled on stack before the code around it had run, and undone there in
 * the third assembly of a process (--trace-deopt: insufficient feedback in relax).
 */
function relaxSection(st: AsmState, frags: readonly Frag[], pos: PassPosition): boolean {
  let changed = false;
  // Addresses move as sizes change within the pass (GNU as's stretch), so a chain of
  // alignments after padding settles in one pass instead of one pass per link.
  let address = 0;
  for (let k = 0; k < frags.length; k++) {
    const f = frags[k]!;
    pos.index = k;
    pos.stretch = address - f.address;
    f.address = address;
    if (f.variable) {
      let size: number;
      try {
        size = variableSize(st, f, pos);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        size = f.varSize;
      }
      if (size !== f.varSize) {
        f.varSize = size;
        changed = true;
      }
    }
    address += fragSize(f);
  }
  return changed;
}

/** Turns each variable part into bytes (and a fixup for a branch's displacement). */
/**
 * Writes the displacement of a relaxed branch to a label of its own section into its tail, as
 * `resolve` resolves the fixup it would otherwise make (the common branch: a relaxed branch's
 * fixup resolves globals of the section too, weak ones aside), and says whether it did. Such a
 * fixup never becomes a relocation nor an error, and the addresses are final here; making it
 * (an object and a list per branch frag, kept to the end of the assembly) was a cost that grew
 * with the input's kept heap. Not in .altinstructions, whose fixups' values are recorded.
 */
function branchResolved(f: Frag, target: Expr, form: { readonly bytes: ArrayLike<number>; readonly dispOffset: number; readonly dispSize: number }, base: number, n: number, tails: ByteStream, at: number): boolean {
  if (form.dispOffset + form.dispSize > n || f.section.name === '.altinstructions') return false;
  const label = labelNamed(target);
  if (label === undefined || label.frag!.section !== f.section || !(isLocalDefined(label) || label.attrs.binding !== 'weak')) return false;
  const x = labelAddress(label) - (f.address + base + form.bytes.length);
  for (let i = 0; i < form.dispSize; i++) tails.put(at + form.dispOffset + i, (x >>> (8 * i)) & 0xff);
  return true;
}

/** The most bytes one variable part (.org, .space, alignment) may produce: a bound on hostile input. */
const MAX_VARIABLE_BYTES = 1 << 24;

function materialize(st: AsmState, f: Frag, tails: ByteStream, converted: ConvertedBranches): void {
  const v = f.variable;
  if (!v) return;
  const base = fixedSize(f);
  let n = f.varSize;
  if (n > MAX_VARIABLE_BYTES) {
    const saved = st.location;
    st.location = st.locationOf(v.place);
    st.error(`${n} bytes of padding or fill is more than the ${MAX_VARIABLE_BYTES} vdso-lab allows`);
    st.location = saved;
    n = 0;
  }
  // Every tail goes into one stream (no object per frag); it starts as zeros.
  const at = tails.length;
  tails.fill(n, 0);
  const saved = st.location;
  try {
    switch (v.kind) {
      case 'align':
        if (v.fill === 'nop') tails.write(at, codePadding(n), n);
        else {
          if (n % v.fill.length !== 0) st.error(`alignment padding (${n} bytes) not a multiple of ${v.fill.length}`, st.locationOf(v.place));
          for (let i = 0; i < n; i++) tails.put(at + i, v.fill[i % v.fill.length]!);
        }
        break;
      case 'branch': {
        const form = v.isNear ? v.forms.near : v.forms.short;
        tails.write(at, form.bytes, n);
        // GAS makes a relaxed branch's fixup when it converts the frag, after reading: its
        // relocation follows every one made while reading, in address order.
        const seq = st.nextSeq();
        if (branchResolved(f, v.target, form, base, n, tails, at)) break;
        converted.fixups.add(base + form.dispOffset, {
          size: form.dispSize, expr: v.target, pcrel: true, pcBias: form.bytes.length - form.dispOffset,
          relocType: form.relocType, signed: form.dispSize === 1, place: v.place, resolveGlobal: true,
        }, seq);
        converted.frags.push(f);
        break;
      }
      case 'leb': {
        st.location = st.locationOf(v.place);
        const r = value(st, v.expr);
        const x = lebValue(r);
        if (x === undefined) {
          if (r.sym !== undefined && r.sub === undefined) throw new AsmError(`leb128 operand is an undefined symbol: ${displayName(r.sym.name)}`);
          throw new AsmError(operatorMessage('-', r, undefined));
        }
        tails.write(at, lebBytes(x, v.signed), n);
        break;
      }
      case 'org': {
        st.location = st.locationOf(v.place);
        const r = value(st, v.expr);
        const target = r.sym ? labelAddress(r.sym) + Number(r.add) : Number(r.add);
        if (target < f.address + base) st.error('attempt to move .org backwards');
        tails.fillAt(at, n, v.fill);
        break;
      }
      case 'nops':
        st.location = st.locationOf(v.place);
        if (v.size >= 0 && v.limit > MAX_SINGLE_NOP) st.error(`invalid single nop size: ${v.limit} (expect within [0, ${MAX_SINGLE_NOP}])`);
        else tails.write(at, codePadding(n, v.limit || MAX_SINGLE_NOP), n);
        break;
      case 'space':
        st.location = st.locationOf(v.place);
        if (Number.isNaN(v.small === undefined ? smallValue(v.count) : smallCount(v.small)) && !isAbsolute(value(st, v.count))) st.error(FILL_NOT_ABSOLUTE);
        tails.fillAt(at, n, v.fill);
        break;
    }
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    st.error(e.message);
  } finally {
    st.location = saved;
  }
  f.variable = undefined;
  f.varSize = n;
}

function writeLittle(bytes: Uint8Array, at: number, size: number, v: bigint): void {
  if (size <= 4) {
    // The low 32 bits are all a field of 4 bytes or fewer holds: one conversion, no BigInt per byte.
    const x = Number(BigInt.asUintN(32, v));
    for (let i = 0; i < size; i++) bytes[at + i] = (x >>> (8 * i)) & 0xff;
    return;
  }
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < size; i++) {
    bytes[at + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** The bounds of a field of 1, 2 and 4 bytes (signed: -2^(n-1) .. 2^(n-1)-1; unsigned: 1-2^n .. 2^n-1). */
const FIELD_LIMITS = [0n, 1n << 8n, 1n << 16n, 0n, 1n << 32n];

function fits(v: bigint, size: number, signed: boolean): boolean {
  if (size >= 8) return true;
  const limit = FIELD_LIMITS[size]!;
  if (signed) return v >= -(limit >> 1n) && v < limit >> 1n;
  // GAS's test: the bits above the field are all clear in the value or in its negation.
  return v > -limit && v < limit;
}

/** Relocation types whose use makes GAS reference _GLOBAL_OFFSET_TABLE_. */
const GOT_TYPES = new Set([3, 9, 10, 15, 16, 18, 19, 43]);

/** Relocation types GAS moves from a local symbol to its section symbol (tc_fix_adjustable). */
const ADJUSTABLE = new Set([1, 2, 20, 21, 22, 23]);

const PC_TYPES: Readonly<Record<number, number>> = { 1: 23, 2: 21, 4: 2 };
const ABS_TYPES: Readonly<Record<number, number>> = { 1: 22, 2: 20, 4: 1 };

/** The relocation of a fixup of `bits` made at `place` (field at `field` in `out`, at `P` in its section) against `sym` with `addend`. */
function relocationOf(bits: number, place: number, out: Uint8Array, field: number, P: number, sym: SymbolState | undefined, addend: bigint, type: number): Relocation {
  if (fixupSize(bits) === 8) throw new AsmError('cannot represent relocation type BFD_RELOC_64');
  writeLittle(out, field, fixupSize(bits), addend);
  if (!sym) {
    // An absolute branch target: the field holds target - bias, checked as GAS checks a fixup.
    checkFits(bits, P, addend, isSigned(bits));
    return { offset: P, type, symbol: '', symbolIsSection: false };
  }
  // GNU as --32 checks the number left in a 1- or 2-byte field as it checks any fixup's.
  if (isLocalDefined(sym) && ADJUSTABLE.has(type)) {
    const target = sym.frag!.section;
    target.symbolUsed = true;
    const inPlace = addend + BigInt(labelAddress(sym));
    if (fixupSize(bits) < 4) checkFits(bits, P, inPlace, isSigned(bits));
    writeLittle(out, field, fixupSize(bits), inPlace);
    return { offset: P, type, symbol: target.name, symbolIsSection: true };
  }
  if (fixupSize(bits) < 4) checkFits(bits, P, addend, isSigned(bits));
  if (sym.state === 'undefined' && sym.place === NO_PLACE) sym.place = place;
  return { offset: P, type, symbol: sym.name, symbolIsSection: false };
}

/** The undefined symbol GNU as puts in a fixup in place of a global equated symbol equated to it; any other symbol itself. */
function equatedTarget(st: AsmState, s: SymbolState): SymbolState {
  if (s.state !== 'equated' || !s.attrs.equ) return s;
  const v = st.evaluator.tryEvaluate(s.attrs.equ);
  return v !== undefined && v.sym?.state === 'undefined' && !v.sub && !v.reloc ? v.sym : s;
}

/**
 * The number a .uleb128/.sleb128 field holds, as GNU as resolves it: a number, a label's offset
 * in its section, a common symbol's size (its value in GNU as); undefined for any other value.
 */
function lebValue(r: Value): bigint | undefined {
  if (isAbsolute(r)) return r.add;
  if (r.sub !== undefined) return undefined;
  if (r.sym?.state === 'label') return BigInt(labelAddress(r.sym)) + r.add;
  if (r.sym?.state === 'common') return BigInt(r.sym.attrs.commonSize) + r.add;
  return undefined;
}

/** An address or value as GAS prints one for an ELF32 target: 8 hex digits of its low 32 bits. */
function vma(x: bigint): string {
  return BigInt.asUintN(32, x).toString(16).padStart(8, '0');
}

/** GAS's overflow message: a value from 0 to 1000 in decimal, any other (a negative one too) as an address. */
function checkFits(bits: number, P: number, x: bigint, signed: boolean): void {
  const size = fixupSize(bits);
  if (!fits(x, size, signed)) {
    const shown = x >= 0n && x <= 1000n ? x.toString() : vma(x);
    throw new AsmError(`value of ${shown} too large for field of ${size} byte${size > 1 ? 's' : ''} at ${vma(BigInt(P))}`);
  }
}

/**
 * Resolves row `k` of `fixups`, one of frag `f`'s: writes the field (into `out`, where the
 * frag's bytes start at `base`) and returns the relocation it needs, if any.
 */
function resolve(st: AsmState, section: SectionState, f: Frag, fixups: FixupColumns, k: number, out: Uint8Array, base: number,
  values: AltValues | undefined): Relocation | undefined {
  const offset = fixups.offset(k);
  const expr = fixups.expr(k);
  const bits = fixups.bits(k);
  const place = fixups.place(k);
  const P = f.address + offset;
  const field = base + offset;
  const label = isPcrel(bits) && values === undefined ? labelNamed(expr) : undefined;
  if (label !== undefined && label.frag!.section === section && (isLocalDefined(label) || (resolvesGlobal(bits) && label.attrs.binding !== 'weak'))) {
    // A branch or call to a label of this section (the common fixup): the same as below for
    // the value {label + 0}, in numbers (section addresses fit a double exactly).
    const x = labelAddress(label) - (P + pcBias(bits));
    if (!resolvesGlobal(bits)) checkFits(bits, P, BigInt(x), isSigned(bits));
    if (fixupSize(bits) <= 4) {
      for (let i = 0; i < fixupSize(bits); i++) out[field + i] = (x >>> (8 * i)) & 0xff;
    } else writeLittle(out, field, fixupSize(bits), BigInt(x));
    return undefined;
  }
  const v = value(st, expr);
  values?.set(P, { value: v, place });
  if (isPcrel(bits)) {
    if (v.sub) throw new AsmError(`can't resolve PC-relative expression with two symbols`);
    const bias = BigInt(P + pcBias(bits));
    const sameSection = v.sym?.state === 'label' && v.sym.frag!.section === section && !v.reloc;
    if (sameSection && (isLocalDefined(v.sym) || (resolvesGlobal(bits) && v.sym!.attrs.binding !== 'weak'))) {
      const x = BigInt(labelAddress(v.sym!)) + v.add - bias;
      if (!resolvesGlobal(bits)) checkFits(bits, P, x, isSigned(bits));
      writeLittle(out, field, fixupSize(bits), x);
      return undefined;
    }
    const type = relocTypeOf(bits) ?? PC_TYPES[fixupSize(bits)]!;
    return relocationOf(bits, place, out, field, P, v.sym, v.add - BigInt(pcBias(bits)), type);
  }
  if (!v.sym && !v.sub) {
    checkFits(bits, P, v.add, false);
    writeLittle(out, field, fixupSize(bits), v.add);
    return undefined;
  }
  if (v.sub) {
    const sub = v.sub;
    // A global equated symbol is where its value is (evaluate.ts `place`).
    const at = sub.state === 'label' ? undefined : st.evaluator.place(sub);
    if ((sub.state === 'label' ? sub.frag!.section === section : at?.section === section) && (!v.sym || v.sym.state !== 'label' || v.sym.frag!.section !== section)) {
      const addend = v.add + BigInt(P - (at === undefined ? labelAddress(sub) : at.address));
      return relocationOf(bits, place, out, field, P, v.sym, addend, PC_TYPES[fixupSize(bits)] ?? 2);
    }
    // GNU as names the symbols as its fixup holds them: a local label (`.` too) by its section's
    // symbol, a symbol it made for a number by its name for those (evaluate.ts `differenceNames`).
    const added = v.sym === undefined ? v.addName ?? '0' : isLocalDefined(v.sym) ? v.sym.frag!.section.name : displayName(equatedTarget(st, v.sym).name);
    throw new AsmError(`can't resolve ${added} - ${v.subName ?? displayName(sub.name)}`);
  }
  const sym = v.sym!;
  let type = relocTypeOf(bits) ?? ABS_TYPES[fixupSize(bits)] ?? 1;
  if (v.reloc) {
    const t = SUFFIX_RELOCS[v.reloc];
    if (t === undefined) throw new AsmError(`bad reloc specifier \`@${v.reloc}'`);
    type = t;
  } else if (sym.name === '_GLOBAL_OFFSET_TABLE_' && fixupSize(bits) === 4 && relocTypeOf(bits) === undefined) type = 10;
  return relocationOf(bits, place, out, field, P, sym, v.add, type);
}

function symbolSize(st: AsmState, s: SymbolState): number {
  if (s.state === 'common') return s.attrs.commonSize;
  if (!s.attrs.size) return 0;
  const saved = st.location;
  try {
    const v = value(st, s.attrs.size);
    if (!isAbsolute(v)) {
      st.error(`.size expression for ${s.name} does not evaluate to a constant`, symbolLocation(st, s) ?? saved);
      return 0;
    }
    return Number(BigInt.asUintN(32, v.add));
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    st.error(e.message, symbolLocation(st, s) ?? saved);
    return 0;
  }
}

/**
 * The labels kept out of the symbol table, in columns while the module is made: their
 * AsmSymbol objects are made only when `AsmModule.localLabels` is first read (an object
 * file never reads it; the language server does). With `indexByOrder` (the numeric
 * references name the objects made for them), each label's index by its symbol's creation
 * order: the references keep indexes, not the assembler's symbols (which would keep their
 * frags, expressions and much of the assembly with the module).
 */
class LocalLabelColumns {
  /** Made at their size (the labels are counted first): a column grown by pushes is copied at each growth. */
  readonly names: string[];
  readonly sections: string[];
  readonly values: Float64Array;
  readonly places: Int32Array;
  private count = 0;

  constructor(size: number, readonly indexByOrder: Int32Array | undefined) {
    // Filled with strings at once: a fresh `new Array(n)` holds small integers until its first
    // string, and code compiled after that first store is undone by the next assembly's.
    this.names = new Array<string>(size).fill('');
    this.sections = new Array<string>(size).fill('');
    this.values = new Float64Array(size);
    this.places = new Int32Array(size);
  }

  add(s: SymbolState): void {
    const k = this.count++;
    this.names[k] = s.name;
    this.sections[k] = s.frag!.section.name;
    this.values[k] = labelAddress(s);
    this.places[k] = s.place;
    if (this.indexByOrder !== undefined) this.indexByOrder[s.order] = k;
  }

  symbols(places: Places): AsmSymbol[] {
    const out: AsmSymbol[] = new Array(this.count);
    for (let k = 0; k < out.length; k++) {
      out[k] = { name: displayName(this.names[k]!), section: this.sections[k]!, value: this.values[k]!, size: 0, binding: 'local', type: 0, visibility: 0, location: places.location(this.places[k]!) };
    }
    return out;
  }

  /** The names `symbols` gives its labels, in order. */
  displayNames(): string[] {
    const out: string[] = new Array(this.count);
    for (let k = 0; k < out.length; k++) out[k] = displayName(this.names[k]!);
    return out;
  }
}

/** An internal symbol kept among the module's local labels (a label placed in the source). */
function isLocalLabel(s: SymbolState): boolean {
  return isInternal(s) && s.state === 'label' && s.place !== NO_PLACE;
}

/** Where a symbol was defined or first named, if anywhere. */
function symbolLocation(st: AsmState, s: SymbolState): SourceLocation | undefined {
  return s.place === NO_PLACE ? undefined : st.locationOf(s.place);
}

/** The sections whose symbol is output, in the order GAS made them, and the next one to output. */
interface PendingSectionSymbols {
  readonly list: readonly SectionState[];
  next: number;
}

/** Outputs the symbols of the sections made before the symbol numbered `order`. */
function sectionSymbolsBefore(pending: PendingSectionSymbols, out: AsmSymbol[], order: number): void {
  const list = pending.list;
  for (; pending.next < list.length && list[pending.next]!.symbolsBefore <= order; pending.next++) {
    const sec = list[pending.next]!;
    out.push({ name: sec.name, section: sec.name, value: 0, size: 0, binding: 'local', type: 3, visibility: 0 });
  }
}

/**
 * One output symbol, one object literal of one shape: spreading a shared base gave every
 * symbol a hidden class of its own (hundreds of bytes each on a file of many labels).
 */
function outputSymbol(st: AsmState, s: SymbolState, section: string, value: number, size: number, type: number, binding: SymbolBinding): AsmSymbol {
  return { name: s.name, section, value, size, binding, type, visibility: s.attrs.visibility, location: symbolLocation(st, s) };
}

function outputSymbols(st: AsmState, fileSymbol: string | undefined, localLabels: LocalLabelColumns, all: readonly SymbolState[]): AsmSymbol[] {
  const out = objectList<AsmSymbol>();
  if (fileSymbol !== undefined) out.push({ name: fileSymbol, section: 'ABS', value: 0, size: 0, binding: 'local', type: 4, visibility: 0 });
  // A section's symbol goes where GAS made it: with the section, after the symbols made before it.
  const sectionSymbols = st.sections.filter((sec) => sec.symbolUsed).sort((a, b) => a.symbolsBefore - b.symbolsBefore);
  const pending: PendingSectionSymbols = { list: sectionSymbols, next: 0 };
  // The helpers are functions of the module's, not closures made per call: optimized code
  // calling a closure is undone when the next assembly's closure comes (a new call target).
  for (let k = 0; k < all.length; k++) outputSymbolOf(st, all[k]!, pending, out, localLabels);
  sectionSymbolsBefore(pending, out, Infinity);
  return out;
}

/**
 * One symbol's part of outputSymbols: the loop's body as a function called per symbol, hot
 * and optimized in a process's first assembly, where a loop run once per assembly was compiled
 * on stack and then whole in the next ones (docs/speed-and-exactness.md, "lspfirst5").
 */
function outputSymbolOf(st: AsmState, s: SymbolState, pending: PendingSectionSymbols, out: AsmSymbol[], localLabels: LocalLabelColumns): void {
  sectionSymbolsBefore(pending, out, s.order);
  if (isInternal(s)) {
    if (isLocalLabel(s)) localLabels.add(s);
    return;
  }
  // A unique object is written with GNU's binding when it is defined (its relocations go by `binding`).
  const binding = s.attrs.unique && s.state !== 'undefined' ? 'unique' : s.attrs.binding ?? (s.state === 'undefined' || s.state === 'common' ? 'global' : 'local');
  switch (s.state) {
    case 'label':
      out.push(outputSymbol(st, s, s.frag!.section.name, labelAddress(s), symbolSize(st, s), s.attrs.type, binding));
      break;
    case 'common':
      if (binding === 'weak') st.error(`symbol \`${s.name}' can not be both weak and common`, symbolLocation(st, s) ?? st.location);
      out.push(outputSymbol(st, s, 'COMMON', s.attrs.commonAlign, s.attrs.commonSize, s.attrs.type || 1, binding));
      break;
    case 'equated': {
      let v: Value;
      try {
        v = value(st, s.attrs.equ!);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        st.error(e.message.startsWith('invalid operand') ? `${e.message} when setting \`${s.name}'` : e.message, symbolLocation(st, s));
        return;
      }
      if (isAbsolute(v)) {
        out.push(outputSymbol(st, s, 'ABS', Number(BigInt.asUintN(32, v.add)), symbolSize(st, s), s.attrs.type, binding));
      } else if (v.sym?.state === 'label' && !v.sub) {
        const t = v.sym;
        out.push(outputSymbol(st, s, t.frag!.section.name, labelAddress(t) + Number(v.add), s.attrs.size ? symbolSize(st, s) : symbolSize(st, t), s.attrs.type || t.attrs.type, binding));
      } else if (v.sym && !v.sub) {
        out.push(outputSymbol(st, s, 'UND', 0, 0, s.attrs.type, binding));
      } else if (v.sym && v.sub) {
        st.error(`${operatorMessage('-', v, undefined)} when setting \`${s.name}'`, symbolLocation(st, s));
      } else st.error(`can't resolve value for symbol \`${s.name}'`, symbolLocation(st, s));
      break;
    }
    case 'undefined':
      if (isUsed(s) || s.attrs.binding || s.attrs.visibility || s.attrs.type) {
        out.push(outputSymbol(st, s, 'UND', 0, 0, s.attrs.type, s.attrs.binding === 'weak' ? 'weak' : 'global'));
      }
      break;
  }
}

/** The relocations in the order GAS writes them: by their fixups' `fixupRank`s (`ranks`, one each). */
function inGasOrder(relocs: ChunkedList<Relocation>, ranks: Float64Array): Relocation[] {
  const n = relocs.length;
  for (let k = 1; k < n; k++) {
    if (ranks[k - 1]! > ranks[k]!) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ranks[a]! - ranks[b]!);
      return order.map((i) => relocs.get(i));
    }
  }
  return relocs.toArray();
}

/** Ranks of a subsection's fixups are apart by this; a late fixup's are past them all (exact in a double: seq < 2^31). */
const SUBSECTION_SPAN = 2 ** 32;
const LATE_FIXUPS = 2 ** 52;

/**
 * Where a fixup's relocation, or its message, comes in GAS's order: GAS keeps a list of fixups
 * per subsection while it reads, joins them in subsection order when reading ends, and appends
 * the fixups it makes as it converts frags to the joined list (a late fixup, in address order:
 * `subsection` undefined for one made then, or `bits` say late). Within a list, creation order.
 */
function fixupRank(subsection: number | undefined, bits: number, seq: number): number {
  return subsection === undefined || isLate(bits) ? LATE_FIXUPS + seq : subsection * SUBSECTION_SPAN + seq;
}

/** Each section's addresses from its frags' current sizes. */
function layoutSections(st: AsmState): void {
  for (let i = 0; i < st.sections.length; i++) layoutSection(st.sections[i]!);
}

/**
 * Numbers the late fixups and turns every variable part into bytes, frag by frag in section
 * order, into one stream: each frag's tail follows the one before, so `sectionOut`, walking
 * the frags in the same order, finds it at the sum of the tails before it (no offset kept in
 * each frag, four per function on the bench's source). Each section's size goes into `sizes`
 * and where its tails start into `tailStarts`, in the same pass.
 */
function materializeAll(st: AsmState, sizes: number[], tailStarts: number[], converted: ConvertedBranches): ByteStream {
  const tails = new ByteStream();
  for (let i = 0; i < st.sections.length; i++) {
    const frags = orderedFrags(st.sections[i]!);
    tailStarts.push(tails.length);
    let size = 0;
    for (let k = 0; k < frags.length; k++) {
      const f = frags[k]!;
      const fixups = f.fixups;
      for (let j = f.fixupStart, end = fixupsEnd(f, k + 1 < frags.length ? frags[k + 1] : undefined); j < end; j++) if (isLate(fixups.bits(j))) fixups.setSeq(j, st.nextSeq());
      materialize(st, f, tails, converted);
      size += fragSize(f);
    }
    sizes.push(size);
  }
  return tails;
}

/** Each section's bytes and relocations, in section order (the order materializeAll wrote the tails and the converted branches in). */
function sectionsOut(st: AsmState, tails: ByteStream, sizes: readonly number[], tailStarts: readonly number[], converted: ConvertedBranches, altValues: AltValues): AsmSection[] {
  const out: AsmSection[] = new Array(st.sections.length);
  for (let i = 0; i < out.length; i++) out[i] = sectionOut(st, st.sections[i]!, tails, tailStarts[i]!, sizes[i]!, converted, altValues);
  return out;
}

/**
 * Resolves `fixups`' rows `from` to `to` of frag `f` (its bytes at `at` of `bytes`), made in the
 * section's `subsection`-th subsection (undefined: as its frag was converted), into `relocs` and
 * their `ranks`, or `failures`.
 */
function resolveRows(st: AsmState, s: SectionState, f: Frag, fixups: FixupColumns, from: number, to: number, subsection: number | undefined, bytes: Uint8Array, at: number,
  altValues: AltValues, relocs: ChunkedList<Relocation>, ranks: Float64Array, failures: Failure[]): void {
  for (let j = from; j < to; j++) {
    try {
      const r = resolve(st, s, f, fixups, j, bytes, at, s.name === '.altinstructions' ? altValues : undefined);
      if (r) ranks[relocs.push(r)] = fixupRank(subsection, fixups.bits(j), fixups.seq(j));
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      failures.push({ rank: fixupRank(subsection, fixups.bits(j), fixups.seq(j)), message: e.message, place: fixups.place(j) });
    }
  }
}

/** At least as many as the relocations section `s` can have: its subsections' fixup rows and the converted branches not yet written. */
function fixupRowsBound(s: SectionState, converted: ConvertedBranches): number {
  let rows = converted.frags.length - converted.next;
  for (const frags of s.subsections.values()) if (frags.length > 0) rows += frags[0]!.fixups.count - frags[0]!.fixupStart;
  return rows;
}

/** A fixup that could not be resolved: its message, given in GAS's order (`fixupRank`). */
interface Failure {
  readonly rank: number;
  readonly message: string;
  readonly place: number;
}

/**
 * A section of `size` bytes, its frags' tails from `tail` in `tails`: its bytes with its
 * fixups resolved, and its relocations (fixup errors reported in GAS's order).
 */
function sectionOut(st: AsmState, s: SectionState, tails: ByteStream, tail: number, size: number, converted: ConvertedBranches, altValues: AltValues): AsmSection {
  // Chunks and a typed array at most as long as the section's fixup rows: no list as long as
  // the section's relocations grown by copying (docs/speed-and-exactness.md, the 20 MB row).
  const relocs = new ChunkedList<Relocation>();
  const ranks = new Float64Array(fixupRowsBound(s, converted));
  // GAS reports a section's fixup errors in the order it writes its relocations.
  const failures: Failure[] = [];
  const frags = orderedFrags(s);
  const bytes = new Uint8Array(size);
  let at = 0;
  // The frags come subsection by subsection; a subsection's frags share its fixup columns.
  let subsection = -1;
  let columns: FixupColumns | undefined;
  for (let k = 0; k < frags.length; k++) {
    const f = frags[k]!;
    copyFrag(f, tails, tail, bytes, at);
    tail += f.varSize;
    if (f.fixups !== columns) {
      columns = f.fixups;
      subsection++;
    }
    resolveRows(st, s, f, f.fixups, f.fixupStart, fixupsEnd(f, k + 1 < frags.length ? frags[k + 1] : undefined), subsection, bytes, at, altValues, relocs, ranks, failures);
    // The branch converted in this frag, if its fixup was made (materialize): the next row.
    const c = converted.next;
    if (c < converted.frags.length && converted.frags[c] === f) {
      converted.next = c + 1;
      resolveRows(st, s, f, converted.fixups, c, c + 1, undefined, bytes, at, altValues, relocs, ranks, failures);
    }
    at += fragSize(f);
  }
  failures.sort((a, b) => a.rank - b.rank);
  for (const x of failures) st.error(x.message, st.locationOf(x.place));
  const nobits = s.type === SHT_NOBITS;
  return {
    name: s.name, type: s.type, flags: s.flags, addralign: s.addralign, entsize: s.entsize,
    bytes: nobits ? new Uint8Array(0) : bytes, size,
    relocations: inGasOrder(relocs, ranks),
    ...(s.linkTo ? { linkTo: s.linkTo } : {}),
    ...(s.group ? { group: s.group } : {}),
  };
}

/** Marks the sections that hold a procedure with frame information: the FDEs' pc_begin refers to the code through its section symbol. */
function markFrameSections(st: AsmState, cfi: CfiState): void {
  for (let k = 0; k < cfi.done.length; k++) {
    const p = cfi.done.get(k);
    if (p.ehFrame || p.debugFrame) markSectionUsed(st.sections, p.section);
  }
}

/** Marks the section named `name`'s symbol used: a function called per procedure, as outputSymbolOf, with no closure made per procedure. */
function markSectionUsed(sections: readonly SectionState[], name: string): void {
  for (let i = 0; i < sections.length; i++) {
    if (sections[i]!.name === name) {
      sections[i]!.symbolUsed = true;
      return;
    }
  }
}

function countLocalLabels(all: readonly SymbolState[]): number {
  let locals = 0;
  for (let k = 0; k < all.length; k++) if (isLocalLabel(all[k]!)) locals++;
  return locals;
}

/**
 * Relaxes, resolves and builds the module. No loop of its own: it runs once per assembly, and
 * a loop here was compiled again (on stack) in each of a process's first assemblies, with the
 * whole of this function's work; each phase's loop is a function of its own.
 */
export function finish(st: AsmState, cfi: CfiState, fileSymbol: string | undefined): AsmModule {
  relax(st);
  negativeNops(st);
  st.lines.settle();
  const cfiOut = cfiProcedures(st, cfi);
  const sizes: number[] = [];
  const tailStarts: number[] = [];
  const converted: ConvertedBranches = { fixups: new FixupColumns(), frags: objectList<Frag>(), next: 0 };
  const tails = materializeAll(st, sizes, tailStarts, converted);
  const altValues: AltValues = new Map();
  const sections = sectionsOut(st, tails, sizes, tailStarts, converted, altValues);
  markFrameSections(st, cfi);
  if (sections.some((x) => x.relocations.some((r) => GOT_TYPES.has(r.type)))) markUsed(st.symbols.get('_GLOBAL_OFFSET_TABLE_'));
  const all = st.symbols.all();
  const localColumns = new LocalLabelColumns(countLocalLabels(all), st.numericReferences ? new Int32Array(st.symbols.made).fill(-1) : undefined);
  const symbols = outputSymbols(st, fileSymbol, localColumns, all);
  st.numericReferences?.nameLabels(localColumns.indexByOrder!);
  const alternatives = alternativeSites(st, sections, altValues);
  const made = { sections, symbols, cfi: cfiOut, alternatives, diagnostics: st.diagnostics, skipped: st.skipped, printed: st.printed, gnuUnique: st.gnuUnique };
  const module = withLazyParts(made, st.lines, localColumns, st.places);
  const recorded = st.numericReferences;
  return recorded ? withNumericReferences(module, recorded, st.places) : module;
}

/**
 * The module with `numericReferences` made when first read, as `lines` is: the language
 * server's first answer never reads them. A function of its own, as withLazyParts is: a getter
 * made in `finish` would keep its context, and with it the whole AsmState, as long as the module.
 */
function withNumericReferences(module: AsmModule, recorded: NumericReferenceColumns, places: Places): AsmModule {
  let numericReferences: NumericReference[] | undefined;
  const references = (): NumericReference[] => {
    // The references name the very objects localLabels holds.
    const labels = module.localLabels!;
    // A reference to an instance never defined (GNU as's error) names no label.
    const out: NumericReference[] = [];
    for (let k = 0; k < recorded.count; k++) {
      const index = recorded.labelIndex(k);
      if (index >= 0) out.push({ location: places.location(recorded.place(k)), text: recorded.text(k), label: labels[index]! });
    }
    return out;
  };
  return Object.defineProperty(module, 'numericReferences', { enumerable: true, configurable: true, get: () => (numericReferences ??= references()) });
}

/**
 * The module with `lines` and `localLabels` made when first read, and its instruction entries
 * as columns: an object file without -g reads none (tens of thousands of objects on a large
 * source), the language server and the debugger do. A function of its own, so that the getters hold only what they need (closures
 * made in `finish` share its context, which holds the whole AsmState).
 */
function withLazyParts(made: Omit<AsmModule, 'lines' | 'localLabels'>, pending: PendingLines, localColumns: LocalLabelColumns, places: Places): AsmModule {
  let lines: LineEntry[] | undefined;
  let localLabels: AsmSymbol[] | undefined;
  const module: AsmModule = {
    ...made,
    get lines(): LineEntry[] {
      return (lines ??= pending.entries());
    },
    get localLabels(): AsmSymbol[] {
      return (localLabels ??= localColumns.symbols(places));
    },
  };
  // Not enumerable: a copy by spread (which may replace `lines`) goes without them, and a module compares equal with or without them.
  Object.defineProperty(module, LAZY, { configurable: true, value: new LazyParts(pending, localColumns) });
  Object.defineProperty(module, 'localLabelNames', { configurable: true, value: localLabelNames });
  return Object.defineProperty(module, 'instructionEntries', { configurable: true, value: instructionEntries });
}

/** Where a module's `instructionEntries` and `localLabelNames` come from, under a key of its own. */
const LAZY = Symbol('lazy parts');

class LazyParts {
  instructions: InstructionEntries | undefined = undefined;
  constructor(
    readonly pending: PendingLines,
    readonly localColumns: LocalLabelColumns,
  ) {}
}

type WithLazyParts = AsmModule & { readonly [LAZY]: LazyParts };

/**
 * The module's instruction entries (`this` is the module, or a copy of it by moduleWith). One
 * function for every module, as `localLabelNames`: a closure made per module was a new call
 * target in each assembly, and the caller's code compiled for the first was given up
 * (docs/speed-and-exactness.md).
 */
function instructionEntries(this: WithLazyParts): InstructionEntries {
  const parts = this[LAZY];
  return (parts.instructions ??= parts.pending.instructionEntries());
}

function localLabelNames(this: WithLazyParts): readonly string[] {
  return this[LAZY].localColumns.displayNames();
}

/**
 * Reads the .altinstructions entries back into sites, in the struct alt_instr layout the
 * file's macros wrote (alt-instr.ts; the built-in macros write 14 bytes, a kernel tree's
 * asm/alternative.h of 4.1 to 6.2 fewer): the entry size is the distance between two
 * entries' instr_offset fields, the table's size when there is one entry.
 */
function alternativeSites(st: AsmState, sections: readonly AsmSection[], values: AltValues): AlternativeSite[] {
  const table = sections.find((s) => s.name === '.altinstructions');
  if (!table) return [];
  const out: AlternativeSite[] = [];
  // The two lowest offsets that hold an entry's two self-relative offsets (found in one pass:
  // sorting every value of a large table was a good part of the language server's first analysis).
  const lowest: LowestEntries = { first: Infinity, second: Infinity };
  for (const k of values.keys()) lowerEntry(values, lowest, k);
  const { first, second } = lowest;
  const layout = second !== Infinity ? second - first : table.size - (first !== Infinity ? first : 0);
  if (!(ALT_LAYOUTS as readonly number[]).includes(layout)) return [];
  for (let k = 0; k + layout <= table.size; k += layout) {
    const site = alternativeSiteAt(st, table, values, k, layout as AltLayout);
    if (site) out.push(site);
  }
  return out;
}

/** The two lowest entry offsets alternativeSites has met. */
interface LowestEntries {
  first: number;
  second: number;
}

/**
 * alternativeSites' first loop's body, a function called per value (as outputSymbolOf): `k`
 * among the lowest two when it and `k + 4` hold an entry's self-relative offsets.
 */
function lowerEntry(values: AltValues, lowest: LowestEntries, k: number): void {
  if (k >= lowest.second || !altTarget(values, k) || !altTarget(values, k + 4)) return;
  if (k < lowest.first) {
    lowest.second = lowest.first;
    lowest.first = k;
  } else lowest.second = k;
}

/** Where the self-relative offset written at `at` of .altinstructions points, when it is to a label. */
function altTarget(values: AltValues, at: number): { section: string; offset: number } | undefined {
  const v = values.get(at)?.value;
  if (!v?.sym || v.sym.state !== 'label') return undefined;
  const sub = v.sub?.state === 'label' ? at - labelAddress(v.sub) : 0;
  return { section: v.sym.frag!.section.name, offset: labelAddress(v.sym) + Number(v.add) + sub };
}

/** The site of the entry at `k` of the table, if both its offsets point to labels: alternativeSites' second loop's body, called per entry. */
function alternativeSiteAt(st: AsmState, table: AsmSection, values: AltValues, k: number, layout: AltLayout): AlternativeSite | undefined {
  const orig = altTarget(values, k);
  const repl = altTarget(values, k + 4);
  if (!orig || !repl) return undefined;
  const fields = altFields(table.bytes, k, layout);
  const name = /X86_FEATURE_\w+/.exec(st.altText.get(k + 8) ?? '')?.[0];
  return {
    section: orig.section,
    offset: orig.offset,
    length: fields.instrlen,
    replacementOffset: repl.offset,
    replacementLength: fields.replacementlen,
    ftFlags: ftFlagsOf(fields),
    ...(name ? { featureName: name } : {}),
    location: st.locationOf(values.get(k)!.place),
  };
}

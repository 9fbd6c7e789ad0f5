// Owns the assembled instructions of an analysis as facts an editor shows: each instruction's
// section, offset, bytes, decoded form (from the one opcode table), AT&T text and source
// place, and what it does to the stack pointer (the rule objtool's stack tracking follows:
// push/pop and their multi-register forms, add/sub of an immediate to esp, lea off esp, any
// other write to esp makes the height unknown; calls come back with the height they left).
import type { AsmModule, AsmSection, LineEntry, SourceLocation } from '../toolchain/asm/module';
import { decode } from '../toolchain/isa/decoder';
import { formatAtt } from '../toolchain/isa/att-formatter';
import { DecodeStatus, Op, Reg, type Instruction } from '../toolchain/isa/instruction';
import type { Analysis } from './analysis';

/** esp's change: a number of bytes (negative when it grows down), or unknown with the reason. */
export type StackEffect = { readonly kind: 'delta'; readonly delta: number } | { readonly kind: 'unknown'; readonly reason: string };

export interface InstructionFact {
  readonly section: string;
  readonly offset: number;
  /** offset + bytes.length: where its bytes end. */
  readonly end: number;
  readonly bytes: Uint8Array;
  readonly insn: Instruction;
  /** insn.op, without decoding when the bytes were met before. */
  readonly op: Op;
  readonly text: string;
  readonly location: SourceLocation;
  readonly stack: StackEffect;
}

const NONE: StackEffect = { kind: 'delta', delta: 0 };

function writesEsp(i: Instruction): boolean {
  // A register destination in modrm.rm (mod 3) or modrm.reg, for the ALU and move forms.
  const e = i.entry;
  if (!e) return false;
  const destIsRm = i.mod === 3 && i.rm === Reg.ESP;
  switch (i.op) {
    case Op.Mov:
      return (i.opcode === 0x89 && destIsRm) || (i.opcode === 0x8b && i.reg === Reg.ESP) || (i.opcode === 0xbc) || (i.opcode === 0xc7 && destIsRm);
    case Op.And: case Op.Or: case Op.Xor: case Op.Adc: case Op.Sbb: case Op.Add: case Op.Sub:
      return (i.opcode >= 0x80 && i.opcode <= 0x83 && destIsRm) || ((i.opcode & 7) === 3 && i.opcode < 0x40 && i.reg === Reg.ESP) || ((i.opcode & 7) === 1 && i.opcode < 0x40 && destIsRm);
    case Op.Xchg: case Op.Inc: case Op.Dec: case Op.Not: case Op.Neg:
      return destIsRm || (i.opcode >= 0x40 && i.opcode <= 0x4f && (i.opcode & 7) === Reg.ESP) || (i.opcode === 0x94) || (i.op === Op.Xchg && i.reg === Reg.ESP);
    case Op.Lea:
      return i.reg === Reg.ESP;
    default:
      return false;
  }
}

/** What one decoded instruction does to esp. */
export function stackEffect(i: Instruction): StackEffect {
  if (i.status !== DecodeStatus.Ok) return NONE;
  const size = i.opSize;
  switch (i.op) {
    case Op.Push: case Op.Pushf:
      return { kind: 'delta', delta: -size };
    case Op.Pop:
      if (i.mod === 3 && i.rm === Reg.ESP && i.opcode === 0x8f) return { kind: 'unknown', reason: 'pop into %esp' };
      if (i.opcode === 0x5c) return { kind: 'unknown', reason: 'pop into %esp' };
      return { kind: 'delta', delta: size };
    case Op.Popf:
      return { kind: 'delta', delta: size };
    case Op.Pusha:
      return { kind: 'delta', delta: -8 * size };
    case Op.Popa:
      return { kind: 'delta', delta: 8 * size };
    case Op.Ret:
      return { kind: 'delta', delta: 4 + (i.opcode === 0xc2 ? i.imm : 0) };
    case Op.Enter:
      return { kind: 'unknown', reason: 'enter sets %esp from %ebp' };
    case Op.Leave:
      return { kind: 'unknown', reason: 'leave sets %esp from %ebp' };
    case Op.Add: case Op.Sub:
      if ((i.opcode === 0x81 || i.opcode === 0x83) && i.mod === 3 && i.rm === Reg.ESP) {
        const imm = i.imm | 0;
        return { kind: 'delta', delta: i.op === Op.Add ? imm : -imm };
      }
      break;
    case Op.Lea:
      if (i.reg === Reg.ESP && i.memBase === Reg.ESP && i.memIndex === -1) return { kind: 'delta', delta: i.memDisp | 0 };
      break;
    default:
      break;
  }
  return writesEsp(i) ? { kind: 'unknown', reason: `${formatAtt(i)} sets %esp` } : NONE;
}

/** Code decoded from its first byte: its instructions in order (addresses relative to its start), and where decoding stopped short, if it did. */
export interface DecodedCode {
  readonly instructions: readonly Instruction[];
  /** The offset of the first byte that does not decode (undefined: all of it did). */
  readonly undecodableAt: number | undefined;
}

/** Instructions and runs of code of up to MEMO_BYTES bytes are looked up by their bytes (a few hundred distinct ones make most code); a table is emptied at MEMO_LIMIT entries. */
const MEMO_BYTES = 6;
const MEMO_LIMIT = 4096;

/** Bytes [at, at + length) of `code` (length 0 to MEMO_BYTES) as one number: the bytes, then the length above them (below 2^51). */
function byteKey(code: Uint8Array, at: number, length: number): number {
  let key = length;
  for (let i = length - 1; i >= 0; i--) key = key * 256 + code[at + i]!;
  return key;
}

/** Decodes code from its first byte to its end or its first undecodable byte. */
export function decodeCode(code: Uint8Array): DecodedCode {
  // Addresses are relative to the code's start: what it decodes to is its bytes' alone.
  const key = code.length <= MEMO_BYTES ? byteKey(code, 0, code.length) : -1;
  const hit = key >= 0 ? decodedByBytes.get(key) : undefined;
  if (hit) return hit;
  const instructions: Instruction[] = [];
  let made: DecodedCode | undefined;
  for (let at = 0; at < code.length && !made; ) {
    const i = decode(code, at, at, code.length);
    if (i.status !== DecodeStatus.Ok) made = { instructions, undecodableAt: at };
    else {
      instructions.push(i);
      at += i.length;
    }
  }
  made ??= { instructions, undecodableAt: undefined };
  if (key >= 0) {
    if (decodedByBytes.size >= MEMO_LIMIT) decodedByBytes.clear();
    decodedByBytes.set(key, made);
  }
  return made;
}

/** Short runs of code met before (an ALTERNATIVE site's original or replacement, most of them a few bytes), by byteKey. */
const decodedByBytes = new Map<number, DecodedCode>();

/**
 * A run's decoded code with its end. A class, not a literal: a literal's allocation site, kept
 * per analysis, turned to "tenure" at a scavenge of a process's second or third analysis and
 * gave up the code it was inlined in (docs/speed-and-exactness.md, "lspfirst5").
 */
class DecodedRun {
  constructor(
    readonly end: number,
    readonly code: DecodedCode,
  ) {}
}

const decodedRuns = new WeakMap<Analysis, Map<AsmSection, Map<number, DecodedRun>>>();

/**
 * Bytes [start, end) of a section of the analysis decoded (decodeCode), kept with the
 * analysis: the alternatives' findings read each site's original and replacements.
 */
export function decodedCodeOf(a: Analysis, section: AsmSection, start: number, end: number): DecodedCode {
  let bySection = decodedRuns.get(a);
  if (!bySection) decodedRuns.set(a, (bySection = new Map()));
  let byStart = bySection.get(section);
  if (!byStart) bySection.set(section, (byStart = new Map()));
  const hit = byStart.get(start);
  if (hit && hit.end === end) return hit.code;
  const code = decodeCode(section.bytes.subarray(start, end));
  if (!hit) byStart.set(start, new DecodedRun(end, code));
  return code;
}

/** The stack change of decoded code (unknown, with the reason, at its first instruction of unknown effect or its undecodable byte). */
export function stackEffectOf(code: DecodedCode): StackEffect {
  let delta = 0;
  for (const i of code.instructions) {
    const e = stackEffect(i);
    if (e.kind === 'unknown') return e;
    delta += e.delta;
  }
  if (code.undecodableAt !== undefined) return { kind: 'unknown', reason: `undecodable byte at +${code.undecodableAt}` };
  return { kind: 'delta', delta };
}

/** The stack change of a run of code (undefined and a reason when it is not known). */
export function netStackEffect(code: Uint8Array): StackEffect {
  return stackEffectOf(decodeCode(code));
}

export function sectionOf(module: AsmModule, name: string): AsmSection | undefined {
  return module.sections.find((s) => s.name === name);
}

/**
 * An instruction's fact: its bytes (a view of the buffer its entries were copied into), its
 * location and its AT&T text made when first asked for (most facts are read for their stack
 * effect and end only: a procedure's findings decode every instruction and show few), and its
 * decoded form made when first read unless it was decoded to find its op and stack effect.
 */
class Fact implements InstructionFact {
  private att: string | undefined;
  private view: Uint8Array | undefined;

  constructor(
    readonly section: string,
    readonly offset: number,
    private readonly buffer: Uint8Array,
    private readonly at: number,
    private readonly size: number,
    private decoded: Instruction | undefined,
    readonly op: Op,
    private where: SourceLocation | undefined,
    /** Where the location is found when `where` is not given (the columns'; a fact kept with a line entry holds no index of its analysis). */
    private readonly entries: SectionEntries | undefined,
    private readonly index: number,
    readonly stack: StackEffect,
  ) {}

  get end(): number {
    return this.offset + this.size;
  }

  get bytes(): Uint8Array {
    return (this.view ??= this.buffer.subarray(this.at, this.at + this.size));
  }

  get insn(): Instruction {
    return (this.decoded ??= decode(this.buffer, this.at, this.offset, this.at + this.size));
  }

  get location(): SourceLocation {
    return (this.where ??= this.entries!.location(this.index));
  }

  get text(): string {
    return (this.att ??= this.insn.status === DecodeStatus.Ok ? formatAtt(this.insn) : '(bad)');
  }
}

/** What an instruction's bytes alone decide for a fact: its op and stack effect (decode's other fields but its address and branch target are the bytes' too). */
interface ByBytes {
  readonly op: Op;
  readonly stack: StackEffect;
}

/** The op and stack effect of instructions of up to MEMO_BYTES bytes met before, by byteKey (a few hundred distinct instructions make most code). */
const byBytes = new Map<number, ByBytes>();

/** Each line entry's fact, whichever analysis it is in (its bytes are copied: no old section is kept alive). */
const byEntry = new WeakMap<LineEntry, InstructionFact | null>();

/**
 * A section's instruction entries in offset order (stable: the order assembled among equal
 * offsets): from the module's columns when the assembler made it (no LineEntry or location
 * made for an entry no request shows), else from its line entries (an analysis by regions).
 */
interface SectionEntries {
  readonly section: string;
  readonly offsets: Int32Array;
  readonly lengths: Int32Array;
  /** The i-th entry's location. */
  location(i: number): SourceLocation;
  /** The i-th entry's line entry, when the entries are the module's lines (a fact kept with it is handed on with the entry). */
  readonly lines?: readonly LineEntry[];
  /** Facts kept for entries that have no line entry (the columns'), by index. */
  readonly kept: Array<InstructionFact | null | undefined>;
}

/**
 * The facts of entries [from, to) of a section (an entry whose bytes are not in its section
 * has none), decoded when first asked for and, when `kept`, kept with each entry: the analysis
 * by regions hands an unchanged region's line entries (and bytes) to the next version. A caller
 * that keeps what it makes of them (a procedure's findings) passes false: a weak map entry per
 * instruction costs more than decoding it. The bytes of the entries decoded together are
 * copied into one buffer (a typed array per instruction also costs more than decoding it).
 */
function factsOf(sections: ReadonlyMap<string, AsmSection>, e: SectionEntries, from: number, to: number, kept: boolean): InstructionFact[] {
  const s = sections.get(e.section);
  const fits = (i: number): boolean => s !== undefined && s.bytes.length >= e.offsets[i]! + e.lengths[i]!;
  const keptFact = (i: number): InstructionFact | null | undefined => (e.lines ? byEntry.get(e.lines[i]!) : e.kept[i]);
  let size = 0;
  for (let i = from; i < to; i++) if (!(kept && keptFact(i) !== undefined) && fits(i)) size += e.lengths[i]!;
  const copy = size > 0 ? new Uint8Array(size) : undefined;
  let at = 0;
  const out: InstructionFact[] = [];
  for (let i = from; i < to; i++) {
    let fact = kept ? keptFact(i) : undefined;
    if (fact === undefined) {
      fact = null;
      if (copy && fits(i)) {
        const offset = e.offsets[i]!;
        const length = e.lengths[i]!;
        const bytes = s!.bytes;
        for (let b = 0; b < length; b++) copy[at + b] = bytes[offset + b]!;
        const key = length <= MEMO_BYTES ? byteKey(copy, at, length) : -1;
        let known = key >= 0 ? byBytes.get(key) : undefined;
        let insn: Instruction | undefined;
        if (!known) {
          insn = decode(copy, at, offset, at + length);
          known = { op: insn.op, stack: stackEffect(insn) };
          if (key >= 0) {
            if (byBytes.size >= MEMO_LIMIT) byBytes.clear();
            byBytes.set(key, known);
          }
        }
        fact = e.lines
          ? new Fact(e.section, offset, copy, at, length, insn, known.op, e.lines[i]!.location, undefined, i, known.stack)
          : new Fact(e.section, offset, copy, at, length, insn, known.op, undefined, e, i, known.stack);
        at += length;
      }
      if (kept) {
        if (e.lines) byEntry.set(e.lines[i]!, fact);
        else e.kept[i] = fact;
      }
    }
    if (fact) out.push(fact);
  }
  return out;
}

/**
 * Where an analysis's instructions are, found without decoding any: their entries per section
 * in offset order. Requests decode only the entries they show (one procedure's findings, a
 * site's instructions).
 */
interface EntryIndex {
  readonly sections: ReadonlyMap<string, AsmSection>;
  readonly bySection: ReadonlyMap<string, SectionEntries>;
}

const indexes = new WeakMap<Analysis, EntryIndex>();

/** A piece's instruction entries of one section, in the piece's order, with their offsets and lengths as columns. */
interface PieceEntries {
  readonly lines: LineEntry[];
  readonly offsets: Int32Array;
  readonly lengths: Int32Array;
  /** Whether the offsets do not go down. */
  readonly sorted: boolean;
}

const linesBySection = new WeakMap<readonly LineEntry[], ReadonlyMap<string, PieceEntries>>();

/** The instruction entries of a list of line entries by section, in the list's order (kept with the list). */
function instructionLines(lines: readonly LineEntry[]): ReadonlyMap<string, PieceEntries> {
  const hit = linesBySection.get(lines);
  if (hit) return hit;
  const lists = new Map<string, LineEntry[]>();
  for (const l of lines) {
    if (!l.instruction) continue;
    let list = lists.get(l.section);
    if (!list) lists.set(l.section, (list = []));
    list.push(l);
  }
  const out = new Map<string, PieceEntries>();
  for (const [name, list] of lists) {
    const offsets = new Int32Array(list.length);
    const lengths = new Int32Array(list.length);
    let sorted = true;
    for (let k = 0; k < list.length; k++) {
      offsets[k] = list[k]!.offset;
      lengths[k] = list[k]!.length;
      if (k > 0 && offsets[k]! < offsets[k - 1]!) sorted = false;
    }
    out.set(name, { lines: list, offsets, lengths, sorted });
  }
  linesBySection.set(lines, out);
  return out;
}

/** One section's entries from its pieces' in order, sorted by offset (stably) only when the joined offsets go down somewhere. */
function joinedEntries(name: string, pieces: readonly PieceEntries[]): SectionEntries {
  let sorted = true;
  let n = 0;
  let last = -Infinity;
  for (const p of pieces) {
    const count = p.offsets.length;
    if (!p.sorted || (count > 0 && p.offsets[0]! < last)) sorted = false;
    if (count > 0) last = p.offsets[count - 1]!;
    n += count;
  }
  if (sorted && pieces.length === 1) {
    const { lines, offsets, lengths } = pieces[0]!;
    return { section: name, offsets, lengths, location: (j) => lines[j]!.location, lines, kept: [] };
  }
  let list = ([] as LineEntry[]).concat(...pieces.map((p) => p.lines));
  const offsets = new Int32Array(n);
  const lengths = new Int32Array(n);
  if (sorted) {
    let at = 0;
    for (const p of pieces) {
      offsets.set(p.offsets, at);
      lengths.set(p.lengths, at);
      at += p.offsets.length;
    }
  } else {
    list = list.sort((x, y) => x.offset - y.offset);
    for (let k = 0; k < n; k++) {
      offsets[k] = list[k]!.offset;
      lengths[k] = list[k]!.length;
    }
  }
  return { section: name, offsets, lengths, location: (j) => list[j]!.location, lines: list, kept: [] };
}

function entryIndex(a: Analysis): EntryIndex {
  const hit = indexes.get(a);
  if (hit) return hit;
  const bySection = new Map<string, SectionEntries>();
  const columns = a.module.instructionEntries?.();
  if (columns) {
    const counts = new Int32Array(columns.sectionNames.length);
    for (let k = 0; k < columns.count; k++) counts[columns.section[k]!]++;
    // Each section's entries in the order read, all sections in one pass (a pass per section
    // read every entry again; these loops run once per analysis, mostly before they are optimized).
    const bySectionIndex: Int32Array[] = [];
    for (let x = 0; x < counts.length; x++) bySectionIndex.push(new Int32Array(counts[x]!));
    const filled = new Int32Array(counts.length);
    for (let k = 0; k < columns.count; k++) {
      const x = columns.section[k]!;
      bySectionIndex[x]![filled[x]!++] = k;
    }
    for (let x = 0; x < counts.length; x++) {
      const n = counts[x]!;
      if (n === 0) continue;
      const ks = bySectionIndex[x]!;
      // In offset order (stable: equal offsets keep the order read), mostly already.
      let at = ks;
      for (let j = 1; j < n; j++) {
        if (columns.offset[ks[j]!]! < columns.offset[ks[j - 1]!]!) {
          at = Int32Array.from([...ks].sort((x, y) => columns.offset[x]! - columns.offset[y]! || x - y));
          break;
        }
      }
      const offsets = new Int32Array(n);
      const lengths = new Int32Array(n);
      for (let j = 0; j < n; j++) {
        offsets[j] = columns.offset[at[j]!]!;
        lengths[j] = columns.length[at[j]!]!;
      }
      const name = columns.sectionNames[x]!;
      bySection.set(name, { section: name, offsets, lengths, location: (j) => columns.location(at[j]!), kept: [] });
    }
  } else {
    // Each piece's entries by section are kept with its line entries (an unchanged region hands
    // them to the next version): an edit joins them instead of reading every entry again.
    const pieces = a.linePieces?.() ?? [a.module.lines];
    const joined = new Map<string, PieceEntries[]>();
    for (const piece of pieces) {
      for (const [name, entries] of instructionLines(piece)) {
        const lists = joined.get(name);
        if (lists) lists.push(entries);
        else joined.set(name, [entries]);
      }
    }
    for (const [name, lists] of joined) bySection.set(name, joinedEntries(name, lists));
  }
  const out: EntryIndex = { sections: sectionsOf(a), bySection };
  indexes.set(a, out);
  return out;
}

const sectionMaps = new WeakMap<Analysis, ReadonlyMap<string, AsmSection>>();

function sectionsOf(a: Analysis): ReadonlyMap<string, AsmSection> {
  let map = sectionMaps.get(a);
  if (!map) sectionMaps.set(a, (map = new Map(a.module.sections.map((s) => [s.name, s]))));
  return map;
}

const facts = new WeakMap<Analysis, readonly InstructionFact[]>();

/** Every instruction the analysis assembled, in section and offset order. */
export function instructionFacts(a: Analysis): readonly InstructionFact[] {
  const hit = facts.get(a);
  if (hit) return hit;
  const index = entryIndex(a);
  const out: InstructionFact[] = [];
  for (const name of [...index.bySection.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
    const e = index.bySection.get(name)!;
    for (const f of factsOf(index.sections, e, 0, e.offsets.length, true)) out.push(f);
  }
  facts.set(a, out);
  return out;
}

/** The instructions that came from one line of the document (0-based). */
export function instructionsOnLine(a: Analysis, line: number): InstructionFact[] {
  return instructionsOnLines(a, line, line);
}

/** The instructions that came from lines `from` to `to` (0-based, both included) of the document, in section and offset order. */
export function instructionsOnLines(a: Analysis, from: number, to: number): InstructionFact[] {
  // One pass over the instruction entries (no index of every line, no decoding of other lines' instructions).
  const index = entryIndex(a);
  const out: InstructionFact[] = [];
  for (const name of [...index.bySection.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
    const e = index.bySection.get(name)!;
    for (let i = 0; i < e.offsets.length; i++) {
      const where = e.location(i);
      if (where.line > from && where.line <= to + 1 && where.file === a.file) for (const f of factsOf(index.sections, e, i, i + 1, true)) out.push(f);
    }
  }
  return out;
}

export function hexBytes(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** The instructions of one section with offsets in [from, to), in offset order (`kept`: see factsOf). */
export function instructionsIn(a: Analysis, section: string, from: number, to: number, kept = true): readonly InstructionFact[] {
  const index = entryIndex(a);
  const e = index.bySection.get(section);
  if (!e) return [];
  const [lo, end] = entriesIn(e, from, to);
  return factsOf(index.sections, e, lo, end, kept);
}

/** The entries [lo, end) of a section whose offsets are in [from, to). */
function entriesIn(e: SectionEntries, from: number, to: number): [number, number] {
  const offsets = e.offsets;
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < offsets.length && offsets[end]! < to) end++;
  return [lo, end];
}

/**
 * The last line (1-based) in `file` of the instructions at offsets [from, to) of a section,
 * from their entries' places without decoding any (where an outline's function ends); 0 when
 * none is in that file.
 */
export function lastLineIn(a: Analysis, section: string, from: number, to: number, file: string): number {
  const e = entryIndex(a).bySection.get(section);
  if (!e) return 0;
  const [lo, end] = entriesIn(e, from, to);
  let last = 0;
  for (let i = lo; i < end; i++) {
    const at = e.location(i);
    if (at.file === file && at.line > last) last = at.line;
  }
  return last;
}

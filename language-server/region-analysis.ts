// Owns the incremental analysis of a document: the document is cut into a prefix and
// regions (regions.ts); the prefix goes through cpp (a .S only: any other file is assembled
// as it is, as assemble-source.ts does) and the assembler once, and each region
// is preprocessed from the prefix's macro table (with #line, so every location is the
// document's; a .s region's text is taken as written, at its lines) and assembled after the prefix's output and a filler that puts each section at
// the offset the region starts at in the whole file. A region's result (its bytes,
// relocations, symbols, line entries, CFI procedures, alternative sites, messages) is kept by
// its text and the state entering it; after an edit only the regions whose text or entry state
// changed run again, and a region whose entry only moved (by lines, or by offsets that keep
// its alignment) is shifted instead. The pieces put together equal what the whole file gives
// (test/lsp/incremental.test.ts compares them on random edits); whatever the checks here
// cannot prove (a reference from one region into another, a section left switched, a CFI
// procedure across a cut) makes the caller analyse the whole document instead.
import { assemble, type LineMap } from '../toolchain/asm/assembler';
import { preprocessedLineMap, preprocessesFile } from '../toolchain/asm/assemble-source';
import { preprocess, type PreprocessResult } from '../toolchain/asm/cpp/preprocess';
import { noSpans } from '../toolchain/asm/cpp/spans';
import type { AlternativeSite, AsmModule, AsmSection, AsmSymbol, CfiProcedure, Diagnostic, LineEntry, NumericReference, Relocation, SkippedGroup, SourceLocation } from '../toolchain/asm/module';
import { MAX_DIAGNOSTICS } from '../toolchain/asm/state';
import { isDigit, isNameChar } from '../toolchain/asm/chars';
import { statements, type Statement } from '../toolchain/asm/statements';
import type { BuildOptions } from './build-settings';
import { lineOffsets, REGION_LINES, splitDocument, type DocumentSplit } from './regions';
import { joinScans, movedScan, scanAt, spreadScans } from './region-scan';
import type { SourceScan } from './source-scan';
import type { ExpandedStatement } from './analysis';
import { ComposedOutput } from './composed-output';

/** What the analysis of a document is made of, whichever way it was made (see analysis.ts). */
export interface AnalysisParts {
  readonly module: AsmModule;
  /** What cpp produced (undefined for a document the front end assembles as it is, as for the whole-document analysis). */
  readonly preprocessed: PreprocessResult | undefined;
  /** The document's lexical scan, from the pieces' (computed when first asked for). */
  readonly lexical: () => SourceScan;
  /** cpp's output as statements located in the user's files, from the pieces' (computed when first asked for). */
  readonly expanded: () => ExpandedStatement[];
  /** The lexical scan of the one piece (prefix or region) that holds a line, without scanning the others. */
  readonly lexicalAt?: (line: number) => SourceScan;
  /** The prefix's and the regions' scans, in order (joined, they are `lexical`'s). */
  readonly lexicalPieces?: () => readonly SourceScan[];
  /** Visits the prefix's and the regions' statements as read, in order. */
  readonly eachCppStatement?: (f: (s: Statement) => void) => void;
  /** The prefix's and the regions' line entries, in order (joined, they are the module's `lines`). */
  readonly linePieces?: () => readonly (readonly LineEntry[])[];
}

interface Prefix {
  readonly key: string;
  readonly text: string;
  scan?: SourceScan;
  expanded?: ExpandedStatement[];
  /** The statements of the prefix's cpp output (read when first asked for). */
  parsed?: readonly Statement[];
  /** A number for the prefix, unique in its analyzer (region keys carry it instead of the prefix's text). */
  readonly id: number;
  readonly pre: PreprocessResult;
  readonly module: AsmModule;
  /** Each included file's text when the prefix read it (the prefix is stale when one differs). */
  readonly reads: ReadonlyMap<string, string | undefined>;
}

/** The sections in force where a region starts: their order, attributes and sizes. */
interface EntrySection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly entsize: number;
  readonly offset: number;
}

/** One region's contribution, with offsets and lines true for `entry` and `startLine`. */
interface RegionPart {
  readonly text: string;
  /** The region's scan moved to its line, shared by the part's shifted copies until the line changes. */
  readonly lexical: { line: number; scan?: SourceScan };
  /** The region's expanded statements for a place in cpp's output and the document, shared likewise. */
  readonly statements: { base: number; line: number; list?: ExpandedStatement[] };
  /** The statements of the region's cpp output (read once, for the checks and again for the expanded statements). */
  readonly parsed: readonly Statement[];
  readonly prefixId: number;
  /** The sections entering the region (names and attributes, not offsets). */
  readonly shape: string;
  readonly startLine: number;
  readonly entry: ReadonlyMap<string, number>;
  readonly pre: PreprocessResult;
  /** Bytes (size for SHT_NOBITS) and relocations from the entry offset on, per section. */
  readonly sections: ReadonlyArray<{ readonly section: AsmSection; readonly bytes: Uint8Array; readonly size: number; readonly relocations: readonly Relocation[] }>;
  readonly symbols: readonly AsmSymbol[];
  readonly lines: readonly LineEntry[];
  readonly cfi: readonly CfiProcedure[];
  readonly alternatives: readonly AlternativeSite[];
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The region's local labels, and its numeric label references, each naming one of those
   * (none crosses a cut): moved when first read after a shift (a hover on a numeric label
   * reads them, an edit's findings do not).
   */
  readonly labels: () => PartLabels;
  /** The labels as the region's run made them, with where that run put the region (a shift moves them from there, not from the copy before). */
  readonly labelOrigin: LabelOrigin;
  readonly skipped: readonly SkippedGroup[];
  /** The alignment a shift of each section must keep (0: the part cannot be shifted). */
  readonly align: ReadonlyMap<string, number>;
  /** Names the region's statements use other than as the target of a call. */
  readonly otherRefs: ReadonlySet<string>;
}

interface PartLabels {
  readonly localLabels: readonly AsmSymbol[];
  readonly numericReferences: readonly NumericReference[];
}

interface LabelOrigin {
  readonly labels: PartLabels;
  readonly entry: ReadonlyMap<string, number>;
  readonly startLine: number;
}

/** Why the pieces cannot stand for the whole file (the caller then analyses it whole). */
export class NotSeparable extends Error {}

/**
 * A document of one region is analysed whole: an edit in it re-runs that region behind the
 * prefix, which costs what the whole document costs, and building it costs the prefix twice
 * and the checks besides (most documents an editor opens are this short).
 */
const ONE_REGION = 'one region: the whole document costs no more';

/** The document's cut when it has regions enough to analyse by (two or more), else undefined. */
function cutInRegions(input: Pick<IncrementalInput, 'file' | 'text'>): DocumentSplit | undefined {
  const split = splitDocument(input.text, REGION_LINES, preprocessesFile(input.file));
  return split && split.starts.length >= 2 ? split : undefined;
}

const FILLER: SourceLocation = { file: '<region filler>', line: 0, column: 0 };
/** A region runs at its offset modulo this (a page: more than any alignment kernel code asks for), then is shifted. */
const FILLER_MODULUS = 4096;
/** Messages that mean the cut went through something open (a CFI procedure, a conditional, a section stack). */
const CUT_THROUGH = /without corresponding|at the end of file|end of file|not closed|REPT without ENDR/;
const SECTION_OP = /^\.(section|text|data|bss|previous|subsection)$/i;
const STATE_OP = /^\.(macro|endm|purgem|include|incbin|altmacro|noaltmacro|intel_syntax|att_syntax|code16|code16gcc|code32|arch)$/i;
const FIELD_SIZE: Readonly<Record<number, number>> = { 1: 4, 2: 4, 20: 2, 21: 2, 22: 1, 23: 1 };
const TYPE_NAMES: Readonly<Record<number, string>> = { 1: '@progbits', 7: '@note', 8: '@nobits' };

/**
 * A piece of a document the front end assembles as it is, in the shape of cpp's result: its
 * text unchanged, one output line per line (the first at document line `startLine`), no
 * macros, includes or messages, so that a .s piece goes the way a .S piece goes.
 */
function asWritten(file: string, text: string, startLine: number): PreprocessResult {
  const count = lineOffsets(text).length - 1;
  const lines: SourceLocation[] = [];
  for (let i = 0; i < count; i++) lines.push({ file, line: startLine + i + 1, column: 1 });
  return { text, lines, spans: noSpans(count), diagnostics: [], macros: new Map(), included: [], skipped: [] };
}

/**
 * Maps a line and column of a piece's output to the document: through cpp's map for a .S;
 * for a piece taken as written, its line moved to the piece's first line and the column as
 * the assembler gives it when it has no map (column + 1).
 */
function lineMapOf(pre: PreprocessResult, file: string): LineMap {
  if (preprocessesFile(file)) return preprocessedLineMap(pre, file);
  const first = pre.lines[0]?.line ?? 1;
  return (line, column) => ({ file, line: first + line, column: column + 1 });
}

function flagString(flags: number): string | undefined {
  const known: Array<[number, string]> = [[2, 'a'], [1, 'w'], [4, 'x'], [0x10, 'M'], [0x20, 'S']];
  let out = '';
  let rest = flags;
  for (const [bit, c] of known) if (flags & bit) {
    out += c;
    rest &= ~bit;
  }
  return rest === 0 ? out : undefined;
}

function sameSymbol(x: AsmSymbol, y: AsmSymbol): boolean {
  return x.name === y.name && x.section === y.section && x.value === y.value && x.size === y.size && x.binding === y.binding && x.type === y.type && x.visibility === y.visibility;
}

function isNumericName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) if (!isDigit(name.charCodeAt(i))) return false;
  return true;
}

/** Each match of /[A-Za-z_.$][\w.$]*\/g in the text (a name the operands use), scanned by character code. */
function eachName(text: string, f: (name: string) => void): void {
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (!isNameChar(c) || isDigit(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
    f(text.slice(i, j));
    i = j;
  }
}

/**
 * Each match of /(?<![\w.$])(\.L[\w.$]+)|(?<![\w.$])(\d+)([bf])(?![\w.$])/g in the text: a
 * local label (`.Lname`) or a numeric label reference (`1b`, `2f`), scanned by character code.
 */
function eachLocalReference(text: string, local: (name: string) => void, numeric: (label: string, direction: 'b' | 'f') => void): void {
  for (let i = 0; i < text.length; ) {
    if (i > 0 && isNameChar(text.charCodeAt(i - 1))) {
      i++;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 0x2e && text.charCodeAt(i + 1) === 0x4c && i + 2 < text.length && isNameChar(text.charCodeAt(i + 2))) {
      let j = i + 3;
      while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
      local(text.slice(i, j));
      i = j;
      continue;
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      const d = text.charCodeAt(j);
      if ((d === 0x62 || d === 0x66) && !(j + 1 < text.length && isNameChar(text.charCodeAt(j + 1)))) {
        numeric(text.slice(i, j), d === 0x62 ? 'b' : 'f');
        i = j + 1;
        continue;
      }
    }
    i++;
  }
}

/** Checks a region's cpp output: sections left as they were, no state-setting directive, local labels resolved inside it. */
function checkStatements(list: readonly Statement[]): { shiftable: boolean; otherRefs: Set<string> } {
  let depth = 0;
  const otherRefs = new Set<string>();
  let shiftable = true;
  const defined = new Set<string>();
  const labels = new Set<string>();
  const numericSeen = new Map<string, number>();
  const numericTotal = new Map<string, number>();
  for (const s of list) for (const l of s.labels) {
    labels.add(l.name);
    if (isNumericName(l.name)) numericTotal.set(l.name, (numericTotal.get(l.name) ?? 0) + 1);
  }
  const addRef = (name: string) => void otherRefs.add(name);
  const local = (name: string) => {
    if (!defined.has(name) && !labels.has(name)) throw new NotSeparable(`${name} is defined outside the region`);
  };
  const numeric = (label: string, direction: 'b' | 'f') => {
    const seen = numericSeen.get(label) ?? 0;
    if (direction === 'b' ? seen === 0 : seen >= (numericTotal.get(label) ?? 0)) throw new NotSeparable(`${label}${direction} refers outside the region`);
  };
  for (const s of list) {
    for (const l of s.labels) {
      defined.add(l.name);
      if (isNumericName(l.name)) numericSeen.set(l.name, (numericSeen.get(l.name) ?? 0) + 1);
    }
    const op = s.op.toLowerCase();
    const callee = (op === 'call' || op === 'calll') && /^[A-Za-z_.$][\w.$]*$/.test(s.operands) ? s.operands : undefined;
    if (callee === undefined) eachName(s.operands, addRef);
    // Every directive that sets state starts with a dot; an instruction goes straight to its references.
    if (op.charCodeAt(0) === 0x2e) {
      if (op === '.pushsection') depth++;
      else if (op === '.popsection') {
        if (--depth < 0) throw new NotSeparable('a .popsection pops what an earlier region pushed');
      } else if (SECTION_OP.test(op) && depth === 0) throw new NotSeparable(`${op} switches sections for the regions after it`);
      else if (STATE_OP.test(op)) throw new NotSeparable(`${op} sets state for the regions after it`);
      else if (op === '.org') shiftable = false;
      else if (s.operands.charCodeAt(0) === 0x3d || op === '.set' || op === '.equ' || op === '.equiv' || op === '.eqv') throw new NotSeparable('a symbol assignment outside the prefix');
    } else if (s.operands.charCodeAt(0) === 0x3d) throw new NotSeparable('a symbol assignment outside the prefix');
    eachLocalReference(s.operands, local, numeric);
  }
  if (depth !== 0) throw new NotSeparable('a .pushsection is left open at the end of a region');
  return { shiftable, otherRefs };
}

function relocateField(bytes: Uint8Array, at: number, size: number, delta: number): void {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
  v += delta;
  for (let i = 0; i < size; i++) {
    bytes[at + i] = ((v % 256) + 256) % 256;
    v = Math.floor(v / 256);
  }
}

function moveLocation(l: SourceLocation, file: string, lines: number): SourceLocation {
  return lines !== 0 && l.file === file ? { file: l.file, line: l.line + lines, column: l.column } : l;
}

/** The part as it is when its region starts at `entry` and `startLine` (offsets and lines moved). */
function shiftPart(p: RegionPart, file: string, entry: ReadonlyMap<string, number>, startLine: number): RegionPart | undefined {
  const by = new Map<string, number>();
  for (const [name, offset] of entry) {
    const d = offset - (p.entry.get(name) ?? 0);
    const a = p.align.get(name) ?? 1;
    if (d !== 0 && (a === 0 || d % a !== 0)) return undefined;
    by.set(name, d);
  }
  for (const name of p.entry.keys()) if (!entry.has(name)) return undefined;
  const lines = startLine - p.startLine;
  const d = (section: string) => by.get(section) ?? 0;
  const loc = (l: SourceLocation) => moveLocation(l, file, lines);
  const sections = p.sections.map((s) => {
    const moved = s.relocations.filter((r) => r.symbolIsSection && d(r.symbol) !== 0);
    let bytes = s.bytes;
    if (moved.length > 0) {
      bytes = Uint8Array.from(s.bytes);
      const base = (p.entry.get(s.section.name) ?? 0);
      for (const r of moved) {
        const size = FIELD_SIZE[r.type];
        if (size === undefined) return undefined;
        relocateField(bytes, r.offset - base, size, d(r.symbol));
      }
    }
    return { section: s.section, bytes, size: s.size, relocations: s.relocations.map((r) => ({ ...r, offset: r.offset + d(s.section.name) })) };
  });
  if (sections.some((s) => s === undefined)) return undefined;
  const pre = p.pre;
  return {
    ...p,
    startLine,
    entry,
    pre: lines === 0 ? pre : movedOutput(pre, file, lines, loc),
    sections: sections as RegionPart['sections'],
    symbols: p.symbols.map((s) => ({ ...s, value: s.section === 'ABS' || s.section === 'UND' || s.section === 'COMMON' ? s.value : s.value + d(s.section), ...(s.location ? { location: loc(s.location) } : {}) })),
    lines: p.lines.map((l) => ({ ...l, offset: l.offset + d(l.section), location: loc(l.location) })),
    cfi: p.cfi.map((c) => ({ ...c, start: c.start + d(c.section), end: c.end + d(c.section), location: loc(c.location), instructions: c.instructions.map((i) => ({ ...i, offset: i.offset + d(c.section), location: loc(i.location) })) })),
    alternatives: p.alternatives.map((x) => ({ ...x, offset: x.offset + d(x.section), replacementOffset: x.replacementOffset + d('.altinstr_replacement'), location: loc(x.location) })),
    diagnostics: p.diagnostics.map((x) => ({ ...x, location: loc(x.location) })),
    labels: movedLabels(p.labelOrigin, file, entry, startLine),
    skipped: lines === 0 ? p.skipped : p.skipped.map((g) => (g.file === file ? { ...g, from: g.from + lines, to: g.to + lines } : g)),
  };
}

/** A piece's cpp result with its places `lines` further down; the list of line places is moved when first read, as cpp's own is made then. */
function movedOutput(pre: PreprocessResult, file: string, lines: number, loc: (l: SourceLocation) => SourceLocation): PreprocessResult {
  let moved: SourceLocation[] | undefined;
  return {
    text: pre.text,
    get lines() {
      return (moved ??= pre.lines.map(loc));
    },
    spans: pre.spans.moved(file, lines),
    diagnostics: pre.diagnostics.map((x) => ({ ...x, location: loc(x.location) })),
    macros: pre.macros,
    included: pre.included,
    skipped: pre.skipped,
  };
}

/**
 * A part's local labels and the numeric references to them at `entry` and `startLine`, moved
 * from where its run put them when first read: each reference names its label's moved copy.
 */
function movedLabels(origin: LabelOrigin, file: string, entry: ReadonlyMap<string, number>, startLine: number): () => PartLabels {
  let made: PartLabels | undefined;
  const lines = startLine - origin.startLine;
  const d = (section: string) => (entry.has(section) ? entry.get(section)! - (origin.entry.get(section) ?? 0) : 0);
  return () => (made ??= shiftedLabels(origin.labels, d, (l) => moveLocation(l, file, lines)));
}

function shiftedLabels(p: PartLabels, d: (section: string) => number, loc: (l: SourceLocation) => SourceLocation): PartLabels {
  const moved = new Map<AsmSymbol, AsmSymbol>();
  const localLabels = p.localLabels.map((s) => {
    const to = { ...s, value: s.value + d(s.section), location: loc(s.location!) };
    moved.set(s, to);
    return to;
  });
  return { localLabels, numericReferences: p.numericReferences.map((r) => ({ ...r, location: loc(r.location), label: moved.get(r.label)! })) };
}

/** The sections entering a region, names and attributes (a part is kept for one shape). */
function shapeOf(entry: ReadonlyMap<string, EntrySection>): string {
  return [...entry.values()].map((e) => `${e.name}/${e.type}/${e.flags}/${e.entsize}`).join(',');
}

/** Whether every section entering now starts where it started for the part (the part's own sections beyond those aside). */
function sameOffsets(entry: ReadonlyMap<string, EntrySection>, at: ReadonlyMap<string, number>): boolean {
  for (const e of entry.values()) if (at.get(e.name) !== e.offset) return false;
  return true;
}

/** A region's key: short (hashing every region's text on each run costs more than the rest of the run). */
function regionKey(regionText: string): string {
  return `${regionText.length}\u0000${regionText.slice(0, 80)}\u0000${regionText.slice(-80)}`;
}

/** What a prefix is kept by: the build options, the file and the prefix's text. */
function prefixKey(input: Pick<IncrementalInput, 'file' | 'options'>, prefixText: string): string {
  return `${JSON.stringify(input.options)}\u0000${input.file}\u0000${prefixText}`;
}

export interface IncrementalInput {
  readonly file: string;
  readonly text: string;
  readonly options: BuildOptions;
  readonly readFile: (path: string) => string | undefined;
}

/** One document's incremental analysis: the prefix and region results of its last versions. */
export class IncrementalAnalyzer {
  private prefix: Prefix | undefined;
  private parts = new Map<string, RegionPart>();
  /** What the last run did: its regions, how many ran (the others were kept or shifted), or why the whole document was analysed. */
  last: { readonly regions: number; readonly ran: number } | { readonly whole: string } | undefined;

  /**
   * The analysis parts of the text, one region per step (yields between regions so that a
   * caller can stop a stale run); throws NotSeparable when the pieces cannot stand for the whole.
   */
  *run(input: IncrementalInput): Generator<void, AnalysisParts> {
    try {
      return yield* this.runRegions(input);
    } catch (e) {
      if (e instanceof NotSeparable) this.last = { whole: e.message };
      throw e;
    }
  }

  /**
   * How many regions the text has and how many of them a run would assemble (those neither
   * kept nor shiftable from an earlier run under the same prefix): all of them for a fresh
   * analyzer or a changed prefix. Undefined when the text has no place to cut or is one region
   * (a run then analyses it whole at once). Counts without assembling anything.
   */
  toRun(input: Pick<IncrementalInput, 'file' | 'text' | 'options'>): { readonly regions: number; readonly run: number; readonly split: DocumentSplit } | undefined {
    const split = cutInRegions(input);
    if (!split) return undefined;
    const regions = split.starts.length;
    const p = this.prefix;
    if (!p || p.key !== prefixKey(input, input.text.slice(0, split.lineOffsets[split.prefixEnd]))) return { regions, run: regions, split };
    let run = 0;
    for (let i = 0; i < regions; i++) {
      const regionText = input.text.slice(split.lineOffsets[split.starts[i]!], split.lineOffsets[split.starts[i + 1] ?? split.lineOffsets.length - 1]);
      const found = this.parts.get(regionKey(regionText));
      if (!found || found.prefixId !== p.id || found.text !== regionText) run++;
    }
    return { regions, run, split };
  }

  /** Whether the analyzer has no prefix (a document just opened, settings changed, a failure): a run would assemble every region. */
  get fresh(): boolean {
    return this.prefix === undefined;
  }

  /** Forgets the prefix and every region (after a failure, nothing of it is trusted). */
  reset(): void {
    this.prefix = undefined;
    this.parts = new Map();
    this.last = undefined;
  }

  /**
   * Parts enough for what lines [from, to] show lexically (their semantic tokens) before the
   * whole analysis is done: the prefix and the regions over those lines, a region not kept
   * from before run as if it came right after the prefix (offsets are then not the file's).
   * Nothing of it is kept but the prefix; undefined when the document must be analysed whole.
   */
  preview(input: IncrementalInput, from: number, to: number): AnalysisParts | undefined {
    try {
      const split = splitDocument(input.text, REGION_LINES, preprocessesFile(input.file));
      if (!split) return undefined;
      const prefix = this.prefixOf(input, split);
      const entry = prefix.module.sections.map((s) => ({ name: s.name, type: s.type, flags: s.flags, entsize: s.entsize, offset: s.size }));
      const shape = entry.map((e) => `${e.name}/${e.type}/${e.flags}/${e.entsize}`).join(',');
      const lineCount = split.lineOffsets.length - 1;
      const picked: RegionPart[] = [];
      for (let i = 0; i < split.starts.length; i++) {
        const start = split.starts[i]!;
        const end = split.starts[i + 1] ?? lineCount;
        if (end <= from || start > to) continue;
        const regionText = input.text.slice(split.lineOffsets[start], split.lineOffsets[end]);
        const found = this.parts.get(regionKey(regionText));
        const kept = found && found.prefixId === prefix.id && found.text === regionText ? shiftPart(found, input.file, found.entry, start) : undefined;
        picked.push(kept ?? this.runRegion(input, prefix, regionText, start, entry, shape, false));
      }
      const parts = compose(input.file, prefix, picked);
      return {
        ...parts,
        lexical: () => {
          prefix.scan ??= scanAt(prefix.text, 0);
          return spreadScans(lineCount + 1, [prefix.scan, ...picked.map((p) => scanAt(p.text, p.startLine))]);
        },
      };
    } catch (e) {
      if (e instanceof NotSeparable) return undefined;
      throw e;
    }
  }

  private *runRegions(input: IncrementalInput): Generator<void, AnalysisParts> {
    const split = splitDocument(input.text, REGION_LINES, preprocessesFile(input.file));
    if (!split) throw new NotSeparable('the document has no place to cut');
    if (split.starts.length < 2) throw new NotSeparable(ONE_REGION);
    let ran = 0;
    const prefix = this.prefixOf(input, split);
    const used = new Map<string, RegionPart>();
    const out: RegionPart[] = [];
    const entry = new Map<string, EntrySection>();
    for (const s of prefix.module.sections) entry.set(s.name, { name: s.name, type: s.type, flags: s.flags, entsize: s.entsize, offset: s.size });
    // The sections' names and attributes change only where a section is first met.
    let shape = shapeOf(entry);
    for (let i = 0; i < split.starts.length; i++) {
      const start = split.starts[i]!;
      const end = split.starts[i + 1] ?? split.lineOffsets.length - 1;
      const regionText = input.text.slice(split.lineOffsets[start], split.lineOffsets[end]);
      // The text itself, the prefix and the sections' shape must match the key's part too.
      const key = regionKey(regionText);
      const found = this.parts.get(key);
      const cached = found && found.prefixId === prefix.id && found.shape === shape && found.text === regionText ? found : undefined;
      let offsets: Map<string, number> | undefined;
      const offsetsNow = () => (offsets ??= new Map([...entry.values()].map((e) => [e.name, e.offset])));
      let part = cached && (cached.startLine === start && sameOffsets(entry, cached.entry) ? cached : shiftPart(cached, input.file, offsetsNow(), start));
      if (!part) {
        const near = this.runRegion(input, prefix, regionText, start, [...entry.values()], shape, false);
        part = shiftPart(near, input.file, offsetsNow(), start) ?? this.runRegion(input, prefix, regionText, start, [...entry.values()], shape, true);
        ran++;
        yield;
      }
      // Kept at once: a run stopped for a newer version still leaves what it did to the next.
      this.parts.set(key, part);
      used.set(key, part);
      out.push(part);
      for (const s of part.sections) {
        const was = entry.get(s.section.name);
        if (was !== undefined && s.size === 0) continue;
        entry.set(s.section.name, { name: s.section.name, type: was?.type ?? s.section.type, flags: was?.flags ?? s.section.flags, entsize: was?.entsize ?? s.section.entsize, offset: (was?.offset ?? 0) + s.size });
        if (was === undefined) shape = shapeOf(entry);
      }
    }
    this.parts = used;
    const parts = compose(input.file, prefix, out);
    this.last = { regions: out.length, ran };
    return parts;
  }

  private prefixOf(input: IncrementalInput, split: DocumentSplit): Prefix {
    const text = input.text.slice(0, split.lineOffsets[split.prefixEnd]);
    const key = prefixKey(input, text);
    const p = this.prefix;
    if (p && p.key === key && [...p.reads].every(([path, t]) => input.readFile(path) === t)) return p;
    const reads = new Map<string, string | undefined>();
    const readFile = (path: string) => {
      const t = input.readFile(path);
      reads.set(path, t);
      return t;
    };
    const pre = preprocessesFile(input.file)
      ? preprocess({ file: input.file, text, includeDirs: input.options.includeDirs, defines: input.options.defines, undefines: input.options.undefines, includes: input.options.includes, imacros: input.options.imacros, readFile })
      : asWritten(input.file, text, 0);
    const module = assemble({ file: input.file, text: pre.text, lineMap: lineMapOf(pre, input.file), numericReferences: true });
    for (const d of module.diagnostics) if (CUT_THROUGH.test(d.message)) throw new NotSeparable(`the prefix ends inside something: ${d.message}`);
    this.prefix = { key, text, id: (p?.id ?? 0) + 1, pre, module, reads };
    this.parts.clear();
    return this.prefix;
  }

  /**
   * Runs one region behind the prefix and a filler. `exact`: each section starts at the
   * region's true offset; else at the same offset modulo FILLER_MODULUS (a few bytes of filler
   * instead of the whole file's), for the caller to shift when the region's alignment allows.
   */
  private runRegion(input: IncrementalInput, prefix: Prefix, regionText: string, startLine: number, trueEntry: readonly EntrySection[], shape: string, exact: boolean): RegionPart {
    const prefixSizes = new Map(prefix.module.sections.map((s) => [s.name, s.size]));
    const entry = exact ? trueEntry : trueEntry.map((e) => {
      const own = prefixSizes.get(e.name) ?? 0;
      return { ...e, offset: own + ((e.offset - own) % FILLER_MODULUS) };
    });
    const file = input.file;
    const pre = preprocessesFile(file)
      ? preprocess({ file, text: `#line ${startLine + 1}\n${regionText}`, readFile: input.readFile, includeDirs: input.options.includeDirs, macros: prefix.pre.macros })
      : asWritten(file, regionText, startLine);
    const parsed = statements(pre.text);
    const { shiftable, otherRefs } = checkStatements(parsed);
    const filler: string[] = [];
    for (const e of entry) {
      const own = prefixSizes.get(e.name);
      const skip = e.offset - (own ?? 0);
      if (own !== undefined && skip === 0) continue;
      if (own === undefined) {
        const flags = flagString(e.flags);
        const type = TYPE_NAMES[e.type];
        if (flags === undefined || type === undefined || e.entsize !== 0) throw new NotSeparable(`section ${e.name} has attributes the filler cannot repeat`);
        filler.push(`.pushsection ${e.name},"${flags}",${type}`);
      } else {
        filler.push(`.pushsection ${e.name}`);
      }
      if (skip > 0) filler.push(`.skip ${skip}`);
      filler.push('.popsection');
    }
    const prefixLines = prefix.pre.lines.length;
    const prefixMap = lineMapOf(prefix.pre, file);
    const regionMap = lineMapOf(pre, file);
    const base = prefixLines + filler.length;
    const module = assemble({
      file,
      text: prefix.pre.text + filler.map((l) => l + '\n').join('') + pre.text,
      lineMap: (line, column) => (line < prefixLines ? prefixMap(line, column) : line < base ? FILLER : regionMap(line - base, column)),
      numericReferences: true,
    });
    const at = new Map(entry.map((e) => [e.name, e.offset]));
    const from = (section: string) => at.get(section) ?? 0;
    const diagnostics: Diagnostic[] = [];
    const prefixMessages = new Set(prefix.module.diagnostics.map((d) => `${d.location.file}:${d.location.line}:${d.message}`));
    for (const d of module.diagnostics) {
      if (d.location === FILLER) throw new NotSeparable(`the filler failed: ${d.message}`);
      if (CUT_THROUGH.test(d.message)) throw new NotSeparable(`a cut goes through something: ${d.message}`);
      const inRegion = d.location.file === file && d.location.line - 1 >= startLine;
      if (inRegion) diagnostics.push(d);
      else if (!prefixMessages.has(`${d.location.file}:${d.location.line}:${d.message}`)) throw new NotSeparable(`a message outside the region: ${d.message}`);
    }
    const prefixSymbols = new Map(prefix.module.symbols.map((s) => [s.name, s]));
    const symbols: AsmSymbol[] = [];
    for (const s of module.symbols) {
      const was = prefixSymbols.get(s.name);
      if (!was) symbols.push(s);
      else if (!sameSymbol(was, s) && s.type !== 3) throw new NotSeparable(`the region changes ${s.name}, which the prefix has`);
    }
    const align = new Map<string, number>();
    const sections = module.sections.map((s) => {
      const f = from(s.name);
      align.set(s.name, shiftable ? s.addralign : 0);
      return {
        section: { ...s, bytes: new Uint8Array(0), relocations: [] },
        bytes: s.bytes.subarray(Math.min(f, s.bytes.length)),
        size: s.size - f,
        relocations: s.relocations.filter((r) => r.offset >= f),
      };
    });
    return {
      text: regionText,
      lexical: { line: startLine },
      statements: { base: 0, line: startLine },
      parsed,
      prefixId: prefix.id,
      shape,
      startLine,
      entry: at,
      pre,
      sections,
      symbols,
      lines: module.lines.filter((l) => l.location !== FILLER && l.offset >= from(l.section)),
      cfi: module.cfi.filter((c) => c.start >= from(c.section)),
      alternatives: module.alternatives.filter((x) => x.offset >= from(x.section)),
      diagnostics,
      // The prefix's own labels and references are the prefix module's.
      ...ranLabels(regionLabels(module, file, startLine, from), at, startLine),
      skipped: (module.skipped ?? []).filter((g) => g.file === file && g.from - 1 >= startLine),
      align,
      otherRefs,
    };
  }
}

/** The local labels of a region's module that are the region's, and the numeric references to them written in the region. */
function regionLabels(module: AsmModule, file: string, startLine: number, from: (section: string) => number): PartLabels {
  const before = (l: SourceLocation) => l.file === file && l.line - 1 < startLine;
  const localLabels = (module.localLabels ?? []).filter((l) => l.location !== FILLER && l.value >= from(l.section) && !before(l.location!));
  const own = new Set(localLabels);
  return { localLabels, numericReferences: (module.numericReferences ?? []).filter((r) => own.has(r.label) && !before(r.location)) };
}

/** The labels of a part as its run made them (a function of its own: a closure in runRegion would keep the region's module). */
function ranLabels(labels: PartLabels, entry: ReadonlyMap<string, number>, startLine: number): Pick<RegionPart, 'labels' | 'labelOrigin'> {
  return { labels: () => labels, labelOrigin: { labels, entry, startLine } };
}

/** cpp's output lines as statements located in the user's files, the first at line `base` of the whole output. */
function expandedOf(pre: PreprocessResult, file: string, base: number, parsed: readonly Statement[] = statements(pre.text)): ExpandedStatement[] {
  const map = lineMapOf(pre, file);
  return parsed.map((s) => ({
    statement: base === 0 ? s : { ...s, line: s.line + base, labels: s.labels.map((l) => ({ ...l, line: l.line + base })) },
    location: map(s.line, s.labels[0]?.column ?? s.opColumn),
    labelLocations: s.labels.map((l) => map(s.line, l.column)),
  }));
}

/** The whole document's parts from the prefix and the regions' parts, in order. */
function compose(file: string, prefix: Prefix, parts: readonly RegionPart[]): AnalysisParts {
  // A region may call a global function of another: `call NAME` to an undefined symbol gives
  // the bytes and the relocation a global in the same file gives. Any other use across a cut
  // (a jump, which the whole file resolves, a local, an attribute) is not separable.
  const defined = new Map<string, { who: number; symbol: AsmSymbol }>();
  const define = (s: AsmSymbol, who: number) => {
    if (s.section === 'UND' || s.type === 3 || s.type === 4) return;
    const was = defined.get(s.name);
    if (was !== undefined && was.who !== who) throw new NotSeparable(`${s.name} is defined twice`);
    defined.set(s.name, { who, symbol: s });
  };
  for (const s of prefix.module.symbols) define(s, -1);
  parts.forEach((p, i) => {
    for (const s of p.symbols) define(s, i);
  });
  for (const s of prefix.module.symbols) if (s.section === 'UND' && defined.has(s.name)) throw new NotSeparable(`the prefix refers to ${s.name} of a region`);
  parts.forEach((p, i) => {
    for (const s of p.symbols) {
      const def = s.section === 'UND' ? defined.get(s.name) : undefined;
      if (!def || def.who === i) continue;
      if (def.symbol.binding === 'local' || p.otherRefs.has(s.name)) throw new NotSeparable(`a region refers to ${s.name} of another`);
    }
  });

  const sections = new Map<string, { section: AsmSection; bytes: Uint8Array[]; size: number; relocations: Relocation[]; addralign: number }>();
  const add = (section: AsmSection, bytes: Uint8Array, size: number, relocations: readonly Relocation[]) => {
    let s = sections.get(section.name);
    if (!s) sections.set(section.name, (s = { section, bytes: [], size: 0, relocations: [], addralign: 1 }));
    s.bytes.push(bytes);
    s.size += size;
    for (const r of relocations) s.relocations.push(r);
    s.addralign = Math.max(s.addralign, section.addralign);
  };
  for (const s of prefix.module.sections) add(s, s.bytes, s.size, s.relocations);
  for (const p of parts) for (const s of p.sections) add(s.section, s.bytes, s.size, s.relocations);
  const moduleSections: AsmSection[] = [...sections.values()].map((s) => {
    const bytes = new Uint8Array(s.section.type === 8 ? 0 : s.size);
    if (s.section.type !== 8) {
      let at = 0;
      for (const b of s.bytes) {
        bytes.set(b, at);
        at += b.length;
      }
    }
    return { ...s.section, bytes, size: s.size, relocations: s.relocations, addralign: s.addralign };
  });
  const symbols: AsmSymbol[] = [...prefix.module.symbols];
  const named = new Set(symbols.map((s) => s.name));
  for (const p of parts) for (const s of p.symbols) {
    if (named.has(s.name) || (s.section === 'UND' && defined.has(s.name))) continue;
    named.add(s.name);
    symbols.push(s);
  }
  // concat copies each piece's list at once (pushing element by element cost most of compose).
  const cat = <T>(first: readonly T[], pick: (p: RegionPart) => readonly T[]): T[] => ([] as T[]).concat(first, ...parts.map(pick));
  // The line entries, local labels and numeric references are joined when first read (a hover
  // on a numeric label, an .eh_frame line): an edit's findings read the entries by piece
  // (linePieces) and none of the others, and joining them was a third of compose.
  let lines: LineEntry[] | undefined;
  let localLabels: AsmSymbol[] | undefined;
  let numericReferences: NumericReference[] | undefined;
  const module: AsmModule = {
    sections: moduleSections,
    symbols,
    get lines(): LineEntry[] {
      return (lines ??= cat(prefix.module.lines, (p) => p.lines));
    },
    cfi: cat(prefix.module.cfi, (p) => p.cfi),
    alternatives: cat(prefix.module.alternatives, (p) => p.alternatives),
    diagnostics: cat(prefix.module.diagnostics, (p) => p.diagnostics),
    get localLabels(): AsmSymbol[] {
      return (localLabels ??= cat(prefix.module.localLabels ?? [], (p) => p.labels().localLabels));
    },
    get numericReferences(): NumericReference[] {
      return (numericReferences ??= cat(prefix.module.numericReferences ?? [], (p) => p.labels().numericReferences));
    },
    skipped: cat(prefix.module.skipped ?? [], (p) => p.skipped),
  };
  // The whole file's assembler stops at the limit; the pieces would go on past it.
  if (module.diagnostics.length >= MAX_DIAGNOSTICS) throw new NotSeparable('as many messages as the assembler keeps');
  const preprocessed: PreprocessResult | undefined = !preprocessesFile(file) ? undefined : new ComposedOutput([prefix.pre, ...parts.map((p) => p.pre)]);
  return {
    module,
    preprocessed,
    expanded: () => {
      prefix.expanded ??= expandedOf(prefix.pre, file, 0);
      const out = [...prefix.expanded];
      let base = prefix.pre.lines.length;
      for (const p of parts) {
        const holder = p.statements;
        if (holder.base !== base || holder.line !== p.startLine || !holder.list) {
          holder.base = base;
          holder.line = p.startLine;
          holder.list = expandedOf(p.pre, file, base, p.parsed);
        }
        for (const e of holder.list) out.push(e);
        base += p.pre.lines.length;
      }
      return out;
    },
    lexical: () => joinScans([prefixScan(prefix), ...parts.map(partScan)]),
    lexicalPieces: () => [prefixScan(prefix), ...parts.map(partScan)],
    linePieces: () => [prefix.module.lines, ...parts.map((p) => p.lines)],
    eachCppStatement: (f) => {
      for (const s of (prefix.parsed ??= statements(prefix.pre.text))) f(s);
      for (const p of parts) for (const s of p.parsed) f(s);
    },
    lexicalAt: (line) => {
      // The last piece starting at or before the line (the prefix before the first region).
      let lo = 0;
      let hi = parts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (parts[mid]!.startLine <= line) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? prefixScan(prefix) : partScan(parts[lo - 1]!);
    },
  };
}

function prefixScan(prefix: Prefix): SourceScan {
  return (prefix.scan ??= scanAt(prefix.text, 0));
}

/** A region's scan at its line, kept with the part (and its shifted copies), moved when the line changes. */
function partScan(p: RegionPart): SourceScan {
  if (p.lexical.line !== p.startLine || !p.lexical.scan) {
    p.lexical.line = p.startLine;
    p.lexical.scan = p.lexical.scan ? movedScan(p.lexical.scan, p.startLine) : scanAt(p.text, p.startLine);
  }
  return p.lexical.scan;
}

// Owns the assembler's working state shared by the directive handlers: the sections and the
// current (sub)section with its section stack, emitting bytes and fixups into the current
// frag, labels, expression binding and evaluation, diagnostics and the line entries.
import { dotMinusName, isPlainName, numberExpr, parseWholeExpression, plainDecimal, ExprSyntaxError, type Expr } from './expr';
import { bindExpr, EvalError, Evaluator, isAbsolute, type BindPlace, type Value } from './evaluate';
import { SHT_FINI_ARRAY, SHT_INIT_ARRAY, SHT_NOBITS, SHT_NOTE, SHT_PREINIT_ARRAY, SHT_PROGBITS } from '../elf/sections';
import { specialSection } from './special-sections';
import { closeFrag, fixedSize, fragSize, ByteStream, newFrag, type Frag, type SectionState, type Variable } from './layout';
import { FixupColumns, type FixupSpec } from './fixups';
import type { Diagnostic, SkippedGroup, SourceLocation } from './module';
import { attrsOf, isFixed, SymbolTable, type NumericReferenceSink, type SymbolState } from './symbol-table';
import { PendingLines } from './pending-lines';
import { NumericReferenceColumns } from './numeric-references';
import { Places } from './places';
import { X86_FEATURES } from './builtin-features';
import { isBlank, isDigit } from './chars';
import type { KnownEncoding } from './instructions';
import { objectList } from '../object-list';
import { AsmError } from './asm-error';

/** A problem in the statement being assembled: reported with its location, the file goes on. */
export { AsmError };

/** GNU as's message for an operand that must be a number when read and is not. */
const NOT_ABSOLUTE = 'bad or irreducible absolute expression';
/** GNU as's message for a `.fill`, `.space` or `.zero` count that is not a number when its frag is settled. */
export const FILL_NOT_ABSOLUTE = '.space, .nops or .fill specifies non-absolute value';

/** Where a statement at a 0-based line and column of some text is in the user's files (the preprocessor's map, a macro's call site). */
export type Locator = (line: number, column: number) => SourceLocation;

interface SectionPlace {
  readonly section: SectionState;
  readonly subsection: number;
}

/** Expression texts `parse` keeps at most (it starts again past that). */
const MAX_PARSED = 4096;

/** Messages kept per file: enough for an editor, bounded for a runaway macro. */
export const MAX_DIAGNOSTICS = 1000;

/** True once a file has produced as many messages as are kept (the assembler stops then). */
export function tooManyDiagnostics(st: { readonly diagnostics: readonly unknown[] }): boolean {
  return st.diagnostics.length >= MAX_DIAGNOSTICS;
}

export class AsmState implements BindPlace, NumericReferenceSink {
  readonly symbols = new SymbolTable();
  readonly evaluator = new Evaluator(this.symbols);
  readonly sections = objectList<SectionState>();
  readonly diagnostics: Diagnostic[] = [];
  readonly skipped: SkippedGroup[] = [];
  /** What each `.print` gave, in order (module.ts AsmModule.printed). */
  readonly printed: Uint8Array[] = [];
  readonly places: Places;
  /**
   * Expressions by their text, parsed once: a tree is never changed (binding makes a new one),
   * and a macro's expansions repeat their operand texts. Only a text that parses goes in.
   */
  private readonly parsed = new Map<string, Expr>();
  readonly lines: PendingLines;
  current!: SectionPlace;
  private previous: SectionPlace | undefined;
  private readonly stack = objectList<{ current: SectionPlace; previous: SectionPlace | undefined }>();
  private readonly fragOf = new Map<SectionState, Map<number, Frag>>();
  /**
   * Where the statement being assembled is: its frame's locator and the 0-based line and
   * column in the frame's text (`place`), the location object made only when asked for
   * (most statements never are: a line entry keeps the three, not an object).
   */
  private placeLocator: Locator | undefined;
  /** The statement's 0-based line and column in its frame's text (a location set outright ignores them). */
  placeLine = 0;
  placeColumn = 0;
  private placed: SourceLocation | undefined;
  /** The statement's place among `places`, once something asked for it (-1 before). */
  private placeIndex = -1;
  /**
   * The operand text of each integer written to .altinstructions that names a feature
   * (`X86_FEATURE_`), by offset: the text last written at an offset, when it names one, is what
   * finish reads the site's feature name from (`recordAltText`).
   */
  readonly altText = new Map<number, string>();
  private fixupSeq = 0;
  /** The frag `frag()` gave last, while the current place stays (switchTo and popSection drop it). */
  private currentFrag: Frag | undefined;
  /** Instruction encodings by text, taken again while their expressions evaluate the same (instructions.ts). */
  readonly encodings = new Map<string, Map<string, KnownEncoding>>();
  /** The same for instruction shapes (names replaced by placeholders), by the hash of the shape's key (instruction-shapes.ts). */
  readonly shapeEncodings = new Map<string, Map<number, KnownEncoding>>();
  /** How many encodings `encodings` and `shapeEncodings` hold. */
  knownEncodings = 0;
  /** `.code32` (default) or `.code16`. */
  codeSize: 32 | 16 = 32;
  /** A `.type` named gnu_unique_object (module.ts AsmModule.gnuUnique). */
  gnuUnique = false;
  /** The numeric label references resolved, by statement (recordNumericReferences); undefined unless asked for. */
  numericReferences: NumericReferenceColumns | undefined;

  /**
   * `textLength`: the source's length, from which the statement columns (places, line entries)
   * are made at about the size they end at, instead of doubled from small a dozen times (each
   * time a copy, and memory the collector is told of) on a large source.
   */
  constructor(readonly file: string, textLength = 0) {
    // About a statement per 16 characters of GAS source (the bench's source has 118,000 places
    // in 2 MB). The bound is on the untouched room only: a typed array's pages cost nothing
    // until written, while growing one past its size copies it into fresh pages (a 20 MB source
    // crossed the former bound of 2^20 near its end).
    const capacity = Math.max(1024, Math.min(1 << 23, textLength >>> 4));
    this.places = new Places(capacity);
    this.lines = new PendingLines(this.places, capacity);
    this.placed = { file, line: 1, column: 1 };
    this.section('.text', 0);
    this.section('.data', 0);
    this.section('.bss', 0);
    this.section('.text', 0);
    // GAS's error for `Nb` before any `N:`, once per label at the statement that has it (an
    // instruction's operands may be bound more than once while its form is chosen).
    let at = -1;
    const labels: number[] = [];
    this.symbols.onUnknownBackward = (label) => {
      if (at !== this.where) {
        at = this.where;
        labels.length = 0;
      }
      if (labels.includes(label)) return;
      labels.push(label);
      this.error(`backward ref to unknown label "${label}:"`);
    };
  }

  /** Keeps, from now on, each numeric label reference resolved and the statement it is in (once per statement). */
  recordNumericReferences(): void {
    this.numericReferences = new NumericReferenceColumns();
    this.symbols.numericReferences = this;
  }

  /** A numeric reference resolved (recordNumericReferences): kept with the statement's place, not its location object (finish makes those only when a request on a local label reads them). */
  referenced(instance: SymbolState, label: number, direction: 'f' | 'b'): void {
    this.numericReferences!.add(this.where, label, direction, instance);
  }

  /** Where the statement being assembled is (the user's line, through macros and #include). */
  get location(): SourceLocation {
    return (this.placed ??= this.placeLocator!(this.placeLine, this.placeColumn));
  }

  set location(location: SourceLocation) {
    this.placed = location;
    this.placeLocator = undefined;
    this.placeIndex = -1;
  }

  /**
   * The statement's place (places.ts): what a symbol, fixup, variable part or line entry keeps
   * instead of a location object, made into one by `locationOf` when a message or the module
   * asks for it.
   */
  get where(): number {
    if (this.placeIndex < 0) this.placeIndex = this.places.add(this.placeWhere, this.placeLine, this.placeColumn);
    return this.placeIndex;
  }

  /**
   * What places the statement being assembled: its frame's locator (with placeLine and
   * placeColumn), or a location set outright. The locator even once `location` has made its
   * object: the place then keeps no object of its own.
   */
  get placeWhere(): Locator | SourceLocation {
    return this.placeLocator ?? this.placed!;
  }

  /** The location of a place `where` gave. */
  locationOf(place: number): SourceLocation {
    return this.places.location(place);
  }

  /**
   * Places the statement being assembled at `line`, `column` of a frame whose locator is
   * `where`, or at `where` itself when it is a location (a macro expansion's call site).
   */
  place(where: Locator | SourceLocation, line: number, column: number): void {
    if (typeof where === 'function') {
      this.placeLocator = where;
      this.placed = undefined;
    } else {
      this.placeLocator = undefined;
      this.placed = where;
    }
    this.placeLine = line;
    this.placeColumn = column;
    this.placeIndex = -1;
  }

  // --- sections -------------------------------------------------------------------------

  /** The section of that name, created with the defaults GAS gives well-known names. */
  sectionNamed(name: string): { section: SectionState; created: boolean } {
    // A loop, not `find` with a closure made per call (each ALTERNATIVE site switches sections four times).
    const sections = this.sections;
    for (let k = 0; k < sections.length; k++) if (sections[k]!.name === name) return { section: sections[k]!, created: false };
    const d = defaultSectionAttributes(name);
    const section: SectionState = {
      name,
      type: d.type,
      flags: d.flags,
      entsize: defaultEntsize(d.type),
      addralign: 1,
      subsections: new Map(),
      index: this.sections.length,
      symbolUsed: false,
      symbolsBefore: this.symbols.made,
    };
    this.sections.push(section);
    return { section, created: true };
  }

  /** Switches to a section and subsection (the .text/.section/.pushsection common part). */
  section(name: string, subsection: number): SectionState {
    const { section } = this.sectionNamed(name);
    this.switchTo({ section, subsection });
    return section;
  }

  switchTo(place: SectionPlace): void {
    if (this.current) this.previous = this.current;
    this.current = place;
    this.currentFrag = undefined;
    this.frag();
  }

  previousSection(): void {
    if (!this.previous) throw new AsmError('.previous without corresponding .section; ignored');
    this.switchTo(this.previous);
  }

  pushSection(): void {
    this.stack.push({ current: this.current, previous: this.previous });
  }

  popSection(): void {
    const top = this.stack.pop();
    if (!top) throw new AsmError('.popsection without corresponding .pushsection; ignored');
    this.current = top.current;
    this.previous = top.previous;
    this.currentFrag = undefined;
    this.frag();
  }

  // --- frags ----------------------------------------------------------------------------

  /** The frag bytes go into now (a fresh one after a variable part). */
  frag(): Frag {
    const f = this.currentFrag;
    if (f !== undefined && f.variable === undefined) return f;
    return (this.currentFrag = this.placeFrag());
  }

  /** The current place's frag, looked up (`frag()` keeps it until the place changes). */
  private placeFrag(): Frag {
    const { section, subsection } = this.current;
    let bySub = this.fragOf.get(section);
    if (!bySub) this.fragOf.set(section, (bySub = new Map()));
    const f = bySub.get(subsection);
    if (f && !f.variable) return f;
    return this.newFrag(section, subsection, f);
  }

  private newFrag(section: SectionState, subsection: number, prev: Frag | undefined): Frag {
    const f = prev ? newFrag(section, prev.stream, prev.fixups) : newFrag(section, new ByteStream(), new FixupColumns());
    f.address = prev ? prev.address + fragSize(prev) : this.subsectionStart(section, subsection);
    let list = section.subsections.get(subsection);
    if (!list) section.subsections.set(subsection, (list = objectList<Frag>()));
    list.push(f);
    section.ordered = undefined;
    this.fragOf.get(section)!.set(subsection, f);
    return f;
  }

  /** Where a new subsection starts: after the last frag of the highest subsection below it. */
  private subsectionStart(section: SectionState, subsection: number): number {
    let below = -1;
    let last: Frag | undefined;
    for (const [k, frags] of section.subsections) {
      if (k < subsection && k > below && frags.length > 0) {
        below = k;
        last = frags[frags.length - 1];
      }
    }
    return last === undefined ? 0 : last.address + fragSize(last);
  }

  /** Ends the current frag with a variable part of the given current size. */
  variable(v: Variable, estimate: number): void {
    const f = this.frag();
    closeFrag(f);
    f.variable = v;
    f.varSize = estimate;
  }

  emit(bytes: ArrayLike<number>): void {
    const f = this.frag();
    if (this.current.section.type === SHT_NOBITS) {
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== 0) {
          throw new AsmError(`attempt to store non-zero value in section \`${this.current.section.name}'`);
        }
      }
    }
    f.stream.append(bytes);
  }

  /** Emits `count` bytes of `value` (the low 8 bits). */
  emitFill(count: number, value: number): void {
    const f = this.frag();
    if (this.current.section.type === SHT_NOBITS && (value & 0xff) !== 0 && count > 0) {
      throw new AsmError(`attempt to store non-zero value in section \`${this.current.section.name}'`);
    }
    f.stream.fill(count, value & 0xff);
  }

  addFixup(fixup: FixupSpec, fieldOffset: number): void {
    this.frag().fixups.add(fieldOffset, fixup, fixup.late ? -1 : this.nextSeq());
  }

  /** The next fixup creation number. */
  nextSeq(): number {
    return this.fixupSeq++;
  }

  /** The current place (frag and offset in it). */
  here(): { frag: Frag; offset: number } {
    const f = this.frag();
    return { frag: f, offset: fixedSize(f) };
  }

  /** Records that bytes emitted from `offset` in `frag` to now came from the current statement. */
  lineFrom(frag: Frag, offset: number, instruction: boolean): void {
    const end = this.frag();
    if (end !== frag) {
      const length = fixedSize(frag) - offset + frag.varSize;
      if (length > 0) this.lines.push(frag, offset, length, this.where, instruction);
      return;
    }
    const size = fixedSize(end);
    if (size > offset) this.lines.push(frag, offset, size - offset, this.where, instruction);
  }

  // --- symbols --------------------------------------------------------------------------

  defineLabel(name: string): void {
    const s = allDigits(name) ? this.symbols.defineNumeric(Number(name)) : this.symbols.get(name, this.where);
    // A common symbol of size 0 (`.comm x,0`, `.type x,@common`) is defined by a label, as GNU as lets it be.
    if (s.state === 'common' && s.attrs.commonSize !== 0) throw new AsmError(`symbol \`${name}' is already defined as "*COM*"/${s.attrs.commonSize}`);
    if (s.state === 'label' || (s.state === 'equated' && isFixed(s))) throw new AsmError(`symbol \`${name}' is already defined`);
    const { frag, offset } = this.here();
    s.state = 'label';
    s.frag = frag;
    s.offset = offset;
    if (s.attrs.equ !== undefined) attrsOf(s).equ = undefined;
    s.place = this.where;
  }

  // --- expressions ----------------------------------------------------------------------

  parse(text: string): Expr {
    const known = this.parsed.get(text);
    if (known !== undefined) return known;
    try {
      const expr = parseWholeExpression(text);
      if (this.parsed.size >= MAX_PARSED) this.parsed.clear();
      this.parsed.set(text, expr);
      return expr;
    } catch (e) {
      if (!(e instanceof ExprSyntaxError)) throw e;
      if (e.message === 'missing operand' && e.at >= text.trimEnd().length) {
        this.warning('missing operand; zero assumed');
        return this.parse(`${text} 0`);
      }
      throw new AsmError(e.message);
    }
  }

  /**
   * The tree of expression text. A name alone (`.long f1`, the commonest data operand) is what
   * the parser would make of it, a symbol node: it is made without the parser and without a
   * place in the parsed texts' table (its name is new in every function, so the table would
   * only keep it for the collector to copy). So is `. - NAME` (dotMinusName: `.size`'s operand).
   */
  expression(text: string): Expr {
    if (isPlainName(text)) return { kind: 'symbol', name: text };
    return (text.charCodeAt(0) === 0x2e || isBlank(text.charCodeAt(0)) ? dotMinusName(text) : undefined) ?? this.parse(text);
  }

  /** Parses and binds expression text at the current place. */
  bindText(text: string): Expr {
    return this.bind(this.expression(text));
  }

  /** Binds an expression at the current place (see evaluate.ts). */
  bind(expr: Expr): Expr {
    return bindExpr(this.builtinFeatures(expr), this.symbols, this);
  }

  /** While an instruction is encoded, the warnings its operands' binding gives (kept with its encoding: instructions.ts). */
  bindWarnings: string[] | undefined;

  /** `warning` at the current place, for `bind`; into `bindWarnings` while they are kept (once each). */
  bindWarning(message: string): void {
    if (this.bindWarnings === undefined) this.warning(message);
    else if (!this.bindWarnings.includes(message)) this.bindWarnings.push(message);
  }

  /** A fresh symbol for `.` at the current place, for `bind`. */
  dotSymbol(): SymbolState {
    const f = this.frag();
    return this.symbols.dot(f, fixedSize(f));
  }

  /** Replaces X86_FEATURE_* names the file does not define with their built-in numbers (the same tree when there are none). */
  private builtinFeatures(expr: Expr): Expr {
    switch (expr.kind) {
      case 'symbol': {
        // Every built-in name starts with X86_FEATURE_ (the map is not asked about others).
        if (expr.reloc || expr.name.charCodeAt(0) !== 0x58 || !expr.name.startsWith('X86_FEATURE_')) return expr;
        const f = X86_FEATURES.get(expr.name);
        if (f === undefined) return expr;
        const s = this.symbols.find(expr.name);
        if (s && s.state !== 'undefined') return expr;
        return numberExpr(BigInt(f.value));
      }
      case 'unary': {
        const operand = this.builtinFeatures(expr.operand);
        return operand === expr.operand ? expr : { kind: 'unary', op: expr.op, operand };
      }
      case 'binary': {
        const left = this.builtinFeatures(expr.left);
        const right = this.builtinFeatures(expr.right);
        return left === expr.left && right === expr.right ? expr : { kind: 'binary', op: expr.op, left, right };
      }
      default:
        return expr;
    }
  }

  evaluate(bound: Expr): Value {
    try {
      return this.evaluator.evaluate(bound);
    } catch (e) {
      if (e instanceof EvalError) throw new AsmError(e.message);
      throw e;
    }
  }

  /** The bound expression's value, or undefined where `evaluate` would throw (an estimate that may fail). */
  tryEvaluate(bound: Expr): Value | undefined {
    return this.evaluator.tryEvaluate(bound);
  }

  /**
   * Parses, binds and evaluates text that must be a number now (counts, .if, alignments);
   * `message` is GNU as's when it is not (get_absolute_expression's unless the directive has its own).
   */
  absolute(text: string, message = NOT_ABSOLUTE): bigint {
    const plain = plainDecimal(text);
    if (plain !== undefined) return plain;
    const v = this.evaluate(this.bindText(text));
    if (!isAbsolute(v)) throw new AsmError(message);
    return v.add;
  }

  // --- diagnostics ----------------------------------------------------------------------

  error(message: string, location = this.location): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) return;
    this.diagnostics.push({ severity: 'error', location, message: oneLine(message) });
  }

  warning(message: string, location = this.location): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) return;
    this.diagnostics.push({ severity: 'warning', location, message: oneLine(message) });
  }
}

/** `/^\d+$/` without a regular expression (run for every label). */
function allDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** A message that quotes source text stays one line: a carriage return inside a line shows as \\r. */
function oneLine(message: string): string {
  return message.indexOf('\r') < 0 ? message : message.replace(/\r/g, '\\r');
}

/**
 * GAS's type and flags for a section it creates from a name alone: those of BFD's special
 * sections (special-sections.ts), a type the object writer keeps tables of (strings, symbols,
 * relocations, dynamic linking) as PROGBITS.
 */
export function defaultSectionAttributes(name: string): { type: number; flags: number } {
  const special = specialSection(name);
  if (special === undefined) return { type: SHT_PROGBITS, flags: 0 };
  return { type: CREATED_TYPES.has(special.type) ? special.type : SHT_PROGBITS, flags: special.flags };
}

/** The entry size GAS gives a section of `type` it is not told one for: a pointer for the init, fini and preinit arrays. */
export function defaultEntsize(type: number): number {
  return type === SHT_INIT_ARRAY || type === SHT_FINI_ARRAY || type === SHT_PREINIT_ARRAY ? 4 : 0;
}

/** The section types a section created by name may have (the rest are the writer's own tables). */
const CREATED_TYPES: ReadonlySet<number> = new Set([SHT_PROGBITS, SHT_NOBITS, SHT_NOTE, SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY]);

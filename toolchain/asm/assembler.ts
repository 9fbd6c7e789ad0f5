// Owns the GAS front end's reading loop: `assemble({ file, text, lineMap })` walks the
// statements of the (preprocessed) source and of macro and .rept/.irp/.irpc expansions,
// keeps the conditional-assembly stack, collects macro and repeat bodies, defines labels,
// and hands each statement to its directive handler or to the instruction encoder. Errors
// become diagnostics and reading goes on. Relaxation and the result are toolchain/asm/finish.ts.
import { StatementReader, statements, type Statement } from './statements';
import type { AsmModule, SourceLocation } from './module';
import { AsmError, AsmState, MAX_DIAGNOSTICS, tooManyDiagnostics, type Locator } from './state';
import { fixedSize } from './layout';
import { DATA_DIRECTIVES, type Handler } from './data-directives';
import { SECTION_SYMBOL_DIRECTIVES, setSymbol } from './directives';
import { CfiState, cfiDirectives } from './cfi-directives';
import { bindArguments, MacroError, parseMacroHeader, splitArguments, statementText, substitute, type MacroDefinition } from './macros';
import { builtinMacros } from './prelude';
import { fixedStatements, runFixedStep, type FixedStatement, type FixedStep } from './builtin-steps';
import { conditionHolds, CONDITIONALS } from './conditionals';
import { assembleInstruction } from './instructions';
import { finish } from './finish';
import { readString } from './strings';

/** Maps a 0-based line and column of the text to the user's file:line:column (the preprocessor's map). */
export type LineMap = Locator;

export interface AssembleInput {
  readonly file: string;
  readonly text: string;
  readonly lineMap?: LineMap;
  /** The symbol limit (default MAX_SYMBOLS); tests give a small one. */
  readonly maxSymbols?: number;
  /** Record which instance each numeric label reference names (module.numericReferences), for the editor. */
  readonly numericReferences?: boolean;
}

interface BodyLine {
  readonly text: string;
  readonly location: SourceLocation;
}

/**
 * One reader on the frame stack. A class, every field set by its constructor in one order:
 * the frame literals' four shapes (a file, a .rept, a macro expansion, a kept one) shared
 * their first fields, and a field given another kind of value in a later assembly gave up
 * the code compiled for the first (docs/speed-and-exactness.md).
 */
class Frame {
  constructor(
    /** The frame's statements, read one at a time. */
    readonly reader: { next(): Statement | undefined },
    /**
     * Where a statement at a 0-based line and column of the frame's text is, for messages and
     * the line table. A macro expansion's statements are all at its call site: `locate` is then
     * the call site's own frame's locator (or location), and `line` and `column` the call site's
     * in that frame, with no location object made per expansion (they were kept to the end of
     * the assembly by the statements' places); -1 in a frame whose statements are where they are.
     */
    readonly locate: Locator | SourceLocation,
    readonly line: number,
    readonly column: number,
    readonly condDepth: number,
    /** Set for a macro expansion (where .exitm returns to). */
    readonly macro: string | undefined,
    /** A kept expansion of a built-in macro whose own statements have steps (builtin-steps.ts). */
    readonly fixed: KeptStatements | undefined,
  ) {}
}


interface Collecting {
  readonly kind: 'macro' | 'rept';
  /** The directive that started it and its operands. */
  readonly op: string;
  readonly operands: string;
  readonly location: SourceLocation;
  depth: number;
  readonly body: BodyLine[];
}

interface Conditional {
  active: boolean;
  done: boolean;
  readonly parentActive: boolean;
  elseSeen: boolean;
  readonly location: SourceLocation;
}

/**
 * One macro's expansions by invocation: a body without `\@` expands the same operand text to
 * the same statements wherever it is invoked (the kernel's ALTERNATIVE sites repeat theirs),
 * so they are substituted and read once and taken again. `counterFree` says whether the body
 * qualifies; `byOperands` holds at most MAX_KEPT_EXPANSIONS of each.
 */
interface Expansions {
  readonly counterFree: boolean;
  readonly byOperands: Map<string, KeptExpansion>;
  /** For a built-in definition, the steps of its own body lines (builtin-steps.ts). */
  readonly fixed: ReadonlyArray<FixedStatement | undefined> | undefined;
}

/** One invocation's statements, and the step of each that is a built-in macro's own (none for other macros). */
interface KeptExpansion {
  readonly list: readonly Statement[];
  readonly steps: ReadonlyArray<FixedStep | undefined> | undefined;
}

const MAX_KEPT_EXPANSIONS = 256;

/** Gives a kept expansion's statements in order (they are never changed, so they are shared). */
class KeptStatements {
  private at = 0;
  constructor(private readonly list: readonly Statement[], private readonly steps: ReadonlyArray<FixedStep | undefined> | undefined) {}
  next(): Statement | undefined {
    return this.at < this.list.length ? this.list[this.at++] : undefined;
  }
  /** The step of the statement `next` gave last, if it has one. */
  step(): FixedStep | undefined {
    return this.steps === undefined ? undefined : this.steps[this.at - 1];
  }
}

/**
 * The step of each statement of an expansion that is one of the definition's own body lines,
 * as written (an argument's text could have joined it to its own line, or commented it out).
 */
function stepsOf(list: readonly Statement[], fixed: ReadonlyArray<FixedStatement | undefined>): Array<FixedStep | undefined> | undefined {
  let any = false;
  const steps = list.map((s) => {
    const f = fixed[s.line];
    if (f === undefined || f.op !== s.op || f.operands !== s.operands) return undefined;
    any = true;
    return f.step;
  });
  return any ? steps : undefined;
}

const MAX_FRAMES = 512;
const MAX_STATEMENTS = 4_000_000;
const MAX_REPEAT = 1 << 20;
/** The most symbols one file may make: about 1 KB each, so that input within the size limit ends in a message, not out of memory (GNU as has no such limit). */
export const MAX_SYMBOLS = 2_000_000;
/** The largest text one macro invocation may expand to (a macro that doubles its argument on each call grows past any memory). */
export const MAX_EXPANSION = 16 << 20;

/** Marks the conditionals among the reader's directives (never called: `statement` takes them first). */
const CONDITIONAL: Handler = () => undefined;

function hasUpperCase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7f) return true;
  }
  return false;
}

/** Assembles one source; never throws for bad input (problems are in `diagnostics`). */
export function assemble(input: AssembleInput): AsmModule {
  return new Reader(input).run();
}

class Reader {
  private readonly st: AsmState;
  private readonly cfi = new CfiState();
  private readonly frames: Frame[] = [];
  private readonly conds: Conditional[] = [];
  private readonly macros = new Map<string, MacroDefinition>();
  private readonly builtins = builtinMacros();
  private readonly expansions = new Map<MacroDefinition, Expansions>();
  private collecting: Collecting | undefined;
  private macroCounter = 0;
  private fileSymbol: string | undefined;
  /** The directives with a handler, and the conditionals (as CONDITIONAL), by lower-case name. */
  private readonly directives: Map<string, Handler>;
  private ended = false;
  /** Statements read so far (bounded by MAX_STATEMENTS). */
  private count = 0;
  /** Where the skipped group now open began (the directive line before it). */
  private skipFrom: SourceLocation | undefined;

  private readonly maxSymbols: number;

  constructor(input: AssembleInput) {
    this.st = new AsmState(input.file, input.text.length);
    this.maxSymbols = input.maxSymbols ?? MAX_SYMBOLS;
    if (input.numericReferences) this.st.recordNumericReferences();
    const map = input.lineMap;
    const file = input.file;
    this.frames.push(new Frame(new StatementReader(input.text, true), map ?? ((line, column) => ({ file, line: line + 1, column: column + 1 })), -1, -1, 0, undefined, undefined));
    this.directives = new Map<string, Handler>([...DATA_DIRECTIVES, ...SECTION_SYMBOL_DIRECTIVES, ...cfiDirectives(this.cfi)]);
    for (const c of CONDITIONALS) this.directives.set(c, CONDITIONAL);
  }

  run(): AsmModule {
    this.readAll();
    const end = this.st.location;
    if (this.collecting) {
      // GNU as 2.40's wording for each kind of unterminated body.
      const c = this.collecting;
      const message = c.kind === 'macro' ? `unexpected end of file in macro \`${c.operands.split(/[\s,]/)[0]}' definition` : c.op === '.rept' ? 'REPT without ENDR' : 'unexpected end of file in irp or irpc';
      this.st.error(message, c.location);
    }
    for (const c of this.conds) {
      this.st.error('end of file inside conditional', c.location);
      this.st.error('here is the start of the unterminated conditional', c.location);
    }
    if (this.cfi.open) this.st.error('open CFI at the end of file; missing .cfi_endproc directive', end);
    for (const { label, instance } of this.st.symbols.undefinedForward()) this.st.error(`local label \`"${label}" (instance number ${instance} of a fb label)' is not defined`, end);
    return finish(this.st, this.cfi, this.fileSymbol);
  }

  /**
   * Reads and assembles every statement. A statement per call: `step` is optimized after its
   * first few thousand calls, where a loop in the once-called `run` would wait for on-stack
   * replacement in every assembly. The loop ends this method: V8 keeps a loop's on-stack code
   * after it gives itself up, and `run`'s code after its loop (no type feedback when that code
   * was compiled) gave it up in every assembly (docs/speed-and-exactness.md).
   */
  private readAll(): void {
    while (this.step());
  }

  /** Reads and assembles the next statement; false when reading has ended. */
  private step(): boolean {
    const frames = this.frames;
    if (frames.length === 0 || this.ended) return false;
    const top = frames[frames.length - 1]!;
    const s = top.reader.next();
    if (!s) {
      frames.pop();
      return true;
    }
    if (++this.count > MAX_STATEMENTS) {
      this.st.error('too many statements (runaway macro or .rept?)');
      return false;
    }
    if (tooManyDiagnostics(this.st)) {
      this.st.diagnostics.pop();
      this.st.error(`too many messages (${MAX_DIAGNOSTICS}); stopped here`);
      return false;
    }
    if (top.line >= 0) this.st.place(top.locate, top.line, top.column);
    else this.st.place(top.locate, s.line, s.labels.length ? s.labels[0]!.column : s.opColumn);
    try {
      this.statement(s, top);
    } catch (e) {
      if (e instanceof AsmError || e instanceof MacroError) this.st.error(e.message);
      else throw e;
    }
    if (this.st.symbols.size > this.maxSymbols) {
      this.st.error(`more than ${this.maxSymbols} symbols; stopped here`);
      return false;
    }
    return true;
  }

  private get active(): boolean {
    // Never index -1: a read before an empty array's start is a slow property lookup in V8.
    const n = this.conds.length;
    return n === 0 || this.conds[n - 1]!.active;
  }

  private statement(s: Statement, frame: Frame): void {
    const directive = s.op.charCodeAt(0) === 0x2e;
    const op = directive ? s.op.toLowerCase() : s.op;
    if (this.collecting) {
      this.collect(s, op);
      return;
    }
    // One look-up per directive: its handler, or CONDITIONAL (see `directives`).
    const handler = directive ? this.directives.get(op) : undefined;
    if (handler === CONDITIONAL) {
      const was = this.active;
      this.conditional(op, s.operands);
      if (this.frames.length === 1 && was !== this.active) this.skipping(was);
      return;
    }
    if (!this.active) return;
    const labels = s.labels;
    for (let k = 0; k < labels.length; k++) this.st.defineLabel(labels[k]!.name);
    if (op === '' && s.operands === '') return;
    if (op === '') throw new AsmError(`junk at end of line, first unrecognized character is \`${s.operands[0]}'`);
    // run() placed the statement at its first label, or (without labels) already at its op.
    if (s.labels.length > 0 && frame.line < 0) this.st.place(frame.locate, s.line, s.opColumn);
    if (s.operands.charCodeAt(0) === 0x3d && s.operands.charCodeAt(1) !== 0x3d) {
      setSymbol(this.st, op, s.operands.slice(1), false);
      return;
    }
    if (directive) {
      const step = frame.fixed === undefined ? undefined : frame.fixed.step();
      if (step !== undefined) {
        const frag = this.st.frag();
        const offset = fixedSize(frag);
        runFixedStep(this.st, step);
        this.st.lineFrom(frag, offset, false);
        return;
      }
      // No directive with a handler steers reading (`control`'s are not among them).
      if (handler !== undefined) {
        const frag = this.st.frag();
        const offset = fixedSize(frag);
        handler(this.st, s.operands, op);
        this.st.lineFrom(frag, offset, false);
        return;
      }
      if (this.control(op, s)) return;
      const macro = this.findMacro(op);
      if (macro) {
        this.expand(macro, s.operands);
        return;
      }
      throw new AsmError(`unknown pseudo-op: \`${op}'`);
    }
    const macro = this.findMacro(op);
    if (macro) {
      this.expand(macro, s.operands);
      return;
    }
    assembleInstruction(this.st, s.op, s.operands, s.operandsColumn === s.opColumn + s.op.length);
  }

  private findMacro(op: string): MacroDefinition | undefined {
    // Macro names are kept lower case; most ops are written so, and need no copy.
    const key = hasUpperCase(op) ? op.toLowerCase() : op;
    return this.macros.get(key) ?? this.builtins.get(key);
  }

  /** Directives that steer reading rather than produce bytes. Returns false for the others. */
  private control(op: string, s: Statement): boolean {
    const st = this.st;
    switch (op) {
      case '.macro':
      case '.rept':
      case '.irp':
      case '.irpc':
        this.collecting = { kind: op === '.macro' ? 'macro' : 'rept', op, operands: s.operands, location: st.location, depth: 1, body: [] };
        return true;
      case '.endm':
        st.warning('.endm encountered without preceding .macro');
        return true;
      case '.endr':
        st.warning('.endr encountered without preceding .rept, .irp, or .irpc');
        return true;
      case '.exitm': {
        const i = this.frames.map((f) => f.macro !== undefined).lastIndexOf(true);
        if (i < 0) throw new AsmError('.exitm not in a macro');
        this.conds.length = this.frames[i]!.condDepth;
        this.frames.length = i;
        return true;
      }
      case '.purgem':
        for (const n of splitArguments(s.operands)) {
          if (!this.macros.delete(n.value.toLowerCase())) st.warning(`Attempt to purge non-existing macro \`${n.value}'`);
        }
        return true;
      case '.error':
        st.error(s.operands.trim() ? this.message(s.operands) : '.error directive invoked in source file');
        return true;
      case '.err':
        st.error('.err encountered');
        return true;
      case '.warning':
        st.warning(s.operands.trim() ? this.message(s.operands) : '.warning directive invoked in source file');
        return true;
      case '.end':
        this.ended = true;
        return true;
      case '.include':
        throw new AsmError(`can't open ${s.operands.trim()} for reading: not supported (use #include)`);
      case '.file':
        if (/^"/.test(s.operands.trim())) this.fileSymbol ??= this.message(s.operands);
        return true;
      default:
        return false;
    }
  }

  private message(operands: string): string {
    const t = operands.trim();
    try {
      return String.fromCharCode(...readString(t, 0).bytes);
    } catch {
      throw new AsmError(`expected quoted string`);
    }
  }

  private collect(s: Statement, op: string): void {
    const c = this.collecting!;
    const frame = this.frames[this.frames.length - 1]!;
    const where = frame.locate;
    const location = typeof where !== 'function' ? where : frame.line >= 0 ? where(frame.line, frame.column) : where(s.line, s.opColumn);
    if (c.kind === 'macro') {
      if (op === '.macro') c.depth++;
      else if (op === '.endm') c.depth--;
    } else if (op === '.rept' || op === '.irp' || op === '.irpc') c.depth++;
    else if (op === '.endr') c.depth--;
    if (c.depth > 0) {
      c.body.push({ text: statementText(s), location });
      return;
    }
    if (s.labels.length > 0) c.body.push({ text: statementText({ ...s, op: '', operands: '' }), location });
    this.collecting = undefined;
    const saved = this.st.location;
    this.st.location = c.location;
    try {
      if (c.kind === 'macro') this.defineMacro(c);
      else this.repeat(c);
    } catch (e) {
      if (!(e instanceof AsmError || e instanceof MacroError)) throw e;
      this.st.error(e.message, c.location);
    } finally {
      this.st.location = saved;
    }
  }

  private defineMacro(c: Collecting): void {
    const def = parseMacroHeader(c.operands, false, c.body.map((b) => b.text));
    const key = def.name.toLowerCase();
    if (this.macros.has(key)) throw new AsmError(`Macro \`${def.name}' was already defined`);
    this.macros.set(key, def);
  }

  private expand(def: MacroDefinition, operands: string): void {
    if (this.frames.length >= MAX_FRAMES) throw new AsmError('macros nested too deeply');
    if (operands.length > MAX_EXPANSION) throw new AsmError(`macro ${def.name}: arguments longer than ${MAX_EXPANSION} bytes`);
    let kept = this.expansions.get(def);
    if (kept === undefined) {
      kept = { counterFree: def.body.every((l) => l.indexOf('\\@') < 0), byOperands: new Map(), fixed: fixedStatements(def) };
      this.expansions.set(def, kept);
    }
    const key = kept.counterFree ? operands : undefined;
    const same = key === undefined ? undefined : kept.byOperands.get(key);
    // The call site as its frame places it, not a location object or a closure returning one:
    // the places of the expansion's statements keep it to the end of the assembly (a closure
    // and its context, or an object, per expansion; docs/speed-and-exactness.md).
    const st = this.st;
    const locate = st.placeWhere;
    const line = st.placeLine;
    const column = st.placeColumn;
    if (same !== undefined) {
      this.macroCounter++;
      this.keptFrame(same, locate, line, column, def.name);
      return;
    }
    const values = bindArguments(def, operands);
    const counter = this.macroCounter++;
    let size = 0;
    const lines = def.body.map((l) => {
      const line = substitute(l, values, counter);
      size += line.length + 1;
      if (size > MAX_EXPANSION) throw new AsmError(`macro ${def.name}: expansion larger than ${MAX_EXPANSION} bytes`);
      return line;
    });
    const text = lines.join('\n');
    if (key === undefined) {
      this.frames.push(new Frame(new StatementReader(text, true), locate, line, column, this.conds.length, def.name, undefined));
      return;
    }
    const list = statements(text);
    // Steps by body line hold while each line of the expansion is one body line.
    const steps = kept.fixed !== undefined && lines.every((l) => l.indexOf('\n') < 0) ? stepsOf(list, kept.fixed) : undefined;
    const expansion = { list, steps };
    if (kept.byOperands.size >= MAX_KEPT_EXPANSIONS) kept.byOperands.clear();
    kept.byOperands.set(key, expansion);
    this.keptFrame(expansion, locate, line, column, def.name);
  }

  private keptFrame(expansion: KeptExpansion, locate: Locator | SourceLocation, line: number, column: number, macro: string): void {
    const reader = new KeptStatements(expansion.list, expansion.steps);
    this.frames.push(new Frame(reader, locate, line, column, this.conds.length, macro, expansion.steps === undefined ? undefined : reader));
  }

  private repeat(c: Collecting): void {
    const out: BodyLine[] = [];
    const emit = (values: Map<string, string>) => {
      for (const b of c.body) out.push({ text: values.size ? substitute(b.text, values, undefined) : b.text, location: b.location });
    };
    if (c.op === '.rept') {
      const n = c.operands.trim() === '' ? 0n : this.st.absolute(c.operands);
      if (n > BigInt(MAX_REPEAT)) throw new AsmError('.rept count too large');
      for (let i = 0n; i < n; i++) emit(new Map());
    } else {
      const m = /^\s*([A-Za-z_.$][\w.$]*)\s*,?\s*(.*)$/s.exec(c.operands);
      if (!m) throw new AsmError(`missing model parameter`);
      const name = m[1]!;
      if (c.op === '.irp') {
        const args = splitArguments(m[2]!);
        if (args.length === 0) emit(new Map([[name, '']]));
        for (const a of args) emit(new Map([[name, a.value]]));
      } else {
        const chars = m[2]!.replace(/^"(.*)"$/s, '$1').replace(/\s/g, '');
        if (chars.length === 0) emit(new Map([[name, '']]));
        for (const ch of chars) emit(new Map([[name, ch]]));
      }
    }
    if (out.length === 0) return;
    if (this.frames.length >= MAX_FRAMES) throw new AsmError('.rept nested too deeply');
    this.frames.push(new Frame(new StatementReader(out.map((b) => b.text).join('\n'), true), (line) => out[line]!.location, -1, -1, this.conds.length, undefined, undefined));
  }

  private conditional(op: string, operands: string): void {
    const st = this.st;
    const top = this.conds.length > 0 ? this.conds[this.conds.length - 1] : undefined;
    switch (op) {
      case '.else':
        if (!top) throw new AsmError('".else" without matching ".if"');
        if (top.elseSeen) throw new AsmError('duplicate .else');
        top.elseSeen = true;
        top.active = top.parentActive && !top.done;
        top.done = true;
        return;
      case '.elseif':
        if (!top) throw new AsmError('".elseif" without matching ".if"');
        if (top.elseSeen) throw new AsmError('.elseif after .else');
        if (!top.parentActive || top.done) {
          top.active = false;
          return;
        }
        top.active = conditionHolds(st, '.if', operands);
        top.done = top.active;
        return;
      case '.endif':
        if (!top) throw new AsmError('".endif" without ".if"');
        this.conds.pop();
        return;
      default: {
        const parentActive = this.active;
        const holds = parentActive ? this.safeCondition(op, operands) : false;
        this.conds.push({ active: holds, done: holds || !parentActive, parentActive, elseSeen: false, location: st.location });
      }
    }
  }

  /** A conditional of the file's own lines started (`began`) or ended a skipped group: the group lies between the two directive lines. */
  private skipping(began: boolean): void {
    const at = this.st.location;
    if (began) this.skipFrom = at;
    else if (this.skipFrom && this.skipFrom.file === at.file && this.skipFrom.line + 1 < at.line) this.st.skipped.push({ file: at.file, from: this.skipFrom.line + 1, to: at.line - 1 });
  }

  private safeCondition(op: string, operands: string): boolean {
    try {
      return conditionHolds(this.st, op, operands);
    } catch (e) {
      if (e instanceof AsmError) {
        this.st.error(e.message);
        return false;
      }
      throw e;
    }
  }
}

// Owns the preprocessor's reading machinery, shaped like cpp's: a stack of files being read
// (each with its lexer and its #if stack), backed-up lookahead tokens, and a stack of macro
// expansion contexts; `getToken` returns the next token after macro expansion, with padding
// tokens that tell the printer where cpp would put spaces. Expansion follows cpp exactly:
// arguments are pre-expanded unless they are operands of # or ##, `##` pastes when the
// token is read (a failed paste leaves two tokens, as asm mode allows), a macro is disabled
// while its expansion is being read and a name met then is painted never to expand.

import type { SourceLocation } from '../module';
import { Lexer, NAME_SHAPES, nameShape, type InvocationLine, type PlainLine } from './lexer';
import type { InvocationTemplates } from './invocation-lines';
import type { PrintedLines } from './printed-lines';
import { parseDefinition, type Macro } from './macro';
import { lexOne } from './lexer';
import {
  BOL, NO_EXPAND, PASTE_LEFT, PREV_WHITE, STRINGIFY, copyToken, paddingToken, quoteString, type Token,
} from './token';
import { runDirective, DIRECTIVES } from './directives';
import { objectList } from '../../object-list';
import type { CondFrame } from './directives';

export interface FileReader {
  /** The file's text, or undefined when there is no such file. */
  (path: string): string | undefined;
}

export interface CppDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly location: SourceLocation;
  readonly message: string;
}

/** Lines `from` to `to` (1-based, inclusive) of `file`: a group a conditional skipped. */
export interface SkippedGroup {
  readonly file: string;
  readonly from: number;
  readonly to: number;
}

export interface ReadingFile {
  readonly lexer: Lexer;
  /** The path as cpp names it (the include directory joined with the name as written). */
  readonly path: string;
  /** Index in the search list of the directory the file was found in (-1: not through it). */
  readonly dirIndex: number;
  readonly conds: CondFrame[];
}

interface Context {
  readonly macro: Macro | null;
  readonly tokens: readonly Token[];
  pos: number;
}

interface MacroArg {
  /** The argument as written (null: the variable arguments were left out entirely). */
  readonly first: Token[] | null;
  expanded?: Token[];
  stringified?: Token;
}

/** What is told when a new source line starts (cpp's line-change callback). */
export interface LineListener {
  lineChange(t: Token): void;
}

/** cpp's limit on nested #include. */
export const MAX_INCLUDE_DEPTH = 200;
/** Bound on tokens produced by macro expansion for one file (keeps hostile input finite). */
const MAX_EXPANDED_TOKENS = 2_000_000;
/** Bound on nested argument pre-expansion (keeps the JS stack finite). */
const MAX_ARG_NESTING = 2000;

export class Engine {
  /** The macros by name, defined and removed through `defineMacro` and `undefineMacro` (which keep `nameShapes`). */
  private readonly table = new Map<string, Macro>();
  readonly macros: ReadonlyMap<string, Macro> = this.table;
  /** 1 at each `nameShape` a macro name has had (never cleared): a plain line's word of another shape is no macro, and is not cut out and looked up. */
  private readonly nameShapes = new Uint8Array(NAME_SHAPES);
  readonly files: ReadingFile[] = objectList();
  readonly diagnostics: CppDiagnostic[] = objectList();
  readonly onceFiles = new Set<string>();
  /** Every file #include read, with the place of the directive (for an editor's links). */
  readonly included: Array<{ readonly path: string; readonly name: string; readonly location: SourceLocation }> = objectList();
  /** Every group a conditional skipped, as lines of the file that holds it (an editor greys them). */
  readonly skipped: SkippedGroup[] = objectList();
  /** Where the group now being skipped began (the line after its directive). */
  private skipFrom: SourceLocation | null = null;
  contexts: Context[] = objectList();
  lookahead: Token[] = objectList();
  parsingArgs = 0;
  preventExpansion = 0;
  inDirective = false;
  skipping = false;
  /** The line ended inside a directive: further reads in the directive give 'eof'. */
  private directiveLineEnded = false;
  /** Where the outermost macro expansion now being read was invoked. */
  invocationLoc: SourceLocation = { file: '', line: 0, column: 0 };
  counter = 0;
  baseFile = '';
  now: Date = new Date();
  /** Set by #include: the file to start reading once its directive line is finished. */
  pendingInclude: ReadingFile | null = null;
  /** Set by #line: the number (and name) the line after the directive gets. */
  pendingLine: { readonly line: number; readonly file: string | undefined } | null = null;
  /** Told of each line's first token (a method on its class: one call target in every preprocess of a process). */
  lineListener: LineListener | null = null;
  private expandedTokens = 0;
  private argNesting = 0;
  private exhausted = false;

  constructor(
    readonly readFile: FileReader,
    readonly includeDirs: readonly string[],
  ) {}

  report(loc: SourceLocation, severity: 'error' | 'warning', message: string): void {
    this.diagnostics.push({ severity, location: loc.file === '' ? this.physical(loc) : loc, message });
  }

  /**
   * Where a message at a place `#line N ""` named is in the file being read: GCC prints such a
   * message without a file name (`:100:9:`), which names no place a reader or an editor can open.
   */
  private physical(loc: SourceLocation): SourceLocation {
    const f = this.file;
    if (f === undefined || f.lexer.presumedFile !== '') return loc;
    return { file: f.path, line: loc.line - f.lexer.lineDelta, column: loc.column };
  }

  get file(): ReadingFile | undefined {
    return this.files.length > 0 ? this.files[this.files.length - 1] : undefined;
  }

  pushFile(path: string, text: string, dirIndex: number): void {
    const lexer = new Lexer(path, text, (loc, sev, msg) => this.report(loc, sev, msg));
    this.files.push({ lexer, path, dirIndex, conds: [] });
  }

  /** Ends the file on top: reports its unterminated conditionals and pops it. */
  private popFile(): void {
    const f = this.files.pop()!;
    for (let i = f.conds.length - 1; i >= 0; i--) {
      const c = f.conds[i]!;
      this.report(c.loc, 'error', `unterminated #${c.type}`);
    }
    if (f.conds.length > 0) this.skipping = f.conds[0]!.wasSkipping;
  }

  /** The next raw token of the current file, newlines handled (cpp's _cpp_lex_direct). */
  private lexDirect(): Token {
    for (;;) {
      const f = this.file!;
      if (this.inDirective && this.directiveLineEnded) return { kind: 'eof', text: '', flags: 0, loc: f.lexer.here() };
      const t = f.lexer.next();
      if (t.kind === 'eof' && t.text === '\n') {
        if (this.inDirective) {
          this.directiveLineEnded = true;
          return { kind: 'eof', text: '', flags: 0, loc: t.loc };
        }
        continue;
      }
      if (t.kind === 'eof') {
        if (this.inDirective || this.parsingArgs || this.files.length === 1) return t;
        this.popFile();
        continue;
      }
      if (t.flags & BOL && this.parsingArgs === 2) t.flags |= PREV_WHITE;
      return t;
    }
  }

  /** The next token from the files: directives run, skipped groups dropped (cpp's _cpp_lex_token). */
  lexToken(): Token {
    for (;;) {
      const t = this.lookahead.length > 0 ? this.lookahead.pop()! : this.lexDirect();
      if (t.flags & BOL && !this.inDirective) {
        if (t.kind === 'punct' && t.text === '#' && this.parsingArgs !== 1) {
          if (this.handleDirective(t)) continue;
        }
        if (!this.skipping && this.parsingArgs === 0) this.lineListener?.lineChange(t);
      }
      if (this.inDirective || !this.skipping || t.kind === 'eof') return t;
    }
  }

  /** Runs a directive line; false when it is not one (asm mode: the line is kept as text). */
  private handleDirective(hash: Token): boolean {
    const savedArgs = this.parsingArgs;
    const savedPrevent = this.preventExpansion;
    this.parsingArgs = 0;
    this.preventExpansion = 0;
    this.inDirective = true;
    this.directiveLineEnded = false;
    const name = this.lexDirect();
    let handled = true;
    const wasSkipping = this.skipping;
    if (name.kind === 'name' && DIRECTIVES.has(name.text)) {
      runDirective(this, name, hash);
    } else if (name.kind !== 'eof') {
      if (this.skipping) handled = true;
      else {
        handled = false;
        this.lookahead.push(name);
      }
    }
    if (handled) this.finishDirectiveLine();
    if (wasSkipping !== this.skipping) this.skipChanged(hash.loc);
    if (this.pendingLine) {
      const lexer = this.file!.lexer;
      lexer.lineDelta = this.pendingLine.line - lexer.physicalLine;
      if (this.pendingLine.file !== undefined) lexer.presumedFile = this.pendingLine.file;
      this.pendingLine = null;
    }
    this.inDirective = false;
    this.directiveLineEnded = false;
    this.parsingArgs = savedArgs;
    this.preventExpansion = savedPrevent;
    if (this.pendingInclude) {
      this.files.push(this.pendingInclude);
      this.pendingInclude = null;
    }
    return handled;
  }

  /** A conditional at `at` started or ended a skipped group (the group lies between directive lines). */
  private skipChanged(at: SourceLocation): void {
    if (this.skipping) {
      this.skipFrom = this.file!.lexer.here();
      return;
    }
    const from = this.skipFrom;
    this.skipFrom = null;
    if (from && from.file === at.file && from.line < at.line) this.skipped.push({ file: at.file, from: from.line, to: at.line - 1 });
  }

  /** Drops whatever is left of a directive line (cpp's skip_rest_of_line). */
  private finishDirectiveLine(): void {
    while (this.contexts.length > 0) this.popContext();
    this.lookahead.length = 0;
    while (!this.directiveLineEnded) {
      const t = this.lexDirect();
      if (t.kind === 'eof' && !this.directiveLineEnded) break;
    }
  }

  /** The next token of a directive line without expansion, padding skipped. */
  directiveToken(): Token {
    return this.lexToken();
  }

  /** Skips the rest of the directive line, warning about anything there. */
  checkEol(directive: string): void {
    const t = this.lexToken();
    if (t.kind !== 'eof') this.report(t.loc, 'warning', `extra tokens at end of #${directive} directive`);
  }

  /** Puts a token back to be read again (cpp's _cpp_backup_tokens for one token). */
  private backup(t: Token): void {
    const top = this.contexts.length > 0 ? this.contexts[this.contexts.length - 1] : undefined;
    if (top) top.pos--;
    else if (t.kind !== 'eof') this.lookahead.push(t);
  }

  private pushContext(macro: Macro | null, tokens: readonly Token[]): void {
    this.expandedTokens += tokens.length;
    if (macro) macro.disabled++;
    this.contexts.push({ macro, tokens, pos: 0 });
  }

  private popContext(): void {
    const c = this.contexts.pop()!;
    if (c.macro) c.macro.disabled--;
  }

  /**
   * The next line as a plain line (Lexer.plainLine) when reading stands between two lines of a
   * file with nothing pending (no expansion, lookahead, directive, skipped group or arguments
   * being collected): a line with no macro name in it is its tokens, as getToken would give them.
   */
  plainLine(): PlainLine | undefined {
    if (!this.betweenLines()) return undefined;
    const lexer = this.files[this.files.length - 1]!.lexer;
    const key = this.printedLines !== null ? lexer.nextLineText() : undefined;
    if (key !== undefined) {
      const printed = this.printedLines!.get(key);
      // Within the bound as plainExpansion checks it (a line with no expansion counts none).
      if (printed !== undefined && (printed.expanded === 0 || (!this.exhausted && this.expandedTokens + printed.expanded <= MAX_EXPANDED_TOKENS))) {
        this.expandedTokens += printed.expanded;
        return lexer.passPrintedLine(printed);
      }
    }
    this.lineExpanded = 0;
    const line = lexer.plainLine(this, this.nameShapes);
    if (line !== undefined) {
      this.expandedTokens += this.lineExpanded;
      line.key = key;
      line.expanded = this.lineExpanded;
    }
    return line;
  }

  /** What plain lines printed, by their text (preprocess sets it; null: none is remembered). Forgotten when a macro is defined or removed. */
  printedLines: PrintedLines | null = null;

  /** Reading stands between two lines of a file with nothing pending (no expansion, lookahead, directive, skipped group or arguments being collected). */
  private betweenLines(): boolean {
    return this.contexts.length === 0 && this.lookahead.length === 0 && !this.skipping && this.parsingArgs === 0 && !this.inDirective && this.pendingInclude === null && this.files.length > 0;
  }

  /** Where the printed form of lines that are one function-like macro invocation is kept (preprocess sets it; null: such lines are read token by token). */
  templates: InvocationTemplates | null = null;

  /**
   * The next line as one function-like macro invocation (Lexer.invocationLine), when reading
   * stands where plainLine would read a line and the line prints as its macro's template
   * (invocation-lines.ts) with its argument in it.
   */
  invocationLine(): InvocationLine | undefined {
    if (this.templates === null || !this.betweenLines()) return undefined;
    return this.files[this.files.length - 1]!.lexer.invocationLine(this);
  }

  /** What `name(argument)` alone on a line prints (Lexer.invocationLine); undefined when it is read token by token. */
  invocationText(name: string, argument: string, blanks: number): { readonly text: string; readonly spanColumn: number } | undefined {
    const macro = this.table.get(name);
    // An argument that is a macro would be expanded before it is put in.
    if (macro === undefined || !macro.funLike || macro.disabled > 0 || this.exhausted || this.table.has(argument)) return undefined;
    const template = this.templates!.of(macro, blanks, this.table);
    // Within the bound all the way through the line, as getToken would check it at each expansion.
    if (template === null || this.expandedTokens + template.tokens > MAX_EXPANDED_TOKENS) return undefined;
    this.expandedTokens += template.tokens;
    return { text: template.pieces.join(argument), spanColumn: template.spanColumn };
  }

  /** The tokens expansions have pushed so far (bounded by MAX_EXPANDED_TOKENS). */
  get expandedTokenCount(): number {
    return this.expandedTokens;
  }

  defineMacro(name: string, macro: Macro): void {
    this.templates?.clear();
    this.printedLines?.clear();
    this.table.set(name, macro);
    this.nameShapes[nameShape(name.charCodeAt(0), name.length)] = 1;
  }

  /** Removes a macro; false when there was none of that name. */
  undefineMacro(name: string): boolean {
    this.templates?.clear();
    this.printedLines?.clear();
    return this.table.delete(name);
  }

  /** Tokens the expansions of the plain line being read add to `expandedTokens` once it is taken. */
  private lineExpanded = 0;

  /**
   * What a name on a plain line stands for (Lexer.plainLine): an object-like macro whose
   * replacement list has no `##` and names no macro is, read by getToken, its tokens and nothing
   * else (one padding before them for the printer, which Printer.plainLine applies; the
   * expansion ends within the line). Any other macro (function-like, built-in, empty, open,
   * past the expansion bound) is read token by token.
   */
  plainExpansion(name: string): readonly Token[] | null | undefined {
    const macro = this.macros.get(name);
    if (macro === undefined) return undefined;
    const body = macro.body;
    if (macro.funLike || macro.builtin !== undefined || macro.disabled > 0 || body.length === 0 || this.exhausted) return null;
    if (this.expandedTokens + this.lineExpanded > MAX_EXPANDED_TOKENS) return null;
    for (let i = 0; i < body.length; i++) {
      const t = body[i]!;
      if (t.flags & PASTE_LEFT || (t.kind === 'name' && this.macros.has(t.text))) return null;
    }
    this.lineExpanded += body.length;
    return body;
  }

  /** The next token after macro expansion (cpp_get_token). */
  getToken(): Token {
    for (;;) {
      // Never index -1 (outside a macro the stack is empty): V8 reads it as a slow property lookup.
      const ctx = this.contexts.length > 0 ? this.contexts[this.contexts.length - 1] : undefined;
      let t: Token;
      if (!ctx) t = this.lexToken();
      else if (ctx.pos < ctx.tokens.length) {
        t = ctx.tokens[ctx.pos++]!;
        if (t.flags & PASTE_LEFT) {
          this.pasteAll(t, ctx);
          if (this.inDirective) continue;
          return paddingToken(t, t.loc);
        }
      } else {
        this.popContext();
        if (this.inDirective) continue;
        return AVOID_PASTE;
      }
      if (t.kind !== 'name' || t.flags & NO_EXPAND) return t;
      const macro = this.macros.get(t.text);
      if (!macro) return t;
      if (macro.disabled > 0) return copyToken(t, t.flags | NO_EXPAND);
      if (this.preventExpansion > 0) return t;
      if (this.contexts.length === 0) this.invocationLoc = t.loc;
      if (this.enterMacro(macro, t)) {
        if (this.inDirective) continue;
        return paddingToken(t, t.loc);
      }
      return t;
    }
  }

  /** True while tokens come from a macro expansion (their place is the invocation's). */
  get inExpansion(): boolean {
    return this.contexts.length > 0;
  }

  private enterMacro(macro: Macro, name: Token): boolean {
    if (this.exhausted) return false;
    if (this.expandedTokens > MAX_EXPANDED_TOKENS) {
      this.exhausted = true;
      this.report(name.loc, 'error', 'macro expansion too large (more than 2 million tokens); expansion stopped');
      return false;
    }
    if (macro.builtin) {
      this.pushContext(null, [this.builtinToken(macro, name)]);
      return true;
    }
    let tokens = macro.body;
    if (macro.funLike) {
      this.preventExpansion++;
      this.parsingArgs = 1;
      const args = this.funlikeInvocation(macro);
      this.parsingArgs = 0;
      this.preventExpansion--;
      if (!args) return false;
      if (macro.params.length > 0) tokens = this.replaceArgs(macro, args);
    }
    this.pushContext(macro, tokens);
    return true;
  }

  private builtinToken(macro: Macro, name: Token): Token {
    const tok = (kind: 'number' | 'string', text: string): Token => ({ kind, text, flags: name.flags & PREV_WHITE, loc: name.loc });
    const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const two = (n: number): string => String(n).padStart(2, '0');
    switch (macro.builtin) {
      case '__LINE__':
        return tok('number', String(this.contexts.length > 0 ? this.invocationLoc.line : name.loc.line));
      case '__FILE__':
        return tok('string', quoteString(this.file!.lexer.presumedFile));
      case '__BASE_FILE__':
        return tok('string', quoteString(this.baseFile));
      case '__COUNTER__':
        return tok('number', String(this.counter++));
      case '__INCLUDE_LEVEL__':
        return tok('number', String(this.files.length - 1));
      case '__DATE__':
        return tok('string', `"${month[this.now.getMonth()]} ${String(this.now.getDate()).padStart(2, ' ')} ${this.now.getFullYear()}"`);
      default:
        return tok('string', `"${two(this.now.getHours())}:${two(this.now.getMinutes())}:${two(this.now.getSeconds())}"`);
    }
  }

  /** After a function-like macro's name: its arguments, or null when it is not invoked. */
  private funlikeInvocation(macro: Macro): MacroArg[] | null {
    let padding: Token | null = null;
    let t: Token;
    for (;;) {
      t = this.getToken();
      if (t.kind !== 'padding') break;
      if (padding === null || (!(padding.flags & PREV_WHITE) && t.source === null)) padding = t;
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.parsingArgs = 2;
      return this.collectArgs(macro);
    }
    this.backup(t);
    if (padding) this.pushContext(null, [padding]);
    return null;
  }

  private collectArgs(macro: Macro): MacroArg[] | null {
    const args: MacroArg[] = [];
    const paramc = macro.params.length;
    let t: Token;
    do {
      const tokens: Token[] = [];
      let depth = 0;
      for (;;) {
        t = this.getToken();
        if (t.kind === 'padding') {
          if (tokens.length === 0) continue;
        } else if (t.kind === 'punct' && t.text === '(') depth++;
        else if (t.kind === 'punct' && t.text === ')') {
          if (depth-- === 0) break;
        } else if (t.kind === 'punct' && t.text === ',') {
          if (depth === 0 && !(macro.variadic && args.length === paramc - 1)) break;
        } else if (t.kind === 'eof' || (t.kind === 'punct' && t.text === '#' && t.flags & BOL)) break;
        tokens.push(t);
      }
      while (tokens.length > 0 && tokens[tokens.length - 1]!.kind === 'padding') tokens.pop();
      args.push({ first: tokens });
    } while (!(t.kind === 'punct' && t.text === ')') && t.kind !== 'eof');

    if (t.kind === 'eof') {
      this.backup(t);
      this.report(t.loc, 'error', `unterminated argument list invoking macro "${macro.name}"`);
      return null;
    }
    if (args.length === 1 && paramc === 0 && args[0]!.first!.length === 0) return [];
    if (args.length < paramc) {
      if (args.length + 1 === paramc && macro.variadic) {
        args.push({ first: null });
        return args;
      }
      this.report(t.loc, 'error', `macro "${macro.name}" requires ${paramc} arguments, but only ${args.length} given`);
      return null;
    }
    if (args.length > paramc) {
      this.report(t.loc, 'error', `macro "${macro.name}" passed ${args.length} arguments, but takes just ${paramc}`);
      return null;
    }
    return args;
  }

  /** The argument fully macro-expanded on its own (cpp's expand_arg). */
  private expandArg(arg: MacroArg): Token[] {
    if (!arg.first || arg.first.length === 0) return [];
    if (this.argNesting >= MAX_ARG_NESTING) {
      if (!this.exhausted) this.report(arg.first[0]!.loc, 'error', 'macro arguments nested too deeply; expansion stopped');
      this.exhausted = true;
      return arg.first;
    }
    this.argNesting++;
    this.pushContext(null, [...arg.first, { kind: 'eof', text: '', flags: 0, loc: arg.first[0]!.loc }]);
    const out: Token[] = [];
    for (;;) {
      const t = this.getToken();
      if (t.kind === 'eof') break;
      out.push(t);
    }
    this.popContext();
    this.argNesting--;
    return out;
  }

  /** The replacement list with the arguments put in (cpp's replace_args). */
  private replaceArgs(macro: Macro, args: MacroArg[]): Token[] {
    const out: Token[] = [];
    const body = macro.body;
    for (let i = 0; i < body.length; i++) {
      const src = body[i]!;
      if (src.kind !== 'arg') {
        out.push(src);
        continue;
      }
      const arg = args[src.arg!]!;
      const prevPastes = i > 0 && (body[i - 1]!.flags & PASTE_LEFT) !== 0;
      let from: readonly Token[];
      let pasteFlagAt = -1;
      if (src.flags & STRINGIFY) {
        arg.stringified ??= this.stringify(arg.first ?? [], src);
        from = [arg.stringified];
      } else if (src.flags & PASTE_LEFT) {
        from = arg.first ?? [];
      } else if (prevPastes) {
        from = arg.first ?? [];
        if (out.length > 0) {
          const last = out[out.length - 1]!;
          if (last.kind === 'punct' && last.text === ',' && macro.variadic && src.arg === macro.params.length - 1) {
            if (arg.first === null) out.pop();
            else pasteFlagAt = out.length - 1;
          } else if (from.length === 0) pasteFlagAt = out.length - 1;
        }
      } else {
        arg.expanded ??= this.expandArg(arg);
        from = arg.expanded;
      }
      if (i > 0 && !prevPastes && !this.inDirective) out.push(paddingToken(src, src.loc));
      if (from.length > 0) {
        out.push(...from);
        if (src.flags & PASTE_LEFT) pasteFlagAt = out.length - 1;
      }
      if (!this.inDirective && !(src.flags & PASTE_LEFT)) out.push(AVOID_PASTE);
      if (pasteFlagAt >= 0) {
        const t = out[pasteFlagAt]!;
        out[pasteFlagAt] = copyToken(t, (t.flags & ~PASTE_LEFT) | (src.flags & PASTE_LEFT));
      }
    }
    return out;
  }

  /** `#param`: the argument's spelling as a string literal (cpp's stringify_arg). */
  private stringify(tokens: readonly Token[], at: Token): Token {
    let s = '';
    let source: Token | null | undefined = undefined;
    let backslashes = 0;
    let lastLoc = at.loc;
    for (const t of tokens) {
      if (t.kind === 'padding') {
        if (source === undefined || source === null || (!(source.flags & PREV_WHITE) && t.source === null)) source = t.source ?? null;
        continue;
      }
      if (s.length > 0) {
        const src = source ?? t;
        if (src.flags & PREV_WHITE) s += ' ';
      }
      source = undefined;
      const escape = t.kind === 'string' || t.kind === 'char';
      s += escape ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
      backslashes = t.kind === 'other' && t.text[0] === '\\' ? backslashes + 1 : 0;
      lastLoc = t.loc;
    }
    if (backslashes & 1) {
      this.report(lastLoc, 'warning', "invalid string literal, ignoring final '\\'");
      s = s.slice(0, -1);
    }
    return { kind: 'string', text: '"' + s + '"', flags: at.flags & PREV_WHITE, loc: at.loc };
  }

  /** Pastes `lhs ## rhs [## ...]` read from `ctx` and pushes the result as its own context. */
  private pasteAll(first: Token, ctx: Context): void {
    let lhs = first;
    let rhs: Token;
    do {
      rhs = ctx.tokens[ctx.pos++]!;
      if (rhs.kind === 'padding') {
        if (ctx.pos < ctx.tokens.length) continue;
        break;
      }
      const spelled = lhs.text + (lhs.kind === 'punct' && lhs.text === '/' && !(rhs.kind === 'punct' && rhs.text === '=') ? ' ' : '') + rhs.text;
      const pasted = lexOne(spelled, lhs.loc);
      if (!pasted) {
        ctx.pos--;
        lhs = copyToken(lhs, lhs.flags & ~PASTE_LEFT);
        break;
      }
      lhs = { ...pasted, flags: (lhs.flags & PREV_WHITE) | (rhs.flags & PASTE_LEFT) };
    } while (rhs.flags & PASTE_LEFT && ctx.pos < ctx.tokens.length);
    this.pushContext(null, [copyToken(lhs, lhs.flags & ~PASTE_LEFT)]);
  }

  /** Defines a macro from a #define line's tokens (after the name). */
  define(name: Token, next: () => Token): Macro | null {
    return parseDefinition(name, next, (loc, sev, msg) => this.report(loc, sev, msg));
  }
}

/** Padding with no source: the printer adds a space only if the tokens would paste. */
const AVOID_PASTE: Token = { kind: 'padding', text: '', flags: 0, loc: { file: '', line: 0, column: 0 }, source: null };

// Owns what a name in a document means, from the analysis: cpp macros (with where each is
// defined), GAS macros (the file's own .macro definitions and the assembler's built-in
// ALTERNATIVE*/CFI_* ones), mnemonics of the one opcode table, registers, feature names and
// the module's symbols. Semantic tokens, hover, completion and navigation ask here.
import { builtinMacros } from '../toolchain/asm/prelude';
import { parseMacroHeader, statementText, type MacroDefinition } from '../toolchain/asm/macros';
import { PREV_WHITE } from '../toolchain/asm/cpp/token';
import type { AlternativeSite, SourceLocation } from '../toolchain/asm/module';
import { resolveMnemonic } from '../toolchain/asm/encoder/match';
import { REGISTERS } from '../toolchain/asm/encoder/registers';
import { X86_FEATURES } from '../toolchain/asm/builtin-features';
import type { Statement } from '../toolchain/asm/statements';
import type { Analysis } from './analysis';

/** Prefixes GAS takes as a mnemonic of their own. */
export const PREFIX_MNEMONICS: ReadonlySet<string> = new Set(['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'data16', 'data32', 'addr16', 'addr32', 'cs', 'ds', 'es', 'fs', 'gs', 'ss']);

export const BUILTIN_MACROS: ReadonlyMap<string, MacroDefinition> = builtinMacros();

export interface GasMacro {
  readonly name: string;
  readonly params: readonly string[];
  /** The `.macro` line as written (after cpp). */
  readonly header: string;
  readonly location?: SourceLocation;
  readonly builtin: boolean;
  readonly body: readonly string[];
}

export interface Names {
  /** GAS macros by lower-case name (the file's own shadow the built-ins). */
  readonly gasMacros: ReadonlyMap<string, GasMacro>;
  /** Symbols by name: label, .set/.equ or `=` definitions, with where they are defined. */
  readonly symbolDefinitions: ReadonlyMap<string, readonly SourceLocation[]>;
  /** The names the assembler defined (labels, assignments, .L names), without their places (what classifying a word needs). */
  readonly definedNames: ReadonlySet<string>;
  readonly functions: ReadonlySet<string>;
}

/** Each name a statement defines: its labels (with their index), then a .set/.equ/.equiv/.eqv name or a `NAME = value` assignment (index -1). */
export function eachDefinedName(s: Statement, f: (name: string, label: number) => void): void {
  for (let i = 0; i < s.labels.length; i++) f(s.labels[i]!.name, i);
  const op = s.op.toLowerCase();
  if (op === '.set' || op === '.equ' || op === '.equiv' || op === '.eqv') {
    const name = s.operands.split(',')[0]!.trim();
    if (name) f(name, -1);
  } else if (/^=[^=]/.test(s.operands) && s.op) {
    f(s.op, -1);
  }
}

const cache = new WeakMap<Analysis, Names>();

const BUILTIN_GAS_MACROS: ReadonlyMap<string, GasMacro> = new Map([...BUILTIN_MACROS].map(([key, def]) => [
  key,
  { name: def.name, params: def.params.map((p) => p.name), header: `.macro ${def.name} ${def.params.map((p) => p.name).join(', ')}`, builtin: true, body: def.body },
]));

/** A `.macro` anywhere in the text GAS reads (without one, the GAS macros are the built-ins). */
const MACRO_DIRECTIVE = /\.macro/i;

/**
 * An analysis's names, each table made when first asked for: a hover on an instruction asks
 * only whether its word is a GAS macro, and a file without `.macro` answers that from the
 * built-ins without walking the expanded statements.
 */
class AnalysisNames implements Names {
  private macros: ReadonlyMap<string, GasMacro> | undefined;
  private symbols: ReadonlyMap<string, readonly SourceLocation[]> | undefined;
  private functionNames: ReadonlySet<string> | undefined;
  private names: ReadonlySet<string> | undefined;

  constructor(private readonly a: Analysis) {}

  get gasMacros(): ReadonlyMap<string, GasMacro> {
    if (!this.macros && !this.hasMacroDirective()) this.macros = BUILTIN_GAS_MACROS;
    if (!this.macros) this.walk();
    return this.macros!;
  }

  /**
   * Whether any statement GAS reads is a `.macro`: none when the text GAS reads has no `.macro`
   * anywhere (a search costs far less than reading the statements), else the statements as
   * read when the analysis has them.
   */
  private hasMacroDirective(): boolean {
    const visit = this.a.eachCppStatement;
    if (!MACRO_DIRECTIVE.test(this.a.preprocessed?.text ?? this.a.text)) return false;
    if (!visit) return true;
    let found = false;
    visit((s) => {
      if (!found && s.op.length === 6 && s.op.toLowerCase() === '.macro') found = true;
    });
    return found;
  }

  get symbolDefinitions(): ReadonlyMap<string, readonly SourceLocation[]> {
    if (!this.symbols) this.walk();
    return this.symbols!;
  }

  get definedNames(): ReadonlySet<string> {
    if (this.names) return this.names;
    // What the assembler defined: a label a GAS macro made is in, one under a false .if is not.
    const out = new Set<string>();
    const symbols = this.a.module.symbols;
    for (let k = 0; k < symbols.length; k++) {
      const s = symbols[k]!;
      if (s.section !== 'UND' && s.type !== 3 && s.type !== 4) out.add(s.name);
    }
    // The local labels' names alone where the assembler gives them (its symbols are made only for a hover or navigation).
    const local = this.a.module.localLabelNames?.() ?? (this.a.module.localLabels ?? []).map((s) => s.name);
    for (let k = 0; k < local.length; k++) if (local[k]!.startsWith('.L')) out.add(local[k]!);
    return (this.names = out);
  }

  get functions(): ReadonlySet<string> {
    return (this.functionNames ??= new Set(this.a.module.symbols.filter((s) => s.type === 2).map((s) => s.name)));
  }

  /** One walk over the expanded statements: the file's .macro definitions and its symbol definitions. */
  private walk(): void {
    const gasMacros = new Map<string, GasMacro>(BUILTIN_GAS_MACROS);
    const symbolDefinitions = new Map<string, SourceLocation[]>();
    const define = (name: string, at: SourceLocation) => {
      const list = symbolDefinitions.get(name) ?? [];
      list.push(at);
      symbolDefinitions.set(name, list);
    };
    const expanded = this.a.expanded;
    for (let k = 0; k < expanded.length; k++) {
      const e = expanded[k]!;
      const s = e.statement;
      eachDefinedName(s, (name, label) => define(name, label >= 0 ? e.labelLocations[label]! : e.location));
      if (s.op.toLowerCase() === '.macro') {
        const body: string[] = [];
        for (let j = k + 1; j < expanded.length && expanded[j]!.statement.op.toLowerCase() !== '.endm'; j++) body.push(statementText(expanded[j]!.statement));
        let def: MacroDefinition;
        try {
          def = parseMacroHeader(s.operands, false, body);
        } catch {
          continue;
        }
        gasMacros.set(def.name.toLowerCase(), { name: def.name, params: def.params.map((p) => p.name), header: `.macro ${s.operands}`, location: e.location, builtin: false, body });
      }
    }
    this.macros = gasMacros;
    this.symbols = symbolDefinitions;
  }
}

export function names(a: Analysis): Names {
  let n = cache.get(a);
  if (!n) cache.set(a, (n = new AnalysisNames(a)));
  return n;
}

const mnemonics = new Map<string, boolean>();

export function isMnemonic(word: string): boolean {
  let known = mnemonics.get(word);
  if (known === undefined) {
    const w = word.toLowerCase();
    known = PREFIX_MNEMONICS.has(w) || resolveMnemonic(w) !== undefined;
    if (mnemonics.size < 100_000) mnemonics.set(word, known);
  }
  return known;
}

export function isRegister(word: string): boolean {
  return REGISTERS.has(word.toLowerCase());
}

export function isLocalLabel(name: string): boolean {
  return name.startsWith('.L') || /^\d+[fb]?$/.test(name);
}

/** The cpp macro of that name, when the analysis defined one (not gcc's predefined ones). */
export interface CppMacroFact {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly params: readonly string[];
  readonly funLike: boolean;
  readonly body: string;
}

const cppMacros = new WeakMap<Analysis, Map<string, CppMacroFact | undefined>>();

export function cppMacro(a: Analysis, name: string): CppMacroFact | undefined {
  let memo = cppMacros.get(a);
  if (!memo) cppMacros.set(a, (memo = new Map()));
  if (memo.has(name)) return memo.get(name);
  const found = findCppMacro(a, name);
  memo.set(name, found);
  return found;
}

function findCppMacro(a: Analysis, name: string): CppMacroFact | undefined {
  const m = a.preprocessed?.macros.get(name);
  if (!m || m.builtin || m.loc.file === '<built-in>') return undefined;
  let body = '';
  for (const t of m.body) body += (body && t.flags & PREV_WHITE ? ' ' : '') + t.text;
  return { name: m.name, loc: m.loc, params: m.params, funLike: m.funLike, body };
}

/** The feature's number: the file's #define (word*32+bit written out), else the assembler's built-in. */
export function featureNumber(a: Analysis, name: string): { value: number; from: string; location?: SourceLocation } | undefined {
  const m = cppMacro(a, name);
  if (m) {
    const w = /^\(?\s*(\d+)\s*\*\s*32\s*\+\s*(\d+)\s*\)?$/.exec(m.body);
    if (w) return { value: Number(w[1]) * 32 + Number(w[2]), from: '#define', location: m.loc };
    const d = /^\(?\s*(\d+|0x[0-9a-f]+)\s*\)?$/i.exec(m.body);
    if (d) return { value: Number(d[1]), from: '#define', location: m.loc };
  }
  const site = a.module.alternatives.find((s) => s.featureName === name);
  if (site) return { value: site.ftFlags & 0xffff, from: 'as assembled' };
  const b = X86_FEATURES.get(name);
  if (b) return { value: b.value, from: `built in (${b.release})` };
  return undefined;
}

/** Every feature name the analysis knows (its #defines and the built-in table). */
export function knownFeatures(a: Analysis): string[] {
  const out = new Set<string>(X86_FEATURES.keys());
  for (const name of a.preprocessed?.macros.keys() ?? []) if (name.startsWith('X86_FEATURE_')) out.add(name);
  return [...out].sort();
}

/** The name a site's feature is written with: as assembled, else the known name with its number. */
export function featureLabel(a: Analysis, site: AlternativeSite): string {
  if (site.featureName) return site.featureName;
  const value = site.ftFlags & 0xffff;
  const named = knownFeatures(a).filter((n) => featureNumber(a, n)?.value === value);
  const inFile = named.find((n) => a.text.includes(n));
  const not = site.ftFlags & (1 << 16) ? '!' : '';
  return not + (inFile ?? named[0] ?? `feature ${Math.floor(value / 32)}*32+${value % 32}`);
}

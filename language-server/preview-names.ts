// Owns the names a preview does not see: AnalysisCache.preview analyses the prefix and the
// regions over the visible lines only, so a label or a function defined in another region
// (`call helper` above `VDSO_FUNCTION(helper)`) would be coloured as nothing until the whole
// analysis lands. Here the rest of the document gives its names as the whole analysis finds
// them (names.ts: labels and symbol assignments of the statements cpp gives; functions
// marked by `.type NAME,@function`): cpp runs from the prefix's macro table, as each region's
// does, over only the lines that can define a name (a label colon, an assignment, `.type` or
// `.set`, a cpp directive, a use of a macro whose expansion could hold one), and no
// assembler. Each region's names are kept by its text, so after an edit only the edited
// region runs again. A use of one of the file's GAS macros whose body can define a name (a
// label, `.type`, `.set`) is expanded as GAS substitutes its arguments (toolchain/asm/macros),
// nested uses too. Conditional assembly (.if, .ifdef, .ifb, .ifc, ..., .else, .endif, in a
// macro body or in the region's own lines) is decided as GAS decides it (conditionHoldsIn)
// where the preview can tell: a constant after substitution, a symbol the prefix defines;
// otherwise both branches count until the whole analysis lands. A .s (no cpp) goes the same
// way with its lines as written.
import { preprocess } from '../toolchain/asm/cpp/preprocess';
import type { Macro } from '../toolchain/asm/cpp/macro';
import { bindArguments, parseMacroHeader, substitute, type MacroDefinition } from '../toolchain/asm/macros';
import { statements, type Statement } from '../toolchain/asm/statements';
import { conditionHoldsIn } from '../toolchain/asm/conditionals';
import { constantValue, parseWholeExpression } from '../toolchain/asm/expr';
import type { Analysis } from './analysis';
import { names } from './names';
import { REGION_LINES, splitDocument } from './regions';

export interface NamesElsewhere {
  /** Labels and assigned symbols (.set, .equ, `=`), as names.ts's symbolDefinitions has them. */
  readonly symbols: ReadonlySet<string>;
  /** Names `.type NAME,@function` marks, as the module's function symbols. */
  readonly functions: ReadonlySet<string>;
}

const previews = new WeakSet<Analysis>();

/** Marks an analysis as a preview (only some of the document analysed); returns it. */
export function markPreview(a: Analysis): Analysis {
  previews.add(a);
  return a;
}

/** What a raw line may define a name with: a label's colon, `=`, a directive, a line continuation, a comment's edge. */
const MAY_DEFINE = /[:=#\\]|\/\*|\*\/|\.(?:type|set|equ|equiv|eqv|if\w*|else\w*|endif)\b/i;
const FUNCTION_KIND = /^(?:[@%]function|STT_FUNC|"function")$/;

/** Macros whose expansion may define a name: a body with such a token, or a use of such a macro. */
function definingMacros(macros: ReadonlyMap<string, Macro>): Set<string> {
  const out = new Set<string>();
  const refs = new Map<string, string[]>();
  for (const [name, m] of macros) {
    if (m.builtin) continue;
    const names: string[] = [];
    for (const t of m.body) {
      if (t.kind === 'name') {
        if (/^(?:type|set|equ|equiv|eqv)$/i.test(t.text)) out.add(name);
        else names.push(t.text);
      } else if (/[:;=#]/.test(t.text)) out.add(name);
    }
    refs.set(name, names);
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, names] of refs) {
      if (!out.has(name) && names.some((n) => out.has(n))) {
        out.add(name);
        grew = true;
      }
    }
  }
  return out;
}

/** A line cpp passes through as a statement of its own, between two regions' lines. */
const REGION_MARK = '.vdso_lab_region_end';

/** The lines of a region that may define a name (the rest cannot, whatever cpp makes of them). */
function namingLines(regionText: string, defining: RegExp | undefined): string {
  const out: string[] = [];
  let continued = false;
  for (const line of regionText.split('\n')) {
    const keep: boolean = continued || MAY_DEFINE.test(line) || (defining !== undefined && defining.test(line));
    continued = keep && /\\\s*$/.test(line);
    if (keep) out.push(line);
  }
  return out.join('\n');
}

/** Nested GAS macro uses expanded at most this deep (GAS's own limit is far larger; a preview needs few). */
const MAX_GAS_DEPTH = 8;

/** The file's GAS macros (not the built-ins) whose body may define a name, by lower-case name. */
function definingGasMacros(a: Analysis): Map<string, MacroDefinition> {
  const out = new Map<string, MacroDefinition>();
  for (const [key, m] of names(a).gasMacros) {
    if (m.builtin || !m.body.some((l) => MAY_DEFINE.test(l))) continue;
    try {
      out.set(key, parseMacroHeader(m.header.replace(/^\.macro\s*/i, ''), false, m.body));
    } catch {
      // A header GAS refuses defines nothing.
    }
  }
  return out;
}

/** cpp's macro table of a .s (GAS reads it as written). */
const NO_MACROS: ReadonlyMap<string, Macro> = new Map();

interface PrefixNames {
  /** A line holding a use of a macro whose expansion may define a name (undefined: there is none). */
  readonly defining: RegExp | undefined;
  /** The GAS macros whose body may define a name, and their text (the key the cache was made for). */
  readonly gas: ReadonlyMap<string, MacroDefinition>;
  /** The names the prefix defines (an .ifdef of one holds). */
  readonly prefixDefined: ReadonlySet<string>;
  readonly gasKey: string;
  /** Each region's names by its text (those of the last document seen). */
  regions: Map<string, NamesElsewhere>;
  /** The last document's names, with its text. */
  last?: { readonly text: string; readonly names: NamesElsewhere };
}

const byPrefix = new WeakMap<ReadonlyMap<string, Macro>, PrefixNames>();

function prefixNames(macros: ReadonlyMap<string, Macro>, gas: ReadonlyMap<string, MacroDefinition>, prefixDefined: ReadonlySet<string>): PrefixNames {
  const gasKey = JSON.stringify([[...gas.values()], [...prefixDefined]]);
  let p = byPrefix.get(macros);
  if (!p || p.gasKey !== gasKey) {
    const escape = (n: string) => n.replace(/[.$]/g, '\\$&');
    const defining = [...definingMacros(macros), ...[...gas.values()].map((d) => escape(d.name))];
    p = { defining: defining.length ? new RegExp(`(?<![\\w$])(?:${defining.join('|')})(?![\\w$])`, gas.size ? 'i' : '') : undefined, gas, prefixDefined, gasKey, regions: new Map() };
    byPrefix.set(macros, p);
  }
  return p;
}

/** The statements a use of a GAS macro gives, its arguments substituted as GAS does; none when GAS would refuse the use. */
function gasExpansion(def: MacroDefinition, s: Statement): Statement[] {
  try {
    const values = bindArguments(def, s.operands);
    return statements(def.body.map((l) => substitute(l, values, 0)).join('\n'));
  } catch {
    return [];
  }
}

/** A conditional the preview cannot decide (a symbol's value, a name another region may define). */
const UNDECIDED = new Error('undecided');

/** One open conditional while the preview reads statements. */
interface Open {
  /** Inside a branch that does not hold: every group of this one is skipped. */
  readonly dead: boolean;
  /** Whether an earlier group (or this one) held; undefined: cannot tell. */
  taken: boolean | undefined;
  /** Whether the current group holds; undefined: cannot tell (its names count). */
  holds: boolean | undefined;
}

/**
 * The statements GAS reads of `list` with what the preview knows: each conditional's groups
 * that do not hold are dropped (as GAS skips them), those it cannot decide are kept.
 */
function readConditionals(list: readonly Statement[], isDefined: (name: string) => boolean, each: (s: Statement) => void): void {
  const stack: Open[] = [];
  const decide = (op: string, operands: string): boolean | undefined => {
    try {
      return conditionHoldsIn({
        absolute: (text) => {
          const v = constantValue(parseWholeExpression(text));
          if (v === undefined) throw UNDECIDED;
          return v;
        },
        isDefined: (name) => {
          if (isDefined(name)) return true;
          throw UNDECIDED;
        },
      }, op, operands);
    } catch {
      return undefined;
    }
  };
  for (const s of list) {
    const op = s.op.toLowerCase();
    const top = stack[stack.length - 1];
    if (op.startsWith('.if')) {
      const live = stack.every((o) => o.holds !== false);
      const holds = live ? decide(op, s.operands) : false;
      stack.push({ dead: !live, taken: holds, holds });
    } else if (op === '.elseif' && top) {
      if (top.dead || top.taken === true) top.holds = false;
      else {
        const h = decide('.if', s.operands);
        top.holds = top.taken === undefined && h !== false ? undefined : h;
        top.taken = h === true ? true : top.taken === false ? h : undefined;
      }
    } else if (op === '.else' && top) {
      top.holds = top.dead ? false : top.taken === undefined ? undefined : !top.taken;
      top.taken = true;
    } else if (op === '.endif' && top) {
      stack.pop();
    } else if (stack.every((o) => o.holds !== false)) {
      each(s);
    }
  }
}

/** The names of the regions' texts, those not known yet found with one run of cpp (for a .S) over their naming lines. */
function regionNames(file: string, macros: ReadonlyMap<string, Macro>, p: PrefixNames, texts: readonly string[]): NamesElsewhere[] {
  const todo = [...new Set(texts.filter((t) => !p.regions.has(t)))];
  if (todo.length) {
    const text = todo.map((t) => `${namingLines(t, p.defining)}\n${REGION_MARK}\n`).join('');
    const pre = macros === NO_MACROS ? { text } : preprocess({ file, text, readFile: () => undefined, macros });
    let i = 0;
    let symbols = new Set<string>();
    let functions = new Set<string>();
    const isDefined = (name: string) => p.prefixDefined.has(name) || symbols.has(name);
    const visit = (s: Statement, depth: number): void => {
      for (const l of s.labels) symbols.add(l.name);
      const op = s.op.toLowerCase();
      const gas = depth < MAX_GAS_DEPTH ? p.gas.get(op) : undefined;
      if (gas) {
        readConditionals(gasExpansion(gas, s), isDefined, (e) => visit(e, depth + 1));
      } else if (op === REGION_MARK) {
        p.regions.set(todo[i++]!, { symbols, functions });
        symbols = new Set();
        functions = new Set();
      } else if (op === '.set' || op === '.equ' || op === '.equiv' || op === '.eqv') {
        const name = s.operands.split(',')[0]!.trim();
        if (name) symbols.add(name);
      } else if (op === '.type') {
        const [name, kind] = s.operands.split(',').map((x) => x.trim());
        if (name && kind && FUNCTION_KIND.test(kind)) functions.add(name);
      } else if (/^=[^=]/.test(s.operands) && s.op) {
        symbols.add(s.op);
      }
    };
    // Each region's statements on their own: a conditional a region leaves open (GAS's error) ends at its mark.
    let region: Statement[] = [];
    for (const s of statements(pre.text)) {
      if (s.op.toLowerCase() !== REGION_MARK) {
        region.push(s);
        continue;
      }
      readConditionals(region, isDefined, (e) => visit(e, 0));
      region = [];
      visit(s, 0);
    }
    // A region whose mark cpp did not pass (an unterminated #if swallowed it) names nothing.
    for (; i < todo.length; i++) p.regions.set(todo[i]!, { symbols: new Set(), functions: new Set() });
  }
  return texts.map((t) => p.regions.get(t)!);
}

function compute(a: Analysis, macros: ReadonlyMap<string, Macro>, p: PrefixNames): NamesElsewhere {
  const symbols = new Set<string>();
  const functions = new Set<string>();
  const split = splitDocument(a.text, REGION_LINES, a.preprocessed !== undefined);
  if (!split) return { symbols, functions };
  const texts = split.starts.map((start, i) => a.text.slice(split.lineOffsets[start], split.lineOffsets[split.starts[i + 1] ?? split.lineOffsets.length - 1]));
  const found = regionNames(a.file, macros, p, texts);
  // Only the regions of this document are kept: an edit leaves all but one as they were.
  p.regions = new Map(texts.map((t, i) => [t, found[i]!]));
  for (const r of found) {
    for (const n of r.symbols) symbols.add(n);
    for (const n of r.functions) functions.add(n);
  }
  return { symbols, functions };
}

/** The names the prefix defines (its labels and assignments; those of the headers it includes). */
function prefixDefined(a: Analysis): Set<string> {
  const split = splitDocument(a.text, REGION_LINES, a.preprocessed !== undefined);
  const out = new Set<string>();
  if (!split) return out;
  for (const s of a.module.symbols) {
    if (s.section === 'UND' || s.type === 3 || s.type === 4 || !s.location) continue;
    if (s.location.file !== a.file || s.location.line - 1 < split.prefixEnd) out.add(s.name);
  }
  return out;
}

/**
 * For a preview, the names the rest of the document defines (computed once per text and
 * prefix); undefined for a whole analysis, whose own names are all there are.
 */
export function namesElsewhere(a: Analysis): NamesElsewhere | undefined {
  if (!previews.has(a)) return undefined;
  const macros = a.preprocessed?.macros ?? NO_MACROS;
  const p = prefixNames(macros, definingGasMacros(a), prefixDefined(a));
  if (p.last?.text !== a.text) p.last = { text: a.text, names: compute(a, macros, p) };
  return p.last.names;
}

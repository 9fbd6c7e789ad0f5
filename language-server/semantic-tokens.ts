// Owns the semantic tokens of a GAS x86 document (full and range): the lexemes of
// source-scan.ts classified by the analysis (names.ts). The legend below is the contract
// with themes (README, "Semantic tokens"): every token of an ALTERNATIVE* invocation carries
// the `alternative` modifier and the quoted original and replacements are tokenized as
// instructions; X86_FEATURE_* names are enum members; CFI directives and CFI_* macros carry `cfi`.
import type { Analysis } from './analysis';
import { scanSource, type AlternativeBlock, type Lexeme, type SourceScan } from './source-scan';
import { cppMacro, isLocalLabel, isMnemonic, isRegister, names } from './names';
import { namesElsewhere } from './preview-names';

export const TOKEN_TYPES = ['mnemonic', 'register', 'number', 'label', 'function', 'enumMember', 'macro', 'directive', 'preprocessor', 'parameter', 'string'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'alternative', 'cfi', 'local', 'defaultLibrary'] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

export interface SemanticToken {
  readonly line: number;
  readonly start: number;
  readonly length: number;
  readonly type: TokenType;
  readonly modifiers: readonly TokenModifier[];
}

const scans = new WeakMap<Analysis, SourceScan>();

/** The document's lexical scan (kept with its analysis). */
export function scanOf(a: Analysis): SourceScan {
  let s = scans.get(a);
  if (!s) scans.set(a, (s = a.lexical?.() ?? scanSource(a.text)));
  return s;
}

/** The ALTERNATIVE* invocation that spans `line`, from the scan of the piece that holds it when the whole is not made yet. */
export function alternativeBlockAt(a: Analysis, line: number): AlternativeBlock | undefined {
  const scan = scans.get(a) ?? a.lexicalAt?.(line) ?? scanOf(a);
  return scan.alternatives.find((b) => b.startLine <= line && line <= b.endLine);
}

function classify(a: Analysis, l: Lexeme, declares: boolean): { type: TokenType; modifiers: TokenModifier[] } | undefined {
  const mods: TokenModifier[] = l.alternative ? ['alternative'] : [];
  const n = names(a);
  // A preview's own names, and those the rest of the document defines.
  const elsewhere = namesElsewhere(a);
  const isFunction = (name: string) => n.functions.has(name) || elsewhere?.functions.has(name) === true;
  const isDefined = (name: string) => n.symbolDefinitions.has(name) || elsewhere?.symbols.has(name) === true;
  const cfiName = /^(\.cfi_|CFI_)/i.test(l.text);
  if (cfiName) mods.push('cfi');
  switch (l.kind) {
    case 'preprocessor':
      return { type: 'preprocessor', modifiers: mods };
    case 'string':
      return { type: 'string', modifiers: mods };
    case 'param':
      return { type: 'parameter', modifiers: mods };
    case 'register':
      return { type: 'register', modifiers: mods };
    case 'immediate':
    case 'number':
      return { type: 'number', modifiers: mods };
    case 'localRef':
      return { type: 'label', modifiers: [...mods, 'local'] };
    case 'labelDef':
      return { type: isFunction(l.text) ? 'function' : 'label', modifiers: [...mods, 'declaration', ...(isLocalLabel(l.text) ? ['local' as const] : [])] };
    case 'op': {
      if (l.text.startsWith('.')) return { type: 'directive', modifiers: mods };
      if (cppMacro(a, l.text)) return { type: 'macro', modifiers: mods };
      const gas = n.gasMacros.get(l.text.toLowerCase());
      if (gas) return { type: 'macro', modifiers: gas.builtin ? [...mods, 'defaultLibrary'] : mods };
      if (isMnemonic(l.text)) return { type: 'mnemonic', modifiers: mods };
      return undefined;
    }
    case 'word': {
      if (l.text.startsWith('X86_FEATURE_')) return { type: 'enumMember', modifiers: mods };
      if (cppMacro(a, l.text)) {
        return { type: 'macro', modifiers: declares ? [...mods, 'declaration'] : mods };
      }
      if (l.cpp) return undefined;
      if (n.gasMacros.has(l.text.toLowerCase()) && !isDefined(l.text)) return { type: 'macro', modifiers: mods };
      if (isFunction(l.text)) return { type: 'function', modifiers: mods };
      if (isDefined(l.text) || isLocalLabel(l.text)) return { type: 'label', modifiers: isLocalLabel(l.text) ? [...mods, 'local'] : mods };
      if (isRegister(l.text)) return { type: 'register', modifiers: mods };
      return undefined;
    }
  }
}

/** The tokens of lines [from, to] (the whole document by default), in document order. */
export function semanticTokens(a: Analysis, from = 0, to = Number.MAX_SAFE_INTEGER): SemanticToken[] {
  const scan = scanOf(a);
  const out: SemanticToken[] = [];
  const defines = new Map(scan.directives.filter((d) => d.name === 'define').map((d) => [d.line, d.argumentColumn]));
  for (let line = Math.max(0, from); line <= Math.min(to, scan.byLine.length - 1); line++) {
    const lexemes = [...scan.byLine[line]!].sort((x, y) => x.start - y.start);
    for (const l of lexemes) {
      const c = classify(a, l, l.cpp && defines.get(line) === l.start);
      if (c) out.push({ line, start: l.start, length: l.length, type: c.type, modifiers: c.modifiers });
    }
  }
  return out;
}

/** The LSP wire form: five integers per token, positions relative to the previous token. */
export function encodeTokens(tokens: readonly SemanticToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let start = 0;
  for (const t of tokens) {
    const dl = t.line - line;
    data.push(dl, dl === 0 ? t.start - start : t.start, t.length, TOKEN_TYPES.indexOf(t.type), t.modifiers.reduce((m, x) => m | (1 << TOKEN_MODIFIERS.indexOf(x)), 0));
    line = t.line;
    start = t.start;
  }
  return data;
}

// Owns the seam between the front end and the instruction encoder (toolchain/asm/encoder):
// parses one instruction's operands, gives the encoder an expression context over the symbol
// table (absolute only when GAS would know the value while reading the line), and puts the
// result into the current section: bytes with fixups, or a relaxable jmp/jcc frag.
import { encodeInstruction, OperandError, parseOperands, type EncodeResult, type EvaluatedExpr } from './encoder/index';
import type { Expr } from './expr';
import { constantValue } from './expr';
import { isAbsolute } from './evaluate';
import { AsmError, type AsmState } from './state';
import type { SymbolState } from './symbol-table';
import type { BranchForm, Frag } from './layout';

/** Labels an expression's value depends on (after binding). */
function labelsIn(st: AsmState, e: Expr, out: SymbolState[], depth = 0): void {
  if (depth > 64) return;
  if (e.kind === 'symbol') {
    const s = st.symbols.get(e.name);
    if (s.kind === 'label') out.push(s);
    else if (s.kind === 'equated' && s.equ) labelsIn(st, s.equ, out, depth + 1);
  } else if (e.kind === 'unary') labelsIn(st, e.operand, out, depth);
  else if (e.kind === 'binary') {
    labelsIn(st, e.left, out, depth);
    labelsIn(st, e.right, out, depth);
  }
}

/** What GAS knows of an operand expression while it reads the line. */
function evaluateNow(st: AsmState, expr: Expr): EvaluatedExpr {
  const bound = st.bind(expr);
  const c = constantValue(bound);
  if (c !== undefined) return { kind: 'absolute', value: c };
  let v;
  try {
    v = st.evaluate(bound);
  } catch {
    return { kind: 'unknown' };
  }
  if (isAbsolute(v)) {
    const labels: SymbolState[] = [];
    labelsIn(st, bound, labels);
    const frags = new Set<Frag | undefined>(labels.map((l) => l.frag));
    if (frags.size <= 1) return { kind: 'absolute', value: v.add };
    return { kind: 'unknown' };
  }
  if (v.sym && !v.sub) {
    if (v.sym.kind === 'undefined' && !v.sym.binding) return { kind: 'unknown' };
    return { kind: 'relocatable', symbol: v.sym.name, addend: v.add };
  }
  return { kind: 'unknown' };
}

/**
 * One instruction text's encoding, kept for the next statement with the same text: the
 * encoder's result depends only on the text, the code size and what its operand
 * expressions evaluate to, so it is taken again when every expression that names a symbol
 * evaluates as it did (expressions of numbers alone always do). Real code repeats its
 * instructions (push %ebp, mov %esp,%ebp, ret), and parsing and matching forms is most of
 * the assembler's time.
 */
export interface KnownEncoding {
  readonly words: string;
  /** The expressions the encoder evaluated that name a symbol, `.` or a numeric label, and what they gave. */
  readonly observed: ReadonlyArray<readonly [Expr, EvaluatedExpr]>;
  readonly result: EncodeResult;
  /** For a relaxable branch: its two forms as the frag's variable part takes them, made once. */
  forms?: { readonly short: BranchForm; readonly near: BranchForm };
}

/**
 * Texts kept at most; past that the table starts again, so memory stays bounded and texts
 * met once (a branch to its own label) do not pile up for the collector to trace.
 */
const MAX_KNOWN = 4096;

function hasNames(e: Expr): boolean {
  return e.kind === 'unary' ? hasNames(e.operand) : e.kind === 'binary' ? hasNames(e.left) || hasNames(e.right) : e.kind !== 'number';
}

function sameEvaluation(a: EvaluatedExpr, b: EvaluatedExpr): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'absolute') return a.value === (b as typeof a).value;
  if (a.kind === 'relocatable') {
    const r = b as typeof a;
    return a.symbol === r.symbol && a.addend === r.addend && a.pcrel === r.pcrel;
  }
  return true;
}

function stillEvaluates(st: AsmState, known: KnownEncoding): boolean {
  for (const [e, was] of known.observed) if (!sameEvaluation(evaluateNow(st, e), was)) return false;
  return true;
}

/** The encoding of `mnemonic operandText` here: a known one whose expressions still evaluate the same, else a new one. */
function encodingOf(st: AsmState, mnemonic: string, operandText: string): KnownEncoding {
  const key = st.codeSize === 32 ? mnemonic : `${mnemonic}\u0000${st.codeSize}`;
  let byText = st.encodings.get(key);
  const known = byText?.get(operandText);
  if (known && stillEvaluates(st, known)) return known;
  let words = mnemonic;
  let text = operandText;
  // Prefix words are separate statements' first word in the splitter: `rep movsb`, `lock incl (%eax)`.
  for (let guard = 0; guard < 8; guard++) {
    const m = /^([A-Za-z][\w]*)(\s+|$)(.*)$/s.exec(text);
    if (!m || !isPrefixOrMnemonicStart(words, m[1]!)) break;
    words = `${words} ${m[1]}`;
    text = m[3]!;
  }
  let operands;
  try {
    operands = parseOperands(text);
  } catch (e) {
    if (e instanceof OperandError) throw new AsmError(e.message);
    throw e;
  }
  const observed: Array<readonly [Expr, EvaluatedExpr]> = [];
  const ctx = {
    codeSize: st.codeSize,
    evaluate: (e: Expr): EvaluatedExpr => {
      const v = evaluateNow(st, e);
      if (hasNames(e)) observed.push([e, v]);
      return v;
    },
  };
  const encoding = { words, observed, result: encodeInstruction(words, operands, ctx) };
  if (st.knownEncodings >= MAX_KNOWN) {
    st.encodings.clear();
    st.knownEncodings = 0;
    byText = undefined;
  }
  if (!byText) st.encodings.set(key, (byText = new Map()));
  if (!known) st.knownEncodings++;
  byText.set(operandText, encoding);
  return encoding;
}

/** Assembles one instruction statement (mnemonic with any prefix words, and its operand text). */
export function assembleInstruction(st: AsmState, mnemonic: string, operandText: string): void {
  const start = st.here();
  const encoding = encodingOf(st, mnemonic, operandText);
  const r = encoding.result;
  if ('error' in r) throw new AsmError(r.error);
  for (const w of r.warnings) st.warning(w);
  if ('relax' in r) {
    const { short, near, target } = r.relax;
    encoding.forms ??= {
      short: { bytes: short.bytes, dispOffset: short.fixupOffset, dispSize: 1, relocType: short.relocType },
      near: { bytes: near.bytes, dispOffset: near.fixupOffset, dispSize: (near.bytes.length - near.fixupOffset) as 2 | 4, relocType: near.relocType },
    };
    const bound = st.bind(target);
    st.variable(
      {
        kind: 'branch',
        short: encoding.forms.short,
        near: encoding.forms.near,
        target: bound,
        isNear: false,
        location: st.location,
        seq: st.nextSeq(),
      },
      short.bytes.length,
    );
    st.lineFrom(start, true);
    return;
  }
  const base = start.offset;
  const fixups = r.fixups.map((f) => ({ f, expr: st.bind(f.expr) }));
  st.emit(r.bytes);
  for (const { f, expr } of fixups) {
    st.addFixup(
      { size: f.size, expr, pcrel: f.pcrel, pcBias: f.pcrel ? r.bytes.length - f.offset : 0, relocType: f.relocType, signed: f.pcrel, location: st.location },
      base + f.offset,
    );
  }
  st.lineFrom(start, true);
}

const PREFIXES = new Set(['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'data16', 'data32', 'addr16', 'addr32', 'cs', 'ds', 'es', 'fs', 'gs', 'ss']);

/** True when `words` so far is only prefixes, so `next` (a bare word) continues the mnemonic. */
function isPrefixOrMnemonicStart(words: string, next: string): boolean {
  return words.toLowerCase().split(/\s+/).every((w) => PREFIXES.has(w)) && !next.startsWith('%');
}

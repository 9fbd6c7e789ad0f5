// Owns the seam between the front end and the instruction encoder (toolchain/asm/encoder):
// parses one instruction's operands, gives the encoder an expression context over the symbol
// table (absolute only when GAS would know the value while reading the line), and puts the
// result into the current section: bytes with fixups, or a relaxable jmp/jcc frag.
import { encodeInstruction, OperandError, parseOperands, type EvaluatedExpr } from './encoder/index';
import type { Expr } from './expr';
import { constantValue } from './expr';
import { isAbsolute } from './evaluate';
import { AsmError, type AsmState } from './state';
import type { SymbolState } from './symbol-table';
import type { Frag } from './layout';

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

/** Assembles one instruction statement (mnemonic with any prefix words, and its operand text). */
export function assembleInstruction(st: AsmState, mnemonic: string, operandText: string): void {
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
  const start = st.here();
  const ctx = { codeSize: st.codeSize, evaluate: (e: Expr) => evaluateNow(st, e) };
  const r = encodeInstruction(words, operands, ctx);
  if ('error' in r) throw new AsmError(r.error);
  for (const w of r.warnings) st.warning(w);
  if ('relax' in r) {
    const { short, near, target } = r.relax;
    const bound = st.bind(target);
    st.variable(
      {
        kind: 'branch',
        short: { bytes: short.bytes, dispOffset: short.fixupOffset, dispSize: 1, relocType: short.relocType },
        near: { bytes: near.bytes, dispOffset: near.fixupOffset, dispSize: (near.bytes.length - near.fixupOffset) as 2 | 4, relocType: near.relocType },
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

// Owns the parsing of one instruction's AT&T operand text into ParsedOperand records:
// registers (general and segment), `$expr` immediates, memory `seg:disp(base,index,scale)`
// with any part omitted, `*` for indirect jmp/call, and far `$seg,$off` as two immediates.
// Errors are OperandError with GAS's wording and the 0-based column in the text.
import { ExprSyntaxError, isBignum, parseWholeExpression, type Expr } from '../expr';
import { REGISTERS, type Register } from './registers';
import { splitOperands } from '../strings';

export interface RegOperand {
  readonly kind: 'reg';
  readonly reg: Register;
  /** Written with `*` (jmp/call indirect through a register). */
  readonly star: boolean;
  /** Column of the operand's first character in the parsed text. */
  readonly column: number;
  /** The operand as written (for messages). */
  readonly text: string;
}

export interface ImmOperand {
  readonly kind: 'imm';
  readonly expr: Expr;
  readonly column: number;
  readonly text: string;
}

export interface MemOperand {
  readonly kind: 'mem';
  /** Segment override (`%fs:`), a Register of class 'seg', or undefined. */
  readonly seg?: Register;
  /** The displacement expression, undefined when omitted (`(%eax)`). */
  readonly disp?: Expr;
  readonly base?: Register;
  readonly index?: Register;
  readonly scale: 1 | 2 | 4 | 8;
  /** Written with `*` (indirect jmp/call through memory). */
  readonly star: boolean;
  /** True when the operand had a `(...)` part: `foo` alone is a direct branch target or moffs. */
  readonly hasParens: boolean;
  readonly column: number;
  readonly text: string;
}

export type ParsedOperand = RegOperand | ImmOperand | MemOperand;

export class OperandError extends Error {
  override readonly name = 'OperandError';
  /** `column`: 0-based offset in the operand text where the problem is. */
  constructor(message: string, readonly column: number) {
    super(message);
  }
}


function register(name: string, column: number): Register {
  const r = REGISTERS.get(name.toLowerCase());
  if (!r) throw new OperandError(`bad register name \`%${name}'`, column);
  return r;
}

function expression(text: string, column: number): Expr {
  try {
    return parseWholeExpression(text);
  } catch (e) {
    if (e instanceof ExprSyntaxError) throw new OperandError(e.message, column + e.at);
    throw e;
  }
}

/** Parses the operand text of one instruction (what follows the mnemonic). Empty text gives []. */
export function parseOperands(text: string): ParsedOperand[] {
  if (text.trim() === '') return [];
  const parts = splitOperands(text).map((p) => ({ text: p.text, column: p.at }));
  const out: ParsedOperand[] = [];
  parts.forEach((p, n) => {
    if (p.text === '') {
      if (n === parts.length - 1) throw new OperandError("expecting operand after ','; got nothing", p.column);
      throw new OperandError("expecting operand before ','; got nothing", p.column);
    }
    out.push(parseOne(p.text, p.column, n + 1));
  });
  return out;
}

const REG_TOKEN = /^%([a-z0-9]+(?:\([0-7]\))?)/i;

function parseOne(text: string, column: number, number: number): ParsedOperand {
  let star = false;
  let rest = text;
  let col = column;
  if (rest.startsWith('*')) {
    star = true;
    rest = rest.slice(1).trimStart();
    col = column + (text.length - rest.length);
    if (rest === '') throw new OperandError('missing operand after `*\'', col);
  }
  if (rest.startsWith('$')) {
    if (star) throw new OperandError(`immediate operand illegal with absolute jump`, column);
    const body = rest.slice(1);
    if (body.trim() === '') throw new OperandError('missing or invalid immediate expression `\'', col);
    const expr = expression(body, col + 1);
    if (isBignum(expr)) throw new OperandError(`missing or invalid immediate expression \`${body.trim()}'`, col);
    return { kind: 'imm', expr, column, text };
  }
  let seg: Register | undefined;
  const m = REG_TOKEN.exec(rest);
  if (m) {
    const after = rest.slice(m[0].length).trimStart();
    const reg = register(m[1]!, col);
    if (after === '') return { kind: 'reg', reg, star, column, text };
    if (!after.startsWith(':')) throw new OperandError(`junk \`${after}' after register`, col + rest.indexOf(after));
    if (reg.cls !== 'seg') throw new OperandError(`\`%${reg.name}' is not a valid segment register`, col);
    seg = reg;
    const memText = after.slice(1).trimStart();
    if (/^%[a-z0-9]+$/i.test(memText)) throw new OperandError(`bad memory operand \`${memText}'`, col + rest.indexOf(memText));
    col += rest.length - memText.length;
    rest = memText;
    if (rest === '') throw new OperandError('bad memory operand `\'', col);
  }
  return memory(rest, col, text, column, star, seg, number);
}

function memory(
  rest: string, col: number, text: string, column: number, star: boolean, seg: Register | undefined, number: number,
): MemOperand {
  let depth = 0;
  for (const c of rest) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) break;
  }
  if (depth !== 0) throw new OperandError(`unbalanced parenthesis in operand ${number}.`, col);
  // A trailing `( ... )` whose content starts with a register or a comma is base/index/scale;
  // otherwise the parentheses belong to the displacement expression.
  let open = -1;
  if (rest.endsWith(')')) {
    depth = 0;
    for (let i = rest.length - 1; i >= 0; i--) {
      if (rest[i] === ')') depth++;
      else if (rest[i] === '(' && --depth === 0) { open = i; break; }
    }
    const inner = open >= 0 ? rest.slice(open + 1, -1).trim() : '';
    if (open >= 0 && !(inner.startsWith('%') || inner.startsWith(',') || inner === '')) open = -1;
  }
  const dispText = (open >= 0 ? rest.slice(0, open) : rest).trim();
  const disp = dispText === '' ? undefined : expression(dispText, col);
  if (disp !== undefined && isBignum(disp)) throw new OperandError(`missing or invalid displacement expression \`${dispText}'`, col);
  if (open < 0) {
    if (!disp) throw new OperandError('bad memory operand `\'', col);
    return { kind: 'mem', seg, disp, scale: 1, star, hasParens: false, column, text };
  }
  const innerCol = col + open + 1;
  const inner = rest.slice(open + 1, -1);
  if (/^\s*%dx\s*$/i.test(inner) && dispText === '') {
    // `(%dx)`: the port operand of in/out/ins/outs, not an address.
    return { kind: 'mem', seg, base: REGISTERS.get('dx')!, scale: 1, star, hasParens: true, column, text };
  }
  const fields = inner.split(',');
  const bad = () => new OperandError(`\`${rest.slice(open)}' is not a valid base/index expression`, col + open);
  if (fields.length > 3) throw bad();
  let base: Register | undefined;
  let index: Register | undefined;
  let scale: 1 | 2 | 4 | 8 = 1;
  const b = fields[0]!.trim();
  if (b !== '') {
    const m = /^%([a-z0-9]+)$/i.exec(b);
    if (!m) throw bad();
    base = register(m[1]!, innerCol);
  }
  if (fields.length >= 2) {
    const x = fields[1]!.trim();
    if (x !== '') {
      const m = /^%([a-z0-9]+)$/i.exec(x);
      if (!m) throw bad();
      index = register(m[1]!, innerCol);
    } else if (fields.length === 3) throw bad();
  }
  if (fields.length === 3) {
    const s = fields[2]!.trim();
    let v: bigint | undefined;
    try {
      const e = parseWholeExpression(s);
      v = e.kind === 'number' ? e.value : undefined;
    } catch {
      v = undefined;
    }
    if (v !== 1n && v !== 2n && v !== 4n && v !== 8n) {
      throw new OperandError(`expecting scale factor of 1, 2, 4, or 8: got \`${s}'`, innerCol);
    }
    scale = Number(v) as 1 | 2 | 4 | 8;
  }
  if (!base && !index) {
    if (fields.length === 1 && b === '') throw bad();
  }
  // Base and index must be both 32-bit or a 16-bit pair; esp is never an index.
  const size = base?.cls ?? index?.cls;
  if ((base && base.cls !== 'r32' && base.cls !== 'r16') || (index && index.cls !== 'r32' && index.cls !== 'r16')) throw bad();
  if (base && index && base.cls !== index.cls) throw bad();
  if (index && index.cls === 'r32' && index.num === 4) throw bad();
  if (size === 'r16') {
    const ok16 = (!base || [3, 5, 6, 7].includes(base.num)) && (!index || index.num === 6 || index.num === 7) &&
      !(base && (base.num === 6 || base.num === 7) && index) && scale === 1 && !(index && !base);
    if (!ok16) throw bad();
  }
  return { kind: 'mem', seg, disp, base, index, scale, star, hasParens: true, column, text };
}

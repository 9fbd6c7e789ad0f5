// Owns the debugger's expressions (Watch, hover, the debug console, breakpoint conditions):
// C-like expressions over registers ($eax, eax, %eax and their 16/8-bit parts, eip, eflags,
// the segment selectors, gdb's $pc $sp $fp), symbols, integers, pt_regs fields
// (pt_regs.ip, regs->orig_ax), unary - ~ ! * &, casts to u8/u16/u32 and pointers to them
// (`*(u8*)expr`, `*(int*)$esp`), the binary operators of C with C's precedence (32-bit
// unsigned arithmetic), and gdb's `x/NFU ADDRESS`. Parsing is a shunting-yard over explicit
// stacks, so no input can exhaust the call stack; input length is bounded.
import type { PtRegs } from '../kernel/seams';

/** What an expression can read; every lookup answers undefined when the thing is not there. */
export interface EvalContext {
  /** A 32-bit register of the selected frame: eax..edi, eip, eflags, cs..gs. */
  register(name: string): number | undefined;
  symbol(name: string): number | undefined;
  /** pt_regs of the current (or last) kernel entry; undefined before the entry path builds them. */
  ptRegs(): PtRegs | undefined;
  /** `size` bytes little-endian at `address`, undefined when unreadable. */
  read(address: number, size: 1 | 2 | 4): number | undefined;
  /** `name` or `name+0xN` for an address (x/ labels). */
  symbolize(address: number): string | undefined;
  /** One instruction's AT&T text and length at `address` (x/i). */
  instruction?(address: number): { readonly text: string; readonly length: number } | undefined;
}

export type EvalResult =
  | { readonly kind: 'value'; readonly value: number }
  /** x/NFU: the lines gdb prints. */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

/** Longest expression accepted (characters). */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Most units one x/ command shows. */
const MAX_EXAMINE = 1024;

export const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const REG8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const OTHER = ['eip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs'];
const GDB_ALIASES: Record<string, string> = { pc: 'eip', sp: 'esp', fp: 'ebp', ps: 'eflags' };
export const PT_REGS_FIELDS: readonly (keyof PtRegs)[] = [
  'bx', 'cx', 'dx', 'si', 'di', 'bp', 'ax', 'ds', 'es', 'fs', 'gs', 'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss',
];

/** C type names a cast may use, by size in bytes. */
const TYPE_SIZES: Record<string, 1 | 2 | 4> = {
  u8: 1, s8: 1, char: 1, uint8_t: 1, int8_t: 1, 'unsigned char': 1, 'signed char': 1,
  u16: 2, s16: 2, short: 2, uint16_t: 2, int16_t: 2, 'unsigned short': 2,
  u32: 4, s32: 4, int: 4, long: 4, unsigned: 4, uint32_t: 4, int32_t: 4, 'unsigned int': 4, 'unsigned long': 4, void: 1,
};

class EvalError extends Error {}

/** An operand: a value and, for a pointer, the size of what it points at. */
interface Operand {
  readonly value: number;
  readonly pointee?: 1 | 2 | 4;
}

type Unary = 'neg' | 'not' | 'lnot' | 'deref' | 'addr' | 'plus' | { readonly cast: 1 | 2 | 4; readonly pointer: boolean };

const BINARY: Record<string, number> = {
  '*': 10, '/': 10, '%': 10, '+': 9, '-': 9, '<<': 8, '>>': 8, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '==': 6, '!=': 6, '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
};
const UNARY_PRECEDENCE = 11;

type Token =
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'name'; readonly v: string }
  | { readonly t: 'op'; readonly v: string }
  | { readonly t: 'cast'; readonly size: 1 | 2 | 4; readonly pointer: boolean };

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '->', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)(?![\w$])/i.exec(text.slice(i, i + 40));
    if (num) {
      const v = num[1]!.length > 1 && num[1]![0] === '0' && !/^0x/i.test(num[1]!) ? parseInt(num[1]!, 8) : Number(num[1]!);
      if (!Number.isFinite(v) || v > 0xffffffff) throw new EvalError(`the number ${num[1]} does not fit in 32 bits`);
      out.push({ t: 'num', v });
      i += num[1]!.length;
      continue;
    }
    const prev = out[out.length - 1];
    const operandNext = !prev || prev.t === 'cast' || (prev.t === 'op' && prev.v !== ')');
    const name = (operandNext ? /^[$%]?[A-Za-z_.][\w.$@]*(?:->\w+)?/ : /^[$]?[A-Za-z_.][\w.$@]*(?:->\w+)?/).exec(text.slice(i, i + 256));
    if (name) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    if (c === '(') {
      const cast = /^\(\s*((?:unsigned|signed)\s+)?(\w+)\s*(\*?)\s*\)/.exec(text.slice(i, i + 64));
      const typeName = cast ? `${cast[1] ? cast[1].trim() + ' ' : ''}${cast[2]}` : '';
      if (cast && (TYPE_SIZES[typeName] !== undefined || (cast[1] && TYPE_SIZES[cast[2]!] !== undefined))) {
        out.push({ t: 'cast', size: TYPE_SIZES[typeName] ?? TYPE_SIZES[cast[2]!]!, pointer: cast[3] === '*' });
        i += cast[0].length;
        continue;
      }
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new EvalError(`unexpected '${c}' at column ${i + 1}`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

function registerValue(name: string, ctx: EvalContext): number | undefined {
  const n = GDB_ALIASES[name] ?? name;
  if ((REG32 as readonly string[]).includes(n) || OTHER.includes(n)) return ctx.register(n);
  const i16 = REG16.indexOf(n);
  if (i16 >= 0) {
    const v = ctx.register(REG32[i16]!);
    return v === undefined ? undefined : v & 0xffff;
  }
  const i8 = REG8.indexOf(n);
  if (i8 >= 0) {
    const v = ctx.register(REG32[i8 & 3]!);
    return v === undefined ? undefined : i8 < 4 ? v & 0xff : (v >>> 8) & 0xff;
  }
  return undefined;
}

/** The value a name stands for: register, pt_regs field, or symbol (its address). */
function nameValue(raw: string, ctx: EvalContext): Operand {
  const pt = /^(?:regs->|pt_regs\.|pt_regs->)(\w+)$/.exec(raw);
  if (pt) {
    const regs = ctx.ptRegs();
    if (!regs) throw new EvalError('no pt_regs: the program has not entered the kernel yet, or the entry path has not built them at this line');
    const field = pt[1] as keyof PtRegs;
    if (!PT_REGS_FIELDS.includes(field)) throw new EvalError(`pt_regs has no field '${pt[1]}' (${PT_REGS_FIELDS.join(', ')})`);
    return { value: regs[field] >>> 0 };
  }
  if (raw[0] === '$' || raw[0] === '%') {
    const v = registerValue(raw.slice(1).toLowerCase(), ctx);
    if (v === undefined) throw new EvalError(`no register '${raw.slice(0, 40)}' in this frame`);
    return { value: v >>> 0 };
  }
  const reg = registerValue(raw, ctx);
  if (reg !== undefined) return { value: reg >>> 0 };
  const sym = ctx.symbol(raw);
  if (sym === undefined) throw new EvalError(`no register or symbol '${raw.slice(0, 80)}'`);
  return { value: sym >>> 0 };
}

function applyUnary(op: Unary, a: Operand, ctx: EvalContext): Operand {
  if (typeof op === 'object') {
    if (op.pointer) return { value: a.value >>> 0, pointee: op.cast };
    return { value: op.cast === 4 ? a.value >>> 0 : a.value & (op.cast === 1 ? 0xff : 0xffff) };
  }
  switch (op) {
    case 'neg': return { value: -a.value >>> 0 };
    case 'plus': return { value: a.value >>> 0 };
    case 'not': return { value: ~a.value >>> 0 };
    case 'lnot': return { value: a.value ? 0 : 1 };
    case 'addr': return { value: a.value >>> 0 };
    case 'deref': {
      const size = a.pointee ?? 4;
      const v = ctx.read(a.value >>> 0, size);
      if (v === undefined) throw new EvalError(`cannot read ${size} byte${size > 1 ? 's' : ''} at 0x${(a.value >>> 0).toString(16)}`);
      return { value: v >>> 0 };
    }
  }
}

function applyBinary(op: string, a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  switch (op) {
    case '+': return (a + b) >>> 0;
    case '-': return (a - b) >>> 0;
    case '*': return Math.imul(a, b) >>> 0;
    case '/': if (b === 0) throw new EvalError('division by zero'); return Math.floor(a / b) >>> 0;
    case '%': if (b === 0) throw new EvalError('division by zero'); return (a % b) >>> 0;
    case '<<': return b >= 32 ? 0 : (a << b) >>> 0;
    case '>>': return b >= 32 ? 0 : a >>> b;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '&': return (a & b) >>> 0;
    case '^': return (a ^ b) >>> 0;
    case '|': return (a | b) >>> 0;
    case '&&': return a && b ? 1 : 0;
    case '||': return a || b ? 1 : 0;
  }
  throw new EvalError(`unknown operator ${op}`);
}

type StackOp = { readonly kind: 'unary'; readonly op: Unary } | { readonly kind: 'binary'; readonly op: string } | { readonly kind: 'paren' };

/** Evaluates a C-like expression to a 32-bit value (throws EvalError with one line). */
function evaluateValue(text: string, ctx: EvalContext): number {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new EvalError('empty expression');
  const values: Operand[] = [];
  const ops: StackOp[] = [];
  const reduce = (): void => {
    const top = ops.pop()!;
    if (top.kind === 'unary') {
      const a = values.pop();
      if (!a) throw new EvalError('an operator lacks its operand');
      values.push(applyUnary(top.op, a, ctx));
    } else if (top.kind === 'binary') {
      const b = values.pop();
      const a = values.pop();
      if (!a || !b) throw new EvalError(`'${top.op}' lacks an operand`);
      // Pointer arithmetic as C: pointer + n moves n elements.
      const scale = (top.op === '+' || top.op === '-') && a.pointee && !b.pointee ? a.pointee : 1;
      values.push({ value: applyBinary(top.op, a.value, Math.imul(b.value, scale)), ...(scale > 1 || (a.pointee && (top.op === '+' || top.op === '-')) ? { pointee: a.pointee } : {}) });
    }
  };
  let expectOperand = true;
  for (const tok of tokens) {
    if (expectOperand) {
      if (tok.t === 'num') { values.push({ value: tok.v }); expectOperand = false; continue; }
      if (tok.t === 'name') { values.push(nameValue(tok.v, ctx)); expectOperand = false; continue; }
      if (tok.t === 'cast') { ops.push({ kind: 'unary', op: { cast: tok.size, pointer: tok.pointer } }); continue; }
      const unary: Record<string, Unary> = { '-': 'neg', '+': 'plus', '~': 'not', '!': 'lnot', '*': 'deref', '&': 'addr' };
      if (tok.v === '(') { ops.push({ kind: 'paren' }); continue; }
      const u = unary[tok.v];
      if (!u) throw new EvalError(`expected a value before '${tok.v}'`);
      ops.push({ kind: 'unary', op: u });
      continue;
    }
    if (tok.t !== 'op') throw new EvalError(`expected an operator before '${tok.t === 'cast' ? '(cast)' : String(tok.v)}'`);
    if (tok.v === ')') {
      while (ops.length && ops[ops.length - 1]!.kind !== 'paren') reduce();
      if (!ops.length) throw new EvalError("unbalanced ')'");
      ops.pop();
      continue;
    }
    const p = BINARY[tok.v];
    if (p === undefined) throw new EvalError(`'${tok.v}' is not a binary operator`);
    for (;;) {
      const top = ops[ops.length - 1];
      if (!top || top.kind === 'paren') break;
      const tp = top.kind === 'unary' ? UNARY_PRECEDENCE : BINARY[top.op]!;
      if (tp < p) break;
      reduce();
    }
    ops.push({ kind: 'binary', op: tok.v });
    expectOperand = true;
  }
  if (expectOperand) throw new EvalError('the expression ends where a value is expected');
  while (ops.length) {
    if (ops[ops.length - 1]!.kind === 'paren') throw new EvalError("unbalanced '('");
    reduce();
  }
  if (values.length !== 1) throw new EvalError('not one expression');
  return values[0]!.value >>> 0;
}

const UNIT_SIZES: Record<string, 1 | 2 | 4 | 8> = { b: 1, h: 2, w: 4, g: 8 };
/** Units per line as gdb prints them (by size). */
const PER_LINE: Record<number, number> = { 1: 8, 2: 8, 4: 4, 8: 2 };

function formatUnit(value: bigint, size: number, format: string, ctx: EvalContext): string {
  const bits = BigInt(size * 8);
  const signed = value >= (1n << (bits - 1n)) ? value - (1n << bits) : value;
  switch (format) {
    case 'x': return '0x' + value.toString(16).padStart(size * 2, '0');
    case 'd': return signed.toString();
    case 'u': return value.toString();
    case 'o': return value === 0n ? '0' : '0' + value.toString(8);
    case 't': return value.toString(2).padStart(size * 8, '0');
    case 'c': return `${signed.toString()} '${value >= 32n && value < 127n ? String.fromCharCode(Number(value)) : `\\${value.toString(8).padStart(3, '0')}`}'`;
    case 'a': {
      const name = ctx.symbolize(Number(value & 0xffffffffn));
      return '0x' + value.toString(16) + (name ? ` <${name}>` : '');
    }
  }
  throw new EvalError(`x/: unknown format '${format}' (x d u o t c a s i)`);
}

function label(address: number, ctx: EvalContext): string {
  const name = ctx.symbolize(address);
  return `0x${address.toString(16)}${name ? ` <${name}>` : ''}:`;
}

/** gdb's `x/NFU ADDRESS` (N count, F format x d u o t c a s i, U size b h w g). */
function examine(spec: string, addressText: string, ctx: EvalContext): string {
  const m = /^(\d*)([xduotcasi]?)([bhwg]?)([xduotcasi]?)$/.exec(spec);
  if (!m) throw new EvalError(`x/${spec.slice(0, 20)}: expected x/NFU (count, format x d u o t c a s i, size b h w g)`);
  const count = m[1] ? Number(m[1]) : 1;
  if (count < 1 || count > MAX_EXAMINE) throw new EvalError(`x/: count ${m[1]} is not within 1..${MAX_EXAMINE}`);
  const format = m[2] || m[4] || 'x';
  const size = UNIT_SIZES[m[3] || (format === 'c' ? 'b' : format === 'a' ? 'w' : 'w')]!;
  let address = evaluateValue(addressText || '$pc', ctx);
  const lines: string[] = [];
  if (format === 'i') {
    if (!ctx.instruction) throw new EvalError('x/i: no disassembler here');
    for (let k = 0; k < count; k++) {
      const insn = ctx.instruction(address);
      if (!insn) throw new EvalError(`cannot read memory at 0x${address.toString(16)}`);
      lines.push(`   ${label(address, ctx)}\t${insn.text}`);
      address = (address + insn.length) >>> 0;
    }
    return lines.join('\n');
  }
  if (format === 's') {
    for (let k = 0; k < count; k++) {
      let s = '';
      let at = address;
      for (let n = 0; n < 200; n++, at = (at + 1) >>> 0) {
        const b = ctx.read(at, 1);
        if (b === undefined) throw new EvalError(`cannot read memory at 0x${at.toString(16)}`);
        if (b === 0) break;
        s += b >= 32 && b < 127 ? (b === 0x22 || b === 0x5c ? '\\' : '') + String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
      }
      lines.push(`${label(address, ctx)}\t"${s}"`);
      address = (at + 1) >>> 0;
    }
    return lines.join('\n');
  }
  const perLine = PER_LINE[size]!;
  let line = '';
  for (let k = 0; k < count; k++) {
    if (k % perLine === 0) {
      if (line) lines.push(line);
      line = label(address, ctx);
    }
    let value = 0n;
    for (let part = size === 8 ? 1 : 0; part >= 0; part--) {
      const piece = ctx.read((address + part * 4) >>> 0, size === 8 ? 4 : (size as 1 | 2 | 4));
      if (piece === undefined) throw new EvalError(`cannot read memory at 0x${address.toString(16)}`);
      value = (value << 32n) | BigInt(piece >>> 0);
    }
    line += '\t' + formatUnit(value, size, format, ctx);
    address = (address + size) >>> 0;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Evaluates what the user typed: an expression's value, x/NFU's lines, or an error (one line). */
export function evaluateExpression(text: string, ctx: EvalContext): EvalResult {
  if (text.length > MAX_EXPRESSION_LENGTH) return { kind: 'error', message: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters` };
  const t = text.trim();
  try {
    const x = /^x(?:\/(\S*))?(?:\s+(.*))?$/s.exec(t);
    const examineForm = x && (x[1] !== undefined || x[2] !== undefined);
    if (x && examineForm && registerValue('x', ctx) === undefined && ctx.symbol('x') === undefined) {
      return { kind: 'text', text: examine(x[1] ?? '', (x[2] ?? '').trim(), ctx) };
    }
    return { kind: 'value', value: evaluateValue(t, ctx) };
  } catch (e) {
    if (e instanceof EvalError) return { kind: 'error', message: e.message };
    throw e;
  }
}

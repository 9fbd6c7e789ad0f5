// Drives the encoder the way the front end will: one source line (prefixes, mnemonic,
// operand text) -> parseOperands + encodeInstruction, with an evaluate() that knows no symbol
// (every symbol is undefined, so relocatable), and the REL in-place addends written into the
// fixup fields as GAS writes them, so that whole byte strings compare with as --32.
import { constantValue, type Expr } from '../../toolchain/asm/expr';
import {
  encodeInstruction, parseOperands, OperandError, type EncodeContext, type EvaluatedExpr,
} from '../../toolchain/asm/encoder/index';

export interface OurLine {
  readonly error?: string;
  readonly warnings: readonly string[];
  readonly bytes: Uint8Array;
  readonly relocs: { offset: number; type: number }[];
}

const PREFIXES = new Set(['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'data16', 'data32', 'addr16', 'addr32', 'cs', 'ds', 'es', 'fs', 'gs', 'ss']);

/** Value of an expression with every symbol taken as an undefined symbol (addend = the rest). */
function evaluate(expr: Expr): EvaluatedExpr {
  const c = constantValue(expr);
  if (c !== undefined) return { kind: 'absolute', value: c };
  let symbol: string | undefined;
  const walk = (e: Expr): bigint | undefined => {
    switch (e.kind) {
      case 'number': return e.value;
      case 'symbol': if (symbol) return undefined; symbol = e.name; return 0n;
      case 'unary': { if (e.op !== '-' && e.op !== '+') return undefined; const v = walk(e.operand); return v === undefined ? v : e.op === '-' ? -v : v; }
      case 'binary': {
        const a = walk(e.left);
        const b = walk(e.right);
        if (a === undefined || b === undefined) return undefined;
        return e.op === '+' ? a + b : e.op === '-' ? a - b : undefined;
      }
      default: return undefined;
    }
  };
  const addend = walk(expr);
  if (addend === undefined || symbol === undefined) return { kind: 'unknown' };
  return { kind: 'relocatable', symbol, addend };
}

export const CONTEXT: EncodeContext = { codeSize: 32, evaluate };

function writeLe(bytes: Uint8Array, at: number, size: number, v: bigint): void {
  for (let i = 0; i < size; i++) bytes[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

/** Splits a line into the mnemonic with its prefix words, and the operand text. */
export function splitLine(line: string): { mnemonic: string; operands: string } {
  const words = line.trim().split(/\s+/);
  let i = 0;
  while (i < words.length - 1 && PREFIXES.has(words[i]!.toLowerCase())) i++;
  const head = words.slice(0, i + 1).join(' ');
  const rest = line.trim().slice(line.trim().indexOf(words[i]!) + words[i]!.length).trim();
  return { mnemonic: head, operands: rest };
}

export function encodeLine(line: string): OurLine {
  const { mnemonic, operands } = splitLine(line);
  let ops;
  try {
    ops = parseOperands(operands);
  } catch (e) {
    if (e instanceof OperandError) return { error: e.message, warnings: [], bytes: new Uint8Array(), relocs: [] };
    throw e;
  }
  const r = encodeInstruction(mnemonic, ops, CONTEXT);
  if ('error' in r) return { error: r.error, warnings: [], bytes: new Uint8Array(), relocs: [] };
  if ('relax' in r) {
    // Every symbol is undefined here, so GAS takes the near form with a pc-relative relocation.
    const near = r.relax.near;
    const bytes = Uint8Array.from(near.bytes);
    const v = evaluate(r.relax.target);
    const size = bytes.length - near.fixupOffset;
    const addend = v.kind === 'relocatable' ? v.addend : v.kind === 'absolute' ? v.value : 0n;
    writeLe(bytes, near.fixupOffset, size, addend - BigInt(size));
    return { warnings: r.warnings, bytes, relocs: [{ offset: near.fixupOffset, type: near.relocType }] };
  }
  const bytes = Uint8Array.from(r.bytes);
  const relocs: { offset: number; type: number }[] = [];
  for (const f of r.fixups) {
    const v = evaluate(f.expr);
    const addend = v.kind === 'relocatable' ? v.addend : v.kind === 'absolute' ? v.value : 0n;
    writeLe(bytes, f.offset, f.size, f.pcrel ? addend - BigInt(f.size) : addend);
    relocs.push({ offset: f.offset, type: f.relocType });
  }
  return { warnings: r.warnings, bytes, relocs };
}

export function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

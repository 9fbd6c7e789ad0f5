// Owns the encoder's public types: the context the front end gives (code size, expression
// evaluation) and the result shapes (bytes with fixups, a relaxable branch, or GAS's error).
import type { Expr } from '../expr';

/** What an expression is worth at the time the instruction is encoded. */
export type EvaluatedExpr =
  | { readonly kind: 'absolute'; readonly value: bigint }
  | { readonly kind: 'relocatable'; readonly symbol: string; readonly addend: bigint; readonly pcrel?: boolean }
  /** Not known yet (a forward reference): GAS then takes the full-size form. */
  | { readonly kind: 'unknown' };

export interface EncodeContext {
  /** `.code32` (default) or `.code16`: the default operand and address size. */
  readonly codeSize: 32 | 16;
  evaluate(expr: Expr): EvaluatedExpr;
}

/** A field of the instruction whose value the front end fills in (and relocates if needed). */
export interface Fixup {
  /** Offset of the field from the instruction's first byte. */
  readonly offset: number;
  readonly size: 1 | 2 | 4;
  readonly expr: Expr;
  /**
   * PC-relative: the field holds `expr - (address of the next instruction)`; such fields are
   * always the instruction's last bytes, so for REL the in-place addend is `addend - size`.
   */
  readonly pcrel: boolean;
  /** R_386_* type GAS uses for this field when `expr` is not absolute at the end. */
  readonly relocType: number;
}

export interface EncodedInstruction {
  readonly bytes: Uint8Array;
  readonly fixups: readonly Fixup[];
  /** GAS's warnings for the line (e.g. the default-suffix warning), without the "Warning: ". */
  readonly warnings: readonly string[];
}

export interface RelaxForm {
  /** The whole instruction with a zero displacement. */
  readonly bytes: Uint8Array;
  /** Offset of the displacement (1 byte in `short`, 4 (2 in 16-bit) in `near`), the last bytes. */
  readonly fixupOffset: number;
  /** R_386_* for the displacement: PC8 for short; PC32 (or PLT32 for `@PLT`, PC16 in 16-bit) for near. */
  readonly relocType: number;
}

/** A jmp/jcc to a direct target: the front end picks the form (GAS's relaxation, see index.ts). */
export interface RelaxableBranch {
  readonly relax: { readonly short: RelaxForm; readonly near: RelaxForm; readonly target: Expr };
  readonly warnings: readonly string[];
}

export interface EncodeError {
  /** GAS's message text, e.g. "operand type mismatch for `mov'". */
  readonly error: string;
}

export type EncodeResult = EncodedInstruction | RelaxableBranch | EncodeError;

/** R_386_* numbers the encoder produces. */
export { R_386_32, R_386_PC32, R_386_GOT32, R_386_PLT32, R_386_GOTOFF, R_386_GOTPC, R_386_TLS_IE, R_386_TLS_GOTIE, R_386_TLS_LE, R_386_TLS_GD, R_386_TLS_LDM, R_386_16, R_386_PC16, R_386_8, R_386_PC8, R_386_TLS_LDO_32, R_386_TLS_IE_32, R_386_TLS_LE_32, R_386_GOT32X } from '../../elf/relocation-types';

// Owns reading one DWARF attribute value by its form (DW_FORM_*, DWARF 2 to 5), for the
// .debug_info reader and the DWARF 5 directory and file tables of .debug_line: every form's
// size, strings fetched from .debug_str or .debug_line_str, and a one-line InputError for
// a form that is unknown or runs past its block.
import type { ByteReader } from './byte-reader';

export const DW_FORM_addr = 0x01;
export const DW_FORM_block2 = 0x03;
export const DW_FORM_block4 = 0x04;
export const DW_FORM_data2 = 0x05;
export const DW_FORM_data4 = 0x06;
export const DW_FORM_data8 = 0x07;
export const DW_FORM_string = 0x08;
export const DW_FORM_block = 0x09;
export const DW_FORM_block1 = 0x0a;
export const DW_FORM_data1 = 0x0b;
export const DW_FORM_flag = 0x0c;
export const DW_FORM_sdata = 0x0d;
export const DW_FORM_strp = 0x0e;
export const DW_FORM_udata = 0x0f;
export const DW_FORM_ref_addr = 0x10;
export const DW_FORM_ref1 = 0x11;
export const DW_FORM_ref2 = 0x12;
export const DW_FORM_ref4 = 0x13;
export const DW_FORM_ref8 = 0x14;
export const DW_FORM_ref_udata = 0x15;
export const DW_FORM_indirect = 0x16;
export const DW_FORM_sec_offset = 0x17;
export const DW_FORM_exprloc = 0x18;
export const DW_FORM_flag_present = 0x19;
export const DW_FORM_strx = 0x1a;
export const DW_FORM_addrx = 0x1b;
export const DW_FORM_ref_sup4 = 0x1c;
export const DW_FORM_strp_sup = 0x1d;
export const DW_FORM_data16 = 0x1e;
export const DW_FORM_line_strp = 0x1f;
export const DW_FORM_ref_sig8 = 0x20;
export const DW_FORM_implicit_const = 0x21;
export const DW_FORM_loclistx = 0x22;
export const DW_FORM_rnglistx = 0x23;
export const DW_FORM_ref_sup8 = 0x24;
export const DW_FORM_strx1 = 0x25;
export const DW_FORM_strx2 = 0x26;
export const DW_FORM_strx3 = 0x27;
export const DW_FORM_strx4 = 0x28;
export const DW_FORM_addrx1 = 0x29;
export const DW_FORM_addrx2 = 0x2a;
export const DW_FORM_addrx3 = 0x2b;
export const DW_FORM_addrx4 = 0x2c;
export const DW_FORM_GNU_addr_index = 0x1f01;
export const DW_FORM_GNU_str_index = 0x1f02;
export const DW_FORM_GNU_ref_alt = 0x1f20;
export const DW_FORM_GNU_strp_alt = 0x1f21;

/** What reading a form needs to know about its unit. */
export interface FormContext {
  readonly version: number;
  readonly offsetSize: number;
  readonly addressSize: number;
  /** Strings of .debug_str and .debug_line_str (undefined: the file has none). */
  readonly str?: Uint8Array;
  readonly lineStr?: Uint8Array;
}

/** One attribute value: a number (addresses, constants, offsets, references), a string, or a block. */
export type FormValue =
  | { readonly kind: 'number'; readonly form: number; readonly value: bigint }
  | { readonly kind: 'string'; readonly form: number; readonly value: string | undefined }
  | { readonly kind: 'block'; readonly form: number; readonly value: Uint8Array };

/** The NUL-terminated string at `offset` of a string section, or undefined when there is none there. */
export function stringAt(section: Uint8Array | undefined, offset: bigint): string | undefined {
  if (!section || offset >= BigInt(section.length)) return undefined;
  const start = Number(offset);
  const end = section.indexOf(0, start);
  if (end < 0) return undefined;
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(section[i]!);
  return s;
}

const MAX_INDIRECT = 8;

/** Reads the value of `form` at the reader's position (implicit_const takes its value from the abbreviation). */
export function readForm(r: ByteReader, form: number, ctx: FormContext, implicit = 0n, depth = 0): FormValue {
  const num = (value: bigint): FormValue => ({ kind: 'number', form, value });
  const block = (n: number): FormValue => ({ kind: 'block', form, value: r.bytesView(n, 'attribute block') });
  switch (form) {
    case DW_FORM_addr: return num(r.unsigned(ctx.addressSize, 'address'));
    case DW_FORM_block2: return block(r.u16('block length'));
    case DW_FORM_block4: return block(r.u32('block length'));
    case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2: return num(BigInt(r.u16('attribute value')));
    case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_ref_sup4: case DW_FORM_strx4: case DW_FORM_addrx4: return num(BigInt(r.u32('attribute value')));
    case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8: return num(r.u64('attribute value'));
    case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1: case DW_FORM_addrx1: return num(BigInt(r.u8('attribute value')));
    case DW_FORM_strx3: case DW_FORM_addrx3: {
      const lo = r.u16('attribute value');
      return num(BigInt(lo | (r.u8('attribute value') << 16)));
    }
    case DW_FORM_string: return { kind: 'string', form, value: r.cstring('string attribute') };
    case DW_FORM_block: case DW_FORM_exprloc: return block(r.uleb('block length'));
    case DW_FORM_block1: return block(r.u8('block length'));
    case DW_FORM_sdata: return num(r.slebBig('attribute value'));
    case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx:
    case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
      return num(r.ulebBig('attribute value'));
    case DW_FORM_strp: return { kind: 'string', form, value: stringAt(ctx.str, r.unsigned(ctx.offsetSize, 'string offset')) };
    case DW_FORM_line_strp: return { kind: 'string', form, value: stringAt(ctx.lineStr, r.unsigned(ctx.offsetSize, 'string offset')) };
    case DW_FORM_strp_sup: case DW_FORM_GNU_strp_alt: case DW_FORM_sec_offset: case DW_FORM_GNU_ref_alt:
      return num(r.unsigned(ctx.offsetSize, 'offset'));
    case DW_FORM_ref_addr: return num(r.unsigned(ctx.version <= 2 ? ctx.addressSize : ctx.offsetSize, 'reference'));
    case DW_FORM_flag_present: return num(1n);
    case DW_FORM_implicit_const: return num(implicit);
    case DW_FORM_data16: return block(16);
    case DW_FORM_indirect: {
      const at = r.pos;
      const actual = r.uleb('indirect form');
      if (depth >= MAX_INDIRECT) r.fail(at, 'DW_FORM_indirect nests too deeply');
      return readForm(r, actual, ctx, implicit, depth + 1);
    }
    default:
      return r.fail(r.pos, `unknown attribute form 0x${form.toString(16)}`);
  }
}

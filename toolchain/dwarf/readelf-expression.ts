// Owns printing a decoded DWARF expression the way readelf prints one inside frame
// information: "DW_OP_breg4 (esp): 32; DW_OP_deref".
import { regname } from './registers';
import type { DwarfExpression, DwarfOp } from './types';

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
/** C's "%#" PRIx64: 0 prints as "0", others with 0x. */
const hashHex = (v: bigint): string => (u64(v) === 0n ? '0' : '0x' + u64(v).toString(16));

function hexNs(value: bigint, bytes: number): string {
  const masked = BigInt.asUintN(bytes * 8, value);
  return masked.toString(16).padStart(bytes * 2, '0');
}

function block(op: DwarfOp, length: bigint): string {
  let s = ` ${u64(length)} byte block: `;
  for (const b of op.block ?? []) s += `${b.toString(16)} `;
  return s;
}

function formatOp(op: DwarfOp, addressSize: number): string {
  const o = op.operands;
  const c = op.opcode;
  if (op.undecodable === 'frame-info') return `(${op.name} in frame info)`;
  if (op.undecodable === 'user') return `(User defined location op 0x${c.toString(16)})`;
  if (op.undecodable === 'unknown') return `(Unknown location op 0x${c.toString(16)})`;
  if (c >= 0x50 && c <= 0x6f) return `${op.name} (${regname(c - 0x50, true)})`;
  if (c >= 0x70 && c <= 0x8f) return `${op.name} (${regname(c - 0x70, true)}): ${o[0]}`;
  switch (c) {
    case 0x03: return `DW_OP_addr: ${u64(o[0]!).toString(16)}`;
    case 0x08: case 0x0a: case 0x0c: case 0x0e: case 0x10: case 0x15: case 0x23: case 0x93: case 0x94: case 0x95:
      return `${op.name}: ${u64(o[0]!)}`;
    case 0x09: case 0x0b: case 0x0d: case 0x0f: case 0x11: case 0x28: case 0x2f: case 0x91:
      return `${op.name}: ${o[0]}`;
    case 0x90: return `DW_OP_regx: ${o[0]} (${regname(Number(o[0]), true)})`;
    case 0x92: return `DW_OP_bregx: ${o[0]} (${regname(Number(o[0]), true)}) ${o[1]}`;
    case 0x98: case 0x99: return `${op.name}: <${hashHex(o[0]!)}>`;
    case 0x9d: return `DW_OP_bit_piece: size: ${o[0]} offset: ${o[1]} `;
    case 0x9e: return `DW_OP_implicit_value${block(op, o[0]!)}`;
    case 0xa1: return `DW_OP_addrx <${hashHex(o[0]!)}>`;
    case 0xa3: case 0xf3: return `${op.name}: (${formatExpression(op.nested!, addressSize)})`;
    case 0xa4: case 0xf4: return `${op.name}: <${hashHex(o[0]!)}> ${block(op, o[1]!)}`;
    case 0xa5: case 0xf5: return `${op.name}: ${o[0]} (${regname(Number(o[0]), true)}) <${hashHex(o[1]!)}>`;
    case 0xa6: case 0xf6: return `${op.name}: ${o[0]} <${hashHex(o[1]!)}>`;
    case 0xa8: case 0xa9: case 0xf7: case 0xf9: return `${op.name} <${hashHex(o[0]!)}>`;
    case 0xe0: return 'DW_OP_GNU_push_tls_address or DW_OP_HP_unknown';
    case 0xf1: return `DW_OP_GNU_encoded_addr: fmt:${o[0]!.toString(16).padStart(2, '0')} addr:${hexNs(displayPointer(op), addressSize)}`;
    case 0xfa: return `DW_OP_GNU_parameter_ref: <${hashHex(o[0]!)}>`;
    case 0xfb: case 0xfc: return `${op.name} <${hashHex(o[0]!)}>`;
    default: return op.name;
  }
}

/** readelf adds only pc-relative bases to an encoded address. */
function displayPointer(op: DwarfOp): bigint {
  const p = op.pointer!;
  return (p.encoding & 0x70) === 0x10 && p.value !== undefined ? BigInt(p.value) : p.raw;
}

/** The operations joined with "; ", as readelf prints them between parentheses. */
export function formatExpression(expr: DwarfExpression, addressSize: number): string {
  const parts: string[] = [];
  for (const op of expr.ops) {
    parts.push(formatOp(op, addressSize));
    if (op.undecodable) return parts.join('; ');
  }
  return parts.join('; ');
}

// Owns disassembling a run of bytes into objdump -d style lines (address, bytes, AT&T text)
// from the one opcode table; the alternatives view and the language server's hovers use it.
import { decode } from './decoder';
import { formatAtt } from './att-formatter';
import type { Symbolizer } from './symbolizer';

/** One instruction as objdump -d prints it: `     553:\t89 e5                \tmov    %esp,%ebp`. */
export interface DisassembledLine {
  readonly address: number;
  /** The instruction's bytes as hex pairs separated by spaces. */
  readonly bytes: string;
  readonly text: string;
}

export function disassembleBytes(bytes: Uint8Array, address: number, symbolize?: Symbolizer): DisassembledLine[] {
  const out: DisassembledLine[] = [];
  for (let at = 0; at < bytes.length; ) {
    const i = decode(bytes, at, address + at, bytes.length);
    const length = Math.max(1, Math.min(i.length, bytes.length - at));
    const raw = [...bytes.subarray(at, at + length)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    out.push({ address: address + at, bytes: raw, text: formatAtt(i, symbolize ? { symbolize } : {}) });
    at += length;
  }
  return out;
}

// Owns the read-only source shown for code no line table covers: the disassembly of the
// function that holds the pc (from its symbol to the next function, at most MAX_LINES
// instructions; a window around the pc where no symbol names the code), one instruction a
// line with its address, so that every frame has a source and a line VS Code can show.
import type { DisassembledLine } from './types';

/** Instructions one generated source shows at most. */
const MAX_LINES = 2000;
/** Instructions before the pc in a window without a function symbol. */
const WINDOW_BEFORE = 32;

export interface GeneratedSource {
  /** Identifies the text: the function's start (or the window's first address). */
  readonly key: number;
  /** The tab's name: "main (disassembly)". */
  readonly name: string;
  readonly text: string;
  /** Address of each line (1-based line n is addresses[n - 1]). */
  readonly addresses: readonly number[];
}

export interface GeneratedSourceHost {
  functionAt(pc: number): { readonly name: string; readonly start: number } | undefined;
  /** Function starts, for where the function ends. */
  functionStarts(): readonly number[];
  disassemble(address: number, instructionOffset: number, count: number): DisassembledLine[];
}

const hex8 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

/** The disassembly that holds `pc`. */
export function generatedSourceAt(pc: number, host: GeneratedSourceHost): GeneratedSource {
  const fn = host.functionAt(pc);
  let lines: DisassembledLine[];
  let name: string;
  if (fn && pc - fn.start < MAX_LINES * 15) {
    const next = host.functionStarts().filter((a) => a > fn.start).reduce((m, a) => Math.min(m, a), Infinity);
    lines = host.disassemble(fn.start, 0, MAX_LINES).filter((l) => l.address < next && !l.unreadable);
    if (!lines.some((l) => l.address === pc >>> 0)) lines = host.disassemble(pc, -WINDOW_BEFORE, MAX_LINES / 10);
    name = `${fn.name} (disassembly)`;
  } else {
    lines = host.disassemble(pc, -WINDOW_BEFORE, MAX_LINES / 10);
    name = `${hex8(pc)} (disassembly)`;
  }
  const text = lines.map((l) => `${hex8(l.address)}${l.symbol ? ` <${l.symbol}>` : ''}:\t${l.bytes.padEnd(20)}\t${l.text}`).join('\n') + '\n';
  return { key: lines[0]?.address ?? pc >>> 0, name, text, addresses: lines.map((l) => l.address) };
}

// Owns the read-only source shown for code no line table covers: the disassembly of the
// function that holds the pc (from its symbol to the next function or the end of its code
// section, at most MAX_LINES instructions; a window around the pc where no symbol names the
// code), one instruction a line with its address, so that every frame has a source and a
// line VS Code can show. A function's source is made once and kept while its bytes are
// unchanged (every stack trace through libc asks for the same few).
import { MAX_INSTRUCTION_LENGTH } from '../../toolchain/isa/decoder';
import { sameBytes } from './same-bytes';
import type { FunctionExtent } from './symbols';
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
  functionAt(pc: number): FunctionExtent | undefined;
  /** The instructions that start in [from, to), at most `count`. */
  disassembleRange(from: number, to: number, count: number): DisassembledLine[];
  disassemble(address: number, instructionOffset: number, count: number): DisassembledLine[];
  /** The readable bytes of [address, address + count). */
  readMemory(address: number, count: number): Uint8Array;
}

const hex8 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

function sourceOf(lines: readonly DisassembledLine[], name: string, pc: number): GeneratedSource {
  const text = lines.map((l) => `${hex8(l.address)}${l.symbol ? ` <${l.symbol}>` : ''}:\t${l.bytes.padEnd(20)}\t${l.text}`).join('\n') + '\n';
  return { key: lines[0]?.address ?? pc >>> 0, name, text, addresses: lines.map((l) => l.address) };
}

/** The generated sources of one debug session, each function's made once while its bytes stay as they were. */
export class GeneratedSources {
  private readonly made = new Map<number, { readonly bytes: Uint8Array; readonly source: GeneratedSource }>();

  constructor(private readonly host: GeneratedSourceHost) {}

  /** The disassembly that holds `pc`. */
  at(pc: number): GeneratedSource {
    pc >>>= 0;
    const fn = this.host.functionAt(pc);
    if (fn && pc < fn.end && pc - fn.start < MAX_LINES * MAX_INSTRUCTION_LENGTH) {
      const source = this.function(fn);
      if (source.addresses.includes(pc)) return source;
      return sourceOf(this.host.disassemble(pc, -WINDOW_BEFORE, MAX_LINES / 10), `${fn.name} (disassembly)`, pc);
    }
    return sourceOf(this.host.disassemble(pc, -WINDOW_BEFORE, MAX_LINES / 10), `${hex8(pc)} (disassembly)`, pc);
  }

  private function(fn: FunctionExtent): GeneratedSource {
    // MAX_LINES instructions end within `to`; the last may run past it, and its bytes are part of what was decoded.
    const to = Math.min(fn.end, fn.start + MAX_LINES * MAX_INSTRUCTION_LENGTH);
    const bytes = this.host.readMemory(fn.start, to - fn.start + MAX_INSTRUCTION_LENGTH);
    const kept = this.made.get(fn.start);
    if (kept && sameBytes(kept.bytes, bytes)) return kept.source;
    const lines = this.host.disassembleRange(fn.start, to, MAX_LINES).filter((l) => !l.unreadable);
    const source = sourceOf(lines, `${fn.name} (disassembly)`, fn.start);
    this.made.set(fn.start, { bytes, source });
    return source;
  }
}

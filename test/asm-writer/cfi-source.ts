// Test helper: reads the CFI directives of the small .s sources the writer tests assemble
// (only nop, .fill N,1,X, .long, labels, section switches and .cfi_* appear in them) into
// the CfiProcedure list the GAS front end would produce, with GAS's conversions done
// (adjust_cfa_offset -> def_cfa_offset, rel_offset -> offset, remember/restore of the
// running CFA offset). It knows the sizes of only those statements.
import type { CfiInstruction, CfiOp, CfiPointer, CfiProcedure, SourceLocation } from '../../toolchain/asm/module';

/** Sizes of the instructions the test sources use (a line may hold several, split by ';'). */
export const STATEMENT_SIZES: Record<string, number> = { nop: 1, ret: 1, 'int $0x80': 2, 'movl %esp, %ebp': 2, 'pushl %ebp': 1, 'popl %ebp': 1 };

const REGISTERS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'];

function register(text: string): number {
  const t = text.trim();
  if (t.startsWith('%')) {
    const i = REGISTERS.indexOf(t.slice(1));
    if (i < 0) throw new Error(`unknown register ${t}`);
    return i;
  }
  return Number(t);
}

export function cfiFromSource(source: string, file = 'test.s'): CfiProcedure[] {
  const procedures: CfiProcedure[] = [];
  const offsets = new Map<string, number>();
  let section = '.text';
  let ehFrame = true;
  let debugFrame = false;
  let open: {
    section: string; start: number; simple: boolean; signalFrame: boolean; returnColumn: number;
    personality?: CfiPointer; lsda?: CfiPointer; instructions: CfiInstruction[]; location: SourceLocation;
    cfaOffset: number; saved: number[];
  } | undefined;
  const here = (): number => offsets.get(section) ?? 0;
  source.split('\n').forEach((raw, i) => {
    const location = { file, line: i + 1, column: 1 };
    let line = raw.replace(/#.*$/, '').trim();
    const label = /^([A-Za-z_.$][\w.$]*):\s*(.*)$/.exec(line);
    if (label) line = label[2]!;
    if (!line) return;
    const [word, ...restParts] = line.split(/\s+/);
    const rest = restParts.join(' ');
    const args = rest.split(',').map((a) => a.trim());
    const grow = (n: number): void => void offsets.set(section, here() + n);
    const op = (o: CfiOp): void => {
      if (!open) throw new Error(`line ${i + 1}: CFI outside a procedure`);
      open.instructions.push({ offset: here(), op: o, location });
    };
    switch (word) {
      case '.text': section = '.text'; return;
      case '.data': section = '.data'; return;
      case '.section': section = args[0]!; return;
      case '.fill': grow(Number(args[0]) * Number(args[1] ?? 1)); return;
      case '.long': grow(4 * args.length); return;
      case '.globl': case '.type': case '.size': case '.p2align': return;
      case '.cfi_sections':
        ehFrame = args.includes('.eh_frame');
        debugFrame = args.includes('.debug_frame');
        return;
      case '.cfi_startproc':
        open = { section, start: here(), simple: rest === 'simple', signalFrame: false, returnColumn: 8, instructions: [], location, cfaOffset: 4, saved: [] };
        if (rest === 'simple') open.cfaOffset = 0;
        return;
      case '.cfi_endproc': {
        const o = open!;
        procedures.push({
          section: o.section, start: o.start, end: here(), simple: o.simple, signalFrame: o.signalFrame, returnColumn: o.returnColumn,
          ...(o.personality ? { personality: o.personality } : {}), ...(o.lsda ? { lsda: o.lsda } : {}),
          instructions: o.instructions, ehFrame, debugFrame, location: o.location,
        });
        open = undefined;
        return;
      }
      case '.cfi_def_cfa': open!.cfaOffset = Number(args[1]); op({ kind: 'def_cfa', register: register(args[0]!), offset: Number(args[1]) }); return;
      case '.cfi_def_cfa_register': op({ kind: 'def_cfa_register', register: register(args[0]!) }); return;
      case '.cfi_def_cfa_offset': open!.cfaOffset = Number(args[0]); op({ kind: 'def_cfa_offset', offset: Number(args[0]) }); return;
      case '.cfi_adjust_cfa_offset': open!.cfaOffset += Number(args[0]); op({ kind: 'def_cfa_offset', offset: open!.cfaOffset }); return;
      case '.cfi_offset': op({ kind: 'offset', register: register(args[0]!), offset: Number(args[1]) }); return;
      case '.cfi_rel_offset': op({ kind: 'offset', register: register(args[0]!), offset: Number(args[1]) - open!.cfaOffset }); return;
      case '.cfi_val_offset': op({ kind: 'val_offset', register: register(args[0]!), offset: Number(args[1]) }); return;
      case '.cfi_register': op({ kind: 'register', register: register(args[0]!), register2: register(args[1]!) }); return;
      case '.cfi_restore': op({ kind: 'restore', register: register(args[0]!) }); return;
      case '.cfi_undefined': op({ kind: 'undefined', register: register(args[0]!) }); return;
      case '.cfi_same_value': op({ kind: 'same_value', register: register(args[0]!) }); return;
      case '.cfi_remember_state': open!.saved.push(open!.cfaOffset); op({ kind: 'remember_state' }); return;
      case '.cfi_restore_state': open!.cfaOffset = open!.saved.pop()!; op({ kind: 'restore_state' }); return;
      case '.cfi_escape': op({ kind: 'escape', bytes: Uint8Array.from(args.map(Number)) }); return;
      case '.cfi_signal_frame': open!.signalFrame = true; return;
      case '.cfi_return_column': open!.returnColumn = register(args[0]!); return;
      case '.cfi_personality': open!.personality = { encoding: Number(args[0]), symbol: args[1]! }; return;
      case '.cfi_lsda': open!.lsda = { encoding: Number(args[0]), symbol: args[1]! }; return;
      default: {
        const sizes = line.split(';').map((t) => STATEMENT_SIZES[t.trim()]);
        if (sizes.some((n) => n === undefined)) throw new Error(`line ${i + 1}: the test reader does not know '${line}'`);
        grow(sizes.reduce((a: number, b) => a + b!, 0));
      }
    }
  });
  return procedures;
}

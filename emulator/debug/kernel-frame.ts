// Owns the kernel model as source while the debugger stands inside a system call: stepIn
// on int $0x80, sysenter or syscall runs the call with its phases recorded (RunLoop.phases,
// emulator/kernel/entry/phases.ts) and the debugger then shows, phase by phase, a kernel
// frame whose source is a read-only document with one line per phase (the entry path and
// why, pt_regs built, the fetch, the call, exit work, each fast-exit condition, the exit
// instruction), its registers being pt_regs as that phase left them, above the user frames
// as they were at the entry instruction. The CPU has already returned to user mode; the
// frame only replays what the kernel did, so leaving it (stepOut, a step past the last
// phase) stops where the exit path returned.
import type { RunResult } from '../kernel/run-loop';
import type { KernelPhase, PtRegs } from '../kernel/seams';
import type { NamedValue, RuntimeFrame } from './types';

/** pt_regs fields under the DWARF register names a frame shows. */
const FRAME_REGISTERS: ReadonlyArray<readonly [string, keyof PtRegs]> = [
  ['eax', 'ax'], ['ecx', 'cx'], ['edx', 'dx'], ['ebx', 'bx'], ['esp', 'sp'], ['ebp', 'bp'], ['esi', 'si'], ['edi', 'di'], ['eip', 'ip'], ['eflags', 'flags'],
];

/** Document references: page 0 is never mapped, so no disassembly (keyed by address) takes these. */
const FIRST_REFERENCE = 0x100;
const REFERENCES = 0xe00;

export class KernelFrame {
  /** The phase shown (0-based; line index + 1). */
  index = 0;

  constructor(
    /** The document's sourceReference (a new one per system call entered). */
    readonly reference: number,
    readonly phases: readonly KernelPhase[],
    /** The entering instruction's address. */
    readonly entryAddress: number,
    /** The user stack as it was at the entry instruction (frame 0 there first). */
    private readonly userFrames: readonly RuntimeFrame[],
    /** The CPU's registers as they were at the entry instruction. */
    readonly userRegisters: readonly NamedValue[],
    /** What the run that made the call ended with (the process may have ended in it). */
    readonly after: RunResult,
    /** The system call's name, for the document's title. */
    private readonly call: string,
  ) {}

  /** A reference for the n-th system call entered in a session. */
  static reference(n: number): number {
    return FIRST_REFERENCE + (n % REFERENCES);
  }

  get phase(): KernelPhase {
    return this.phases[this.index]!;
  }

  /** pt_regs as the current phase left them; undefined on the lines before the entry path builds them. */
  get ptRegs(): Readonly<PtRegs> | undefined {
    return this.index >= this.ptRegsLine - 1 ? this.phase.regs : undefined;
  }

  /** The document's line (1-based) where pt_regs are built. */
  get ptRegsLine(): number {
    const k = this.phases.findIndex((p) => p.kind === 'pt_regs');
    return k < 0 ? 1 : k + 1;
  }

  get atLast(): boolean {
    return this.index >= this.phases.length - 1;
  }

  /** The document's title: "entry_SYSENTER_compat: write (kernel model)". */
  get name(): string {
    return `${this.phases[0]!.function}: ${this.call} (kernel model)`;
  }

  /** One line per phase: the kernel function, then what it did. */
  get text(): string {
    return this.phases.map((p) => `${p.function}: ${p.text}`).join('\n') + '\n';
  }

  /** The kernel frame at the current phase, then the user frames one level down. */
  frames(): RuntimeFrame[] {
    const regs = this.phase.regs;
    const top: RuntimeFrame = {
      kind: 'frame', level: 0, pc: this.entryAddress, symbol: this.phase.function, image: '[kernel model]', cfa: undefined,
      row: undefined, signalFrame: false,
      registers: FRAME_REGISTERS.map(([name, field]) => ({ name, value: regs[field] >>> 0, origin: `pt_regs->${field}` })),
      kernel: { reference: this.reference, line: this.index + 1 },
    };
    return [top, ...this.userFrames.map((f) => ({ ...f, level: f.level + 1 }))];
  }
}

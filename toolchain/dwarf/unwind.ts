// Owns the CFI unwinder over a stopped process: from the innermost frame's registers, find
// the FDE and row covering each frame's pc in the loaded images, compute the frame's CFA and
// its caller's registers (unwind-step.ts), and go on until a clean stop with a reason.
// The lookup rule is gdb's and libgcc's: a caller's pc is a return address, so its CFI is
// looked up at pc - 1 (the call instruction may be the function's last), except for the
// innermost frame and for a frame interrupted by a signal (its callee is a signal frame:
// CIE augmentation 'S', or recognized sigreturn code), whose pc is the next instruction.
import { InputError } from '../errors';
import { rowAt } from './rows';
import { regname } from './registers';
import { findFde, rowTableOf } from './unwind-image';
import { framePointerStep } from './unwind-frame-pointer';
import { recognizeSigtramp, sigtrampStep } from './unwind-sigtramp';
import { applyRow } from './unwind-step';
import type { RowTable } from './types';
import {
  UNWIND_REGISTER_COUNT, type FrameCfi, type MemoryReader, type RegisterOrigin, type RegisterValues, type UnwindFrame,
  type UnwindImage, type UnwindOptions, type UnwindResult, type UnwindStop,
} from './unwind-types';

const ESP = 4;
const EIP = 8;

/**
 * The image and FDE whose CFI covers the run-time address, first image first; a string when
 * that FDE's instructions cannot be decoded (the InputError's message, naming file and place).
 */
function findCfi(images: readonly UnwindImage[], lookupPc: number): FrameCfi | string | undefined {
  for (const image of images) {
    const address = (lookupPc - image.base) >>> 0;
    const found = findFde(image, address);
    if (!found) continue;
    let table: RowTable;
    try {
      table = rowTableOf(found.fde);
    } catch (e) {
      if (e instanceof InputError) return e.message;
      throw e;
    }
    const row = rowAt(table, address);
    if (!row) continue;
    return { image, section: found.section, fde: found.fde, table, row, lookupAddress: address };
  }
  return undefined;
}

/** How one frame's caller was found (or why it could not be). */
type CallerStep =
  | { readonly ok: true; readonly cfa: number; readonly caller: RegisterValues; readonly origins: readonly RegisterOrigin[] }
  | { readonly ok: false; readonly cfa: number | undefined; readonly stop: UnwindStop };

/**
 * Unwinds the stack of a stopped process.
 * @param images    the images loaded in the process (program, vDSO...), searched in order
 * @param registers the innermost frame's registers by DWARF number (eip = 8, esp = 4; eflags = 9 optional)
 * @param memory    reads the process's memory (stack, and code for sigreturn recognition)
 */
export function unwind(images: readonly UnwindImage[], registers: RegisterValues, memory: MemoryReader, options: UnwindOptions = {}): UnwindResult {
  const maxFrames = options.maxFrames ?? 256;
  const framePointer = options.framePointer ?? 'never';
  const sigtramps = (options.sigtramps ?? true) && framePointer !== 'only';
  const frames: UnwindFrame[] = [];
  let regs: RegisterValues = Array.from({ length: UNWIND_REGISTER_COUNT }, (_, i) => (registers[i] === undefined ? undefined : registers[i]! >>> 0));
  let origins: readonly RegisterOrigin[] = new Array<RegisterOrigin>(UNWIND_REGISTER_COUNT).fill('given');
  let calleeSignal = false;
  let calleeCfa: number | undefined;
  let guessed = false;

  for (let level = 0; ; level++) {
    if (level >= maxFrames) return { frames, stop: { kind: 'depth-limit', limit: maxFrames } };
    const pc: number | undefined = regs[EIP];
    if (pc === undefined) return { frames, stop: { kind: 'unknown-register', reg: EIP, what: 'the pc' } };
    const lookupPc: number = level === 0 || calleeSignal ? pc : (pc - 1) >>> 0;
    const found = framePointer === 'only' ? undefined : findCfi(images, lookupPc);
    if (typeof found === 'string') {
      frames.push({ level, pc, lookupPc, cfa: undefined, registers: regs, origins, cfi: undefined, sigtramp: undefined, signalFrame: false, guessed });
      return { frames, stop: { kind: 'bad-cfi', pc, detail: found } };
    }
    const cfi: FrameCfi | undefined = found;
    let step: CallerStep;
    let signalFrame = false;
    let sigtramp: UnwindFrame['sigtramp'];
    let byFramePointer = false;
    if (cfi) {
      step = applyRow(cfi.row, cfi.table.returnAddressRegister, regs, memory, cfi.image.base);
      signalFrame = cfi.fde.cie.signalFrame;
    } else {
      const found = sigtramps ? recognizeSigtramp(memory, pc) : undefined;
      const esp = regs[ESP];
      if (found && esp !== undefined) {
        const s = sigtrampStep(memory, esp, found);
        signalFrame = true;
        if (s.ok) sigtramp = s.sigtramp;
        step = s.ok ? s : { ok: false, cfa: undefined, stop: { kind: 'unreadable-memory', address: s.address, size: 4, what: s.what } };
      } else if (framePointer !== 'never') {
        const f = framePointerStep(regs, memory);
        byFramePointer = true;
        step = f.ok ? f
          : f.reason === 'unreadable' ? { ok: false, cfa: undefined, stop: { kind: 'unreadable-memory', address: f.address, size: 4, what: 'the saved frame pointer' } }
          : { ok: false, cfa: undefined, stop: { kind: 'no-cfi', pc, lookupPc } };
      } else {
        step = { ok: false, cfa: undefined, stop: { kind: 'no-cfi', pc, lookupPc } };
      }
    }
    const cfa = step.cfa;
    frames.push({ level, pc, lookupPc, cfa, registers: regs, origins, cfi, sigtramp, signalFrame, guessed });
    // A caller's CFA lies above its callee's, except across a signal frame (sigaltstack). As gdb
    // does ("previous frame inner to this frame"), the offending frame is shown and the walk ends.
    if (level > 0 && !calleeSignal && !signalFrame && cfa !== undefined && calleeCfa !== undefined && cfa <= calleeCfa) {
      return { frames, stop: { kind: 'cfa-not-increasing', cfa: calleeCfa, callerCfa: cfa } };
    }
    if (!step.ok) return { frames, stop: step.stop };
    const callerPc = step.caller[EIP];
    if (callerPc === undefined) return { frames, stop: { kind: 'outermost' } };
    if (callerPc === 0) return { frames, stop: { kind: 'return-address-zero' } };
    regs = step.caller;
    origins = step.origins;
    calleeSignal = signalFrame;
    calleeCfa = cfa;
    guessed = guessed || byFramePointer;
  }
}

const hex = (n: number): string => '0x' + n.toString(16);

/** One line saying why the walk stopped ("no CFI for pc 0x8049000"). */
export function describeStop(stop: UnwindStop): string {
  switch (stop.kind) {
    case 'no-cfi': return `no CFI for pc ${hex(stop.pc)}` + (stop.lookupPc !== stop.pc ? ` (looked up at ${hex(stop.lookupPc)})` : '');
    case 'outermost': return 'outermost frame (return address undefined)';
    case 'return-address-zero': return 'return address 0';
    case 'cfa-not-increasing': return `CFA not increasing (${hex(stop.callerCfa)} after ${hex(stop.cfa)})`;
    case 'unreadable-memory': return `unreadable memory at ${hex(stop.address)} reading ${stop.what}`;
    case 'unknown-register': return `register ${regname(stop.reg, true)} unknown when computing ${stop.what}`;
    case 'bad-expression': return `bad DWARF expression for ${stop.what}: ${stop.detail}`;
    case 'bad-cfi': return `bad CFI for pc ${hex(stop.pc)}: ${stop.detail}`;
    case 'depth-limit': return `depth limit of ${stop.limit} frames`;
  }
}

// Owns the DAP scopes and variables of a stopped frame, built from the debugger runtime's
// plain values: the frame's registers (the CPU's for frame 0, as unwound for the others),
// the caller's registers as the frame's CFI row recovers them (with the CFA, the row and
// each register's rule), pt_regs of the last system call (at entry and at exit) or of the
// kernel frame's phase, the last system call itself, and the x87 FPU as gdb's `info float`
// shows it. Every number is shown in hex.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DebugRuntime } from '../emulator/debug/runtime';
import type { LastSyscall, NamedValue, RuntimeFrame } from '../emulator/debug/types';
import { PT_REGS_FIELDS } from '../emulator/debug/evaluate';
import { EFLAGS_BITS } from '../emulator/debug/state-edit';

export type ScopeRef =
  | { readonly kind: 'registers'; readonly level: number }
  | { readonly kind: 'caller'; readonly level: number }
  | { readonly kind: 'pt_regs'; readonly at: 'entry' | 'exit' }
  /** pt_regs as the kernel frame's current phase left them. */
  | { readonly kind: 'pt_regs'; readonly at: 'phase' }
  | { readonly kind: 'syscall' }
  /** The bits of frame 0's eflags (each settable). */
  | { readonly kind: 'eflags' }
  /** The x87 FPU as gdb's `info float` shows it. */
  | { readonly kind: 'fpu' };


export function hex8(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

function variable(name: string, value: number | undefined, type?: string): DebugProtocol.Variable {
  return {
    name,
    value: value === undefined ? '<not saved>' : hex8(value),
    variablesReference: 0,
    ...(type ? { type } : {}),
    ...(value !== undefined ? { memoryReference: hex8(value) } : {}),
  };
}

function text(name: string, value: string): DebugProtocol.Variable {
  return { name, value, variablesReference: 0 };
}

function frameRegisters(frame: RuntimeFrame | undefined): DebugProtocol.Variable[] {
  if (!frame || frame.kind !== 'frame') return [];
  return frame.registers.map((r) => variable(r.name, r.value, r.origin));
}

/** The variables of one scope; `child` makes a nested reference (pt_regs at exit). */
export function scopeVariables(ref: ScopeRef, runtime: DebugRuntime, frames: readonly RuntimeFrame[], child: (ref: ScopeRef) => number): DebugProtocol.Variable[] {
  switch (ref.kind) {
    case 'registers':
      if (ref.level === 0) {
        return runtime.registers().map((r: NamedValue) => (r.name === 'eflags' ? { ...variable(r.name, r.value), variablesReference: child({ kind: 'eflags' }) } : variable(r.name, r.value)));
      }
      return frameRegisters(frames[ref.level]);
    case 'caller': {
      const frame = frames[ref.level];
      const caller = frames[ref.level + 1];
      if (!frame || frame.kind !== 'frame') return [];
      const head = [
        frame.cfa === undefined ? text('CFA', '<unknown>') : variable('CFA', frame.cfa),
        text('CFI row', frame.row ?? '<no CFI covers this pc>'),
      ];
      if (!caller || caller.kind !== 'frame') return [...head, text('caller', caller && caller.kind === 'label' ? caller.text : '<none>')];
      return [...head, ...frameRegisters(caller)];
    }
    case 'pt_regs': {
      if (ref.at === 'phase') {
        const frame = runtime.kernelFrame();
        if (!frame) return [text('pt_regs', '<not inside the kernel model>')];
        const regs = frame.ptRegs;
        // Before the entry path saves the user registers, there are no pt_regs to show.
        return regs ? PT_REGS_FIELDS.map((k) => variable(k, regs[k])) : [text('pt_regs', `<not built yet: the entry path builds them on line ${frame.ptRegsLine}>`)];
      }
      const last = runtime.lastSyscall();
      if (!last) return [text('pt_regs', '<no system call yet>')];
      const regs = ref.at === 'entry' ? last.entryRegs : last.exitRegs;
      if (!regs) return [text('pt_regs', '<the call did not return>')];
      const out = PT_REGS_FIELDS.map((k) => variable(k, regs[k]));
      if (ref.at === 'entry' && last.exitRegs) out.push({ name: 'at exit', value: `pt_regs as the ${last.record.exitPath?.toUpperCase() ?? ''} exit used them`, variablesReference: child({ kind: 'pt_regs', at: 'exit' }) });
      return out;
    }
    case 'syscall':
      return syscallVariables(runtime.lastSyscall(), runtime);
    case 'fpu': {
      const f = runtime.fpu();
      return [
        ...f.registers.map((r) => ({ name: r.name, value: `${r.value ?? 'Empty'} (raw ${r.raw})`, type: `R${r.physical}: ${r.tag}`, variablesReference: 0 })),
        text('Status Word', f.status),
        text('Control Word', f.control),
        text('Tag Word', f.tag),
        text('Instruction Pointer', f.instructionPointer),
        text('Operand Pointer', f.operandPointer),
        text('Opcode', f.opcode),
      ];
    }
    case 'eflags': {
      const flags = runtime.registers().find((r) => r.name === 'eflags')!.value;
      return EFLAGS_BITS.map((b) => ({ name: b.name, value: flags & b.mask ? '1' : '0', variablesReference: 0 }));
    }
  }
}

function syscallVariables(last: LastSyscall | undefined, runtime: DebugRuntime): DebugProtocol.Variable[] {
  if (!last) return [text('system call', '<none yet>')];
  const r = last.record;
  const where = (a: number): string => runtime.where(a);
  const out: DebugProtocol.Variable[] = [
    text('name', `${r.name} (${r.nr})`),
    ...r.args.map((a, i) => variable(`arg${i + 1}`, a)),
    r.result === undefined ? text('result', '<no return>') : { ...variable('result', r.result), value: `${hex8(r.result)} (${r.result | 0})` },
    text('entered by', `${r.via} at ${where(r.entryAddress)}`),
    text('exit path', r.exitPath ? r.exitPath.toUpperCase() : '<none>'),
    text('exit reason', r.exitReason ?? '<none>'),
    text('returned to', where(r.returnedTo)),
  ];
  for (const f of last.fetched) out.push(variable(`fetched ${f.what}`, f.value, `from ${hex8(f.address)}`));
  for (const c of last.clobbered) out.push(variable(`clobbered ${c.register}`, c.value));
  return out;
}

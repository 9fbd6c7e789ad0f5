// Owns the expression context of a stopped process (emulator/debug/evaluate.ts): registers
// of the selected frame (the CPU's for frame 0, as unwound for callers), memory, symbols,
// pt_regs of the current or last kernel entry, and one-instruction disassembly for x/i.
import type { EvalContext } from './evaluate';
import type { DebugRuntime } from './runtime';
import type { RuntimeFrame } from './types';

export function frameContext(runtime: DebugRuntime, frames: readonly RuntimeFrame[], level: number): EvalContext {
  const frame = frames[level];
  const cpu = new Map(runtime.registers().map((r) => [r.name, r.value]));
  return {
    register(name) {
      if (level === 0 || !frame || frame.kind !== 'frame' || !['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags'].includes(name)) return cpu.get(name);
      return frame.registers.find((r) => r.name === name)?.value;
    },
    symbol: (name) => runtime.lookupSymbol(name),
    // Inside the kernel frame: pt_regs as its line left them (none before the entry path builds them).
    ptRegs: () => {
      const kernel = runtime.kernelFrame();
      return kernel ? kernel.ptRegs : runtime.lastSyscall()?.entryRegs;
    },
    read(address, size) {
      const b = runtime.readMemory(address, size);
      if (b.length !== size) return undefined;
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = v * 256 + b[k]!;
      return v >>> 0;
    },
    symbolize: (address) => runtime.symbolize(address),
    instruction(address) {
      const line = runtime.disassemble(address, 0, 1)[0];
      return !line || line.unreadable ? undefined : { text: line.text, length: line.bytes.split(' ').length };
    },
  };
}

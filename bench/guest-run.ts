// Owns running a bench guest both ways with its final state: in the emulator (a static ELF
// loaded on the kernel model, stdout captured, the trace off as in a session without one;
// `prepare` arms breakpoints or watchpoints first) and under a process runner (qemu-i386,
// or natively) with stdout captured once for the checksum, the timing done by processRuns.
import { spawnSync } from 'node:child_process';
import { loadProgram, vdsoMapper } from '../emulator/kernel/loader';
import { RunLoop } from '../emulator/kernel/run-loop';
import type { Cpu } from '../emulator/x86/cpu';
import { stateChecksum } from './rows';

export interface GuestRun {
  readonly seconds: number;
  readonly status: number;
  readonly instructions: number;
  readonly checksum: string;
}

/** One emulator run of `elf` (upstream vDSO design, intel, compat64) with `args`; throws unless it exits. */
export function emulatorGuestRun(elf: Uint8Array, name: string, args: readonly string[], vdso: Uint8Array, budget: number, prepare: (cpu: Cpu) => void = () => undefined): GuestRun {
  const out: Uint8Array[] = [];
  const { process: p } = loadProgram(elf, name, {
    options: { cpu: 'intel', kernel: 'compat64', abi: 'upstream' },
    host: { stdout: (b) => { out.push(b.slice()); }, stderr: () => undefined },
  }, { argv: [name, ...args], envp: [], execPath: `/${name}`, mapVdso: vdsoMapper(vdso, 'vdso/upstream') });
  const loop = new RunLoop(p);
  loop.traceKept = 0;
  prepare(p.cpu);
  const start = p.cpu.state.icount;
  const t0 = process.hrtime.bigint();
  const result = loop.run(budget);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.kind !== 'exited') throw new Error(`bench guest ${name} stopped unexpectedly: ${JSON.stringify(result)}`);
  return { seconds, status: result.status, instructions: p.cpu.state.icount - start, checksum: stateChecksum(Buffer.concat(out), result.status) };
}

/** The checksum of one run of `command args` (its stdout and exit status), or why it cannot run. */
export function processChecksum(command: string, args: readonly string[]): string | { readonly failed: string } {
  const r = spawnSync(command, [...args], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  if (r.error) return { failed: `${command}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}` };
  if (r.status === null) return { failed: `${command} died of signal ${r.signal}` };
  return stateChecksum(r.stdout, r.status);
}

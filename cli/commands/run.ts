// Owns `vdso-lab run PROGRAM [options] [-- ARGS]`: runs a static i386 program in the
// emulated process (the kernel model chosen by --vdso/--abi/--cpu/--kernel), passes the
// guest's stdout and stderr through, exits with the guest's status (128+signal when it was
// killed, 124 when the instruction budget or --timeout ran out), and prints the system call trace
// (--trace) to stderr, as text or (--json) as one JSON object per line and the outcome last.
// The guest's output reaches stdout as it is written; a closed stdout gives it EPIPE and SIGPIPE.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { fileKind, openInputStream, readInputFile, type InputStreamSource } from '../../toolchain/input-file';
import { basename, relative, resolve, sep } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { flag, stringOption, UsageError, type CliIo, type Command, type ParsedArgs } from '../command';
import { loadProgram, vdsoMapper } from '../../emulator/kernel/loader';
import { RunLoop, type RunResult } from '../../emulator/kernel/run-loop';
import { signalName } from '../../emulator/kernel/linux-abi';
import { faultJson, formatFault, formatRecord, recordJson } from '../../emulator/kernel/trace';
import { nodeHostFs } from '../../emulator/kernel/vfs/node-host';
import type { ExitRecord, SyscallRecord } from '../../emulator/kernel/seams';
import { DEFAULT_TICK_NS, KERNEL_HZ, type HostClock } from '../../emulator/kernel/time';
import { CPU_MODELS, DEFAULT_CPU, DEFAULT_KERNEL, DEFAULT_UMIP, DEFAULT_VDSO, KERNEL_ABIS, KERNEL_KINDS, OPTION_HELP, UMIP_SETTINGS, abiForVdso } from '../../toolchain/designs/options';
import { resolveVdso } from '../../toolchain/designs/vdso-spec';
import { MODEL_OPTIONS, oneOf } from '../model-options';

const TRACES = ['syscalls', 'vsyscall', 'all'] as const;
export const DEFAULT_BUDGET = 20_000_000_000;
export const EXIT_BUDGET = 124;
/** The guest reached something the model does not emulate (RunResult 'unemulated'): neither its own status nor a signal's. */
export const EXIT_UNEMULATED = 125;

/**
 * --stdin: a regular file is read as any input; a FIFO or device as a pipe is, as the guest
 * reads it (never buffered ahead), up to the same limit in all.
 */
function openStdin(path: string, shownAs: string): Uint8Array | InputStreamSource {
  let kind: string | undefined;
  try {
    kind = fileKind(statSync(path));
  } catch {
    kind = undefined;
  }
  return kind === 'a FIFO' || kind === 'a device' ? openInputStream(path, `--stdin ${shownAs}`) : readInputFile(path, `--stdin ${shownAs}`);
}

/** Wall-clock time one slice of a time-limited run aims at (the limit is checked between slices). */
const TIMEOUT_SLICE_MS = 50;

/**
 * Runs to the end, the instruction budget, or (with a time limit) the wall-clock deadline:
 * in slices sized from the speed measured so far to take about TIMEOUT_SLICE_MS each.
 */
function runBounded(loop: RunLoop, budget: number, seconds: number | undefined): RunResult | { kind: 'timeout' } {
  if (seconds === undefined) return loop.run(budget);
  const cpu = loop.process.cpu;
  const deadline = performance.now() + seconds * 1000;
  const end = cpu.state.icount + budget;
  let slice = 100_000;
  // A guest that blocks in system calls (sleeps in real time, signal storms) still stops in time.
  const unsubscribe = loop.subscribe(() => {
    if (performance.now() >= deadline) loop.requestStop();
  });
  try {
    for (;;) {
      const started = performance.now();
      if (started >= deadline) return { kind: 'timeout' };
      const before = cpu.state.icount;
      const r = loop.run(Math.min(slice, end - before));
      if (r.kind === 'budget' && cpu.state.icount >= end) return r;
      if (r.kind !== 'budget' && r.kind !== 'requested') return r;
      const took = performance.now() - started;
      const done = cpu.state.icount - before;
      slice = Math.max(1000, Math.min(1 << 24, Math.round((done / Math.max(took, 0.1)) * TIMEOUT_SLICE_MS)));
    }
  } finally {
    unsubscribe();
  }
}

const realClock: HostClock = {
  realtimeNs: () => BigInt(Date.now()) * 1_000_000n,
  monotonicNs: () => process.hrtime.bigint(),
  sleep: (ns) => {
    const ms = Number(ns / 1_000_000n);
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(ms, 60_000));
  },
};

export const runCommand: Command = {
  usage: `PROGRAM [--vdso ${KERNEL_ABIS.join('|')}|host|none|FILE] [--abi ABI] [--cpu CPU] [--umip on|off] [--kernel KIND] [--root DIR] [--allow-writes] [--stdin FILE] [--stdin-after SECONDS] [--trace syscalls|vsyscall|all] [--hz HZ] [--cpus N] [--release TEXT] [--json] [-- ARGS]`,
  options: {
    ...MODEL_OPTIONS,
    umip: { type: 'string', valueName: 'on|off', help: OPTION_HELP.umip },
    root: { type: 'string', valueName: 'DIR', help: 'host folder that is the guest\'s "/" (default: no files at all)' },
    'allow-writes': { type: 'boolean', help: 'let the guest create and write files under --root' },
    trace: { type: 'string', valueName: 'WHAT', help: 'print system calls to stderr: syscalls, vsyscall (fast entries and calls from the vDSO), all (plus signal deliveries)' },
    json: { type: 'boolean', help: 'print the trace on stderr as one JSON object per line, and the outcome as the last line' },
    env: { type: 'string', multiple: true, valueName: 'NAME=VALUE', help: 'an environment variable for the guest (repeatable; default none)' },
    stdin: { type: 'string', valueName: 'FILE', help: 'the guest\'s stdin (default: empty)' },
    'stdin-after': { type: 'string', valueName: 'SECONDS', help: 'stdin\'s bytes and its EOF arrive only after SECONDS of guest time (a pipe written late); reads before wait' },
    budget: { type: 'string', valueName: 'N', help: `stop after N instructions (default ${DEFAULT_BUDGET})` },
    timeout: { type: 'string', valueName: 'SECONDS', help: 'stop after SECONDS of wall-clock time (status 124, as timeout(1))' },
    'real-time': { type: 'boolean', help: 'clocks read the host and sleeps wait (default: deterministic virtual time)' },
    'real-random': { type: 'boolean', help: 'AT_RANDOM and getrandom from the host (default: deterministic bytes)' },
    cpus: { type: 'string', valueName: 'N', help: 'how many CPUs the machine has (sched_getaffinity, getcpu), 1 to 64 (default 1)' },
    release: { type: 'string', valueName: 'TEXT', help: "the kernel release uname reports (default: one of the ABI's era, 6.1.0-vdso-lab for upstream)" },
    hz: { type: 'string', valueName: 'HZ', help: `the kernel's timer tick rate: ${KERNEL_HZ.join(', ')} (default 250: the coarse clocks and time() move every 4 ms)` },
  },
  positionals: [1, Infinity],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [programArg, ...guestArgs] = args.positionals as string[];
    const spec = stringOption(args, 'vdso') ?? DEFAULT_VDSO;
    const abi = oneOf(args, 'abi', KERNEL_ABIS, abiForVdso(spec));
    const cpu = oneOf(args, 'cpu', CPU_MODELS, DEFAULT_CPU);
    const kernel = oneOf(args, 'kernel', KERNEL_KINDS, DEFAULT_KERNEL);
    const umip = oneOf(args, 'umip', UMIP_SETTINGS, DEFAULT_UMIP);
    const trace = stringOption(args, 'trace');
    if (trace !== undefined && !(TRACES as readonly string[]).includes(trace)) throw new UsageError(`--trace must be one of ${TRACES.join(', ')}`);
    const budgetText = stringOption(args, 'budget');
    const budget = budgetText === undefined ? DEFAULT_BUDGET : Number(budgetText);
    if (!Number.isSafeInteger(budget) || budget <= 0) throw new UsageError(`--budget must be a positive integer (got '${budgetText}')`);
    const hzText = stringOption(args, 'hz');
    if (hzText !== undefined && !KERNEL_HZ.map(String).includes(hzText)) throw new UsageError(`--hz must be one of ${KERNEL_HZ.join(', ')} (got '${hzText}')`);
    const tickNs = hzText === undefined ? DEFAULT_TICK_NS : 1_000_000_000n / BigInt(hzText);
    const cpusText = stringOption(args, 'cpus');
    const cpus = cpusText === undefined ? 1 : Number(cpusText);
    if (!/^[0-9]+$/.test(cpusText ?? '1') || cpus < 1 || cpus > 64) throw new UsageError(`--cpus wants a number from 1 to 64 (got '${cpusText}')`);
    const release = stringOption(args, 'release');
    if (release !== undefined && (release.length === 0 || release.length > 64 || /[^\x21-\x7e]/.test(release))) throw new UsageError(`--release wants 1 to 64 printable characters without spaces (got '${release}')`);
    const timeoutText = stringOption(args, 'timeout');
    const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeoutSeconds !== undefined && (!/^[0-9]+(\.[0-9]+)?$/.test(timeoutText!) || timeoutSeconds <= 0 || timeoutSeconds > 1e6)) {
      throw new UsageError(`--timeout wants seconds above 0, up to 1000000 (got '${timeoutText}')`);
    }
    const envp = (args.values.env as string[] | undefined) ?? [];
    for (const e of envp) if (!e.includes('=')) throw new UsageError(`--env ${e}: expected NAME=VALUE`);

    const programPath = resolve(io.cwd, programArg!);
    const bytes = readInputFile(programPath, programArg!, { what: 'the program' });
    const rootArg = stringOption(args, 'root');
    let root: string | undefined;
    if (rootArg !== undefined) {
      const r = resolve(io.cwd, rootArg);
      if (!existsSync(r) || !statSync(r).isDirectory()) throw new UsageError(`--root ${rootArg}: not a directory`);
      root = realpathSync(r);
    }
    let execPath = '/' + basename(programPath);
    if (root) {
      const real = realpathSync(programPath);
      const rel = relative(root, real);
      if (!rel.startsWith('..') && !rel.startsWith(sep)) execPath = '/' + rel.split(sep).join('/');
    }
    const image = resolveVdso(spec, {
      cpu,
      kernel,
      resolvePath: (path) => resolve(io.cwd, path),
      readFile: (path, what) => readInputFile(path, spec, { what }),
      note: (line) => io.err(`vdso-lab run: ${line}\n`),
    });
    const stdin = stringOption(args, 'stdin');
    const afterText = stringOption(args, 'stdin-after');
    const afterSeconds = afterText === undefined ? undefined : Number(afterText);
    if (afterSeconds !== undefined && (!/^[0-9]+(\.[0-9]+)?$/.test(afterText!) || afterSeconds > 1e6)) throw new UsageError(`--stdin-after wants seconds from 0 to 1000000 (got '${afterText}')`);
    const after = afterSeconds === undefined ? undefined : BigInt(Math.round(afterSeconds * 1e9));
    const stdinData = stdin === undefined ? undefined : openStdin(resolve(io.cwd, stdin), stdin);
    try {
      return runGuest(stdinData);
    } finally {
      if (stdinData !== undefined && !(stdinData instanceof Uint8Array)) stdinData.close();
    }
    function runGuest(stdinData: Uint8Array | InputStreamSource | undefined): number {
      const outDecoder = new TextDecoder('utf-8');
      const errDecoder = new TextDecoder('utf-8');
      const json = flag(args, 'json');
      let events = 0;
      /** The trace is the command's output on stderr: a closed stderr ends the run as a closed stdout does. */
      const traceOut = (text: string): void => (io.errData ? io.errData(text) : io.err(text));
      /** --json: one object per line as the trace goes, never the whole trace held in memory. */
      const emit = (event: object): void => {
        events++;
        traceOut(JSON.stringify(event) + '\n');
      };
      let outputClosed = false;
      const toStdout = (b: Uint8Array): void | number => {
        const r = io.outBytes ? io.outBytes(b) : io.out(outDecoder.decode(b, { stream: true }));
        if (typeof r === 'number' && r < 0) outputClosed = true;
        return r;
      };

      const { process: guest } = loadProgram(
        bytes,
        programArg!,
        {
          options: { cpu, kernel, abi, umip },
          tickNs,
          cpus,
          release,
          host: {
            stdout: toStdout,
            stderr: (b) => (io.errBytes ? io.errBytes(b) : io.err(errDecoder.decode(b, { stream: true }))),
            stdin: stdinData === undefined && after === undefined ? undefined : { data: stdinData ?? new Uint8Array(0), arriveAfterNs: after },
            files: root ? { host: nodeHostFs, root, allowWrites: flag(args, 'allow-writes') } : undefined,
            clock: flag(args, 'real-time') ? realClock : undefined,
            random: flag(args, 'real-random') ? (n) => randomFillSync(new Uint8Array(n)) : undefined,
            // A guest killed by SIGPIPE after the host's reader went away (`| head`) ends quietly.
            report: (line) => (outputClosed && line.startsWith('killed by SIGPIPE') ? undefined : io.err(`${line}\n`)),
          },
        },
        { argv: [execPath, ...guestArgs], envp, execPath, mapVdso: image ? vdsoMapper(image.bytes, image.name, (v) => { if (v.warning) io.err(`vdso-lab run: ${v.warning}\n`); }) : undefined },
      );
      const loop = new RunLoop(guest);
      const vdso = guest.vdso;
      const shown = (r: SyscallRecord): boolean =>
        trace === 'syscalls' || trace === 'all' || (trace === 'vsyscall' && (r.entry.via !== 'int' || (vdso !== undefined && r.entry.address >= vdso.base && r.entry.address < vdso.base + vdso.size)));
      /** The handlers a return to user mode entered (--trace all). */
      const deliveries = (exit: ExitRecord | undefined) => {
        const delivered = trace === 'all' ? exit?.delivered ?? [] : [];
        return delivered.map((d) => ({ signal: signalName(d.signal), handler: d.handler, frame: d.frame.address, restorer: d.frame.pretcode, restorerFrom: d.frame.restorerFrom, rt: d.rt }));
      };
      const printDeliveries = (signals: ReturnType<typeof deliveries>) => {
        for (const d of signals) {
          traceOut(`    ${d.signal} delivered: handler 0x${d.handler.toString(16)}, ${d.rt ? 'rt_sigframe' : 'sigframe'} at 0x${d.frame.toString(16)}, returns to 0x${d.restorer.toString(16)} (${d.restorerFrom})\n`);
        }
      };
      // Faults and traps are shown with the signal they raise (syscalls, all); --trace all adds the handlers entered.
      const faults = trace === 'syscalls' || trace === 'all';
      if (trace !== undefined) {
        loop.subscribe((e) => {
          if (e.kind === 'exit') {
            const r = e.record;
            if (!shown(r)) return;
            const signals = deliveries(r.exit);
            if (json) {
              emit({ ...recordJson(r, e.shownArgs), ...(signals.length ? { signals } : {}) });
              return;
            }
            traceOut(formatRecord(r, e.shownArgs) + '\n');
            printDeliveries(signals);
            return;
          }
          if (!faults || (e.kind !== 'timer' && e.kind !== 'fault')) return;
          const signals = deliveries(e.exit);
          if (e.kind === 'timer') {
            if (signals.length === 0) return;
            if (json) emit({ icount: e.icount, interrupt: 'timer', address: e.address, signals });
            else {
              traceOut(`[${e.icount}] --- timer interrupt at 0x${e.address.toString(16)} ---\n`);
              printDeliveries(signals);
            }
            return;
          }
          if (json) emit({ ...faultJson(e.icount, e.fault, e.address, e.ip), ...(signals.length ? { signals } : {}) });
          else {
            traceOut(formatFault(e.icount, e.fault, e.address, e.ip) + '\n');
            printDeliveries(signals);
          }
        });
      }
      const result = runBounded(loop, budget, timeoutSeconds);
      if (!io.outBytes) io.out(outDecoder.decode());
      if (!io.errBytes) io.err(errDecoder.decode());
      let status: number;
      let outcome: string;
      if (result.kind === 'exited') {
        status = result.status;
        outcome = `exited with status ${status}`;
      } else if (result.kind === 'killed') {
        status = 128 + result.signal;
        outcome = result.message;
      } else if (result.kind === 'unemulated') {
        status = EXIT_UNEMULATED;
        outcome = `stopped: ${result.what}; the run cannot go on`;
        io.err(`vdso-lab run: ${outcome}\n`);
      } else if (result.kind === 'timeout') {
        status = EXIT_BUDGET;
        outcome = `stopped: the time limit (${timeoutText} s) ran out at eip 0x${guest.cpu.state.eip.toString(16)} after ${guest.cpu.state.icount} instructions`;
        io.err(`vdso-lab run: ${outcome}\n`);
      } else {
        status = EXIT_BUDGET;
        outcome = `stopped: the instruction budget (${budget}) ran out at eip 0x${guest.cpu.state.eip.toString(16)}`;
        io.err(`vdso-lab run: ${outcome}\n`);
      }
      if (json) traceOut(JSON.stringify({ program: programArg, status, outcome, icount: guest.cpu.state.icount, events }) + '\n');
      return status;
    }
  },
};

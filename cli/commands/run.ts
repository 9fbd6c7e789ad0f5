// Owns `vdso-lab run PROGRAM [options] [-- ARGS]`: runs a static i386 program in the
// emulated process (the kernel model chosen by --vdso/--abi/--cpu/--kernel), passes the
// guest's stdout and stderr through, exits with the guest's status (128+signal when it was
// killed, 124 when the instruction budget ran out), and prints the system call trace
// (--trace) to stderr, as text or (--json) as one JSON object at the end.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { flag, stringOption, UsageError, type CliIo, type Command, type ParsedArgs } from '../command';
import { buildDesign } from '../../toolchain/designs/build';
import { loadProgram, vdsoMapper } from '../../emulator/kernel/loader';
import { RunLoop } from '../../emulator/kernel/run-loop';
import { KernelEntryExit } from '../../emulator/kernel/entry/entry-exit';
import { signalName } from '../../emulator/kernel/linux-abi';
import { formatRecord, recordJson } from '../../emulator/kernel/trace';
import { nodeHostFs } from '../../emulator/kernel/vfs/node-host';
import type { KernelAbi, SyscallRecord } from '../../emulator/kernel/seams';
import type { HostClock } from '../../emulator/kernel/time';
import type { CpuModel, KernelMode } from '../../emulator/x86/state';

const ABIS: readonly KernelAbi[] = ['legacy', 'proposal', 'upstream', 'auxv'];
const CPUS: readonly CpuModel[] = ['intel', 'amd', 'generic'];
const KERNELS: readonly KernelMode[] = ['compat64', 'native32'];
const TRACES = ['syscalls', 'vsyscall', 'all'] as const;
export const DEFAULT_BUDGET = 20_000_000_000;
export const EXIT_BUDGET = 124;

function choice<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const v = stringOption(args, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${v}')`);
  return v as T;
}

/** The newest captured or cached host vDSO: .vdso-lab-cache/vdso32-*.so in cwd or above. */
function hostVdso(cwd: string): string {
  let dir = cwd;
  for (let i = 0; i < 64; i++) {
    const cache = join(dir, '.vdso-lab-cache');
    if (existsSync(cache)) {
      const found = readdirSync(cache).filter((n) => /^vdso32-.*\.so$/.test(n)).sort();
      if (found.length) return join(cache, found[found.length - 1]!);
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new UsageError('--vdso host: no captured host vDSO (.vdso-lab-cache/vdso32-*.so); capture one with `vdso-lab capture-host -o FILE` and pass --vdso FILE');
}

/** The vDSO image bytes for --vdso, or undefined for none. */
function vdsoImage(spec: string, cpu: CpuModel, kernel: KernelMode, cwd: string): { bytes: Uint8Array; name: string } | undefined {
  if (spec === 'none') return undefined;
  if ((ABIS as readonly string[]).includes(spec)) return { bytes: buildDesign(spec, kernel, { cpu }).bytes, name: `vdso/${spec}` };
  const path = spec === 'host' ? hostVdso(cwd) : resolve(cwd, spec);
  if (path.endsWith('.S') || path.endsWith('.s')) throw new UsageError(`--vdso ${spec}: build the .S first (vdso-lab asm) and pass the .so`);
  return { bytes: new Uint8Array(readFileSync(path)), name: spec };
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
  name: 'run',
  summary: 'run a static i386 program in the emulated Linux process and kernel model',
  usage: 'PROGRAM [--vdso legacy|proposal|upstream|auxv|host|none|FILE] [--abi ABI] [--cpu CPU] [--kernel KIND] [--root DIR] [--allow-writes] [--trace syscalls|vsyscall|all] [--json] [-- ARGS]',
  options: {
    vdso: { type: 'string', valueName: 'DESIGN|host|none|FILE', help: 'the vDSO: a shipped design, the captured host vDSO, none (int $0x80 only), or a built .so (default upstream)' },
    abi: { type: 'string', valueName: 'ABI', help: 'kernel entry ABI: legacy, proposal, upstream, auxv (default: the design, else upstream)' },
    cpu: { type: 'string', valueName: 'CPU', help: 'CPU model: intel, amd, generic (default intel)' },
    kernel: { type: 'string', valueName: 'KIND', help: 'kernel kind: compat64, native32 (default compat64)' },
    root: { type: 'string', valueName: 'DIR', help: 'host folder that is the guest\'s "/" (default: no files at all)' },
    'allow-writes': { type: 'boolean', help: 'let the guest create and write files under --root' },
    trace: { type: 'string', valueName: 'WHAT', help: 'print system calls to stderr: syscalls, vsyscall (fast entries and calls from the vDSO), all (plus signal deliveries)' },
    json: { type: 'boolean', help: 'print the outcome and the trace as one JSON object on stderr at the end' },
    env: { type: 'string', multiple: true, valueName: 'NAME=VALUE', help: 'an environment variable for the guest (repeatable; default none)' },
    stdin: { type: 'string', valueName: 'FILE', help: 'the guest\'s stdin (default: empty)' },
    budget: { type: 'string', valueName: 'N', help: `stop after N instructions (default ${DEFAULT_BUDGET})` },
    'real-time': { type: 'boolean', help: 'clocks read the host and sleeps wait (default: deterministic virtual time)' },
    'real-random': { type: 'boolean', help: 'AT_RANDOM and getrandom from the host (default: deterministic bytes)' },
  },
  positionals: [1, Infinity],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [programArg, ...guestArgs] = args.positionals as string[];
    const spec = stringOption(args, 'vdso') ?? 'upstream';
    const abi = choice(args, 'abi', ABIS, (ABIS as readonly string[]).includes(spec) ? (spec as KernelAbi) : 'upstream');
    const cpu = choice(args, 'cpu', CPUS, 'intel');
    const kernel = choice(args, 'kernel', KERNELS, 'compat64');
    const trace = stringOption(args, 'trace');
    if (trace !== undefined && !(TRACES as readonly string[]).includes(trace)) throw new UsageError(`--trace must be one of ${TRACES.join(', ')}`);
    const budgetText = stringOption(args, 'budget');
    const budget = budgetText === undefined ? DEFAULT_BUDGET : Number(budgetText);
    if (!Number.isSafeInteger(budget) || budget <= 0) throw new UsageError(`--budget must be a positive integer (got '${budgetText}')`);
    const envp = (args.values.env as string[] | undefined) ?? [];
    for (const e of envp) if (!e.includes('=')) throw new UsageError(`--env ${e}: expected NAME=VALUE`);

    const programPath = resolve(io.cwd, programArg!);
    const bytes = new Uint8Array(readFileSync(programPath));
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
    const image = vdsoImage(spec, cpu, kernel, io.cwd);
    const stdin = stringOption(args, 'stdin');
    const outDecoder = new TextDecoder('utf-8');
    const errDecoder = new TextDecoder('utf-8');
    const json = flag(args, 'json');
    const lines: object[] = [];

    const { process: guest } = loadProgram(
      bytes,
      programArg!,
      {
        options: { cpu, kernel, abi },
        host: {
          stdout: (b) => io.out(outDecoder.decode(b, { stream: true })),
          stderr: (b) => io.err(errDecoder.decode(b, { stream: true })),
          stdin: stdin === undefined ? undefined : { data: new Uint8Array(readFileSync(resolve(io.cwd, stdin))) },
          files: root ? { host: nodeHostFs, root, allowWrites: flag(args, 'allow-writes') } : undefined,
          clock: flag(args, 'real-time') ? realClock : undefined,
          random: flag(args, 'real-random') ? (n) => randomFillSync(new Uint8Array(n)) : undefined,
          report: (line) => io.err(`${line}\n`),
        },
      },
      { argv: [execPath, ...guestArgs], envp, execPath, mapVdso: image ? vdsoMapper(image.bytes, image.name) : undefined },
    );
    const entryExit = new KernelEntryExit();
    const loop = new RunLoop(guest, entryExit);
    const vdso = guest.vdso;
    const shown = (r: SyscallRecord): boolean =>
      trace === 'syscalls' || trace === 'all' || (trace === 'vsyscall' && (r.entry.via !== 'int' || (vdso !== undefined && r.entry.address >= vdso.base && r.entry.address < vdso.base + vdso.size)));
    if (trace !== undefined) {
      loop.onSyscall = (r, argsShown) => {
        if (!shown(r)) return;
        const delivered = trace === 'all' ? entryExit.last?.signals.delivered ?? [] : [];
        const signals = delivered.map((d) => ({ signal: signalName(d.signal), handler: d.handler, frame: d.frame.address, restorer: d.frame.pretcode, restorerFrom: d.frame.restorerFrom, rt: d.rt }));
        if (json) {
          lines.push({ ...recordJson(r, argsShown), ...(signals.length ? { signals } : {}) });
          return;
        }
        io.err(formatRecord(r, argsShown) + '\n');
        for (const d of signals) {
          io.err(`    ${d.signal} delivered: handler 0x${d.handler.toString(16)}, ${d.rt ? 'rt_sigframe' : 'sigframe'} at 0x${d.frame.toString(16)}, returns to 0x${d.restorer.toString(16)} (${d.restorerFrom})\n`);
        }
      };
    }
    const result = loop.run(budget);
    io.out(outDecoder.decode());
    io.err(errDecoder.decode());
    let status: number;
    let outcome: string;
    if (result.kind === 'exited') {
      status = result.status;
      outcome = `exited with status ${status}`;
    } else if (result.kind === 'killed') {
      status = 128 + result.signal;
      outcome = result.message;
    } else {
      status = EXIT_BUDGET;
      outcome = `stopped: the instruction budget (${budget}) ran out at eip 0x${guest.cpu.state.eip.toString(16)}`;
      io.err(`vdso-lab run: ${outcome}\n`);
    }
    if (json) io.err(JSON.stringify({ program: programArg, status, outcome, icount: guest.cpu.state.icount, syscalls: lines }) + '\n');
    return status;
  },
};

// Owns starting a program for the debugger: checking the launch options (one-line errors
// naming the file and the place), a stub's .S given as the program run as the vDSO under the
// shipped caller program (what the editor's "Debug" lens launches), the vDSO image (toolchain/designs/vdso-spec.ts, as the
// CLI resolves --vdso), loading the program with the loader (the vDSO mapped by vdsoMapper,
// alternatives applied for the CPU and kernel), and the run loop, with the guest's output
// wired to the debugger's events.
import { OutputLimiter } from './output-limit';
import { resolveVdso } from '../../toolchain/designs/vdso-spec';
import { InputError } from '../../toolchain/errors';
import type { ElfFile } from '../../toolchain/elf/types';
import { loadProgram, vdsoMapper } from '../kernel/loader';
import type { Process } from '../kernel/process';
import { RunLoop } from '../kernel/run-loop';
import type { MappedVdso } from '../kernel/vdso/load';
import { CPU_MODELS, DEFAULT_CPU, DEFAULT_KERNEL, DEFAULT_UMIP, DEFAULT_VDSO, KERNEL_ABIS, KERNEL_KINDS, UMIP_SETTINGS, abiForVdso, bootMethod } from '../../toolchain/designs/options';
import type { DebugHost, DebugLaunchOptions, OutputEvent } from './types';
import { isAssemblySource, programFromSource } from './program-source';
import { rewindableHostFs } from './replay-files';
import { stubCallerProgram } from './launch-schema';
import { designOfStub } from '../../toolchain/designs/user-stub';

/** Bytes of launch options shown in an error at most. */
const SHOWN = 200;

/** A launched program: the process, its run loop and what the debugger reads from the images. */
export interface Target {
  readonly process: Process;
  readonly loop: RunLoop;
  readonly program: { readonly path: string; readonly elf: ElfFile; readonly bias: number; readonly entry: number };
  readonly vdso: MappedVdso | undefined;
  readonly vdsoName: string | undefined;
  /** Sends what is still owed about the guest's output (how much was dropped): called once the guest has ended. */
  readonly flushOutput: () => void;
}

function shown(v: unknown): string {
  const t = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return t.length > SHOWN ? `${t.slice(0, SHOWN)}...` : t;
}

function choice<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InputError('launch configuration', `"${name}"`, `must be one of ${allowed.join(', ')} (got ${shown(value)})`);
  }
  return value as T;
}

function stringList(name: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 10_000 || !value.every((v) => typeof v === 'string')) {
    throw new InputError('launch configuration', `"${name}"`, 'must be an array of strings');
  }
  return value as string[];
}

function readNamed(host: DebugHost, path: string, what: string): Uint8Array {
  try {
    return host.readFile(path, what);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : code ? `cannot be read (${code})` : 'cannot be read';
    throw new InputError(path, '', `${what}: ${why}`);
  }
}

/**
 * Checks the options and loads the program; throws InputError with one line on bad input.
 * `backlog` gives the bytes of events sent but not yet taken by the client (output-limit.ts).
 */
export function launchTarget(options: DebugLaunchOptions, host: DebugHost, output: (e: OutputEvent) => void, backlog: () => number = () => 0): Target {
  const raw = options as unknown as Record<string, unknown>;
  if (typeof raw.program !== 'string' || raw.program === '') {
    throw new InputError('launch configuration', '"program"', 'missing: give the path of a static i386 program');
  }
  let programPath = host.resolvePath(options.program);
  const given = raw.vdso === undefined ? DEFAULT_VDSO : raw.vdso;
  if (typeof given !== 'string' || given === '') throw new InputError('launch configuration', '"vdso"', `must be a design name, none, or a .so path (got ${shown(given)})`);
  let spec: string = given;
  const cpu = choice('cpu', raw.cpu, CPU_MODELS, DEFAULT_CPU);
  const kernel = choice('kernel', raw.kernel, KERNEL_KINDS, DEFAULT_KERNEL);
  const umip = choice('umip', raw.umip, UMIP_SETTINGS, DEFAULT_UMIP);
  const args = stringList('args', raw.args);
  const env = stringList('env', raw.env);
  for (const e of env) if (!e.includes('=')) throw new InputError('launch configuration', '"env"', `${shown(e)}: expected NAME=VALUE`);
  let root: string | undefined;
  if (raw.root !== undefined && raw.root !== null) {
    if (typeof raw.root !== 'string') throw new InputError('launch configuration', '"root"', 'must be a folder path');
    root = host.resolvePath(raw.root);
    if (!host.isDirectory(root)) throw new InputError(root, '', '"root" is not a folder');
    if (!host.fs) throw new InputError(root, '', '"root" needs a host file system, which this host does not give');
  }
  const readSource = (path: string): Uint8Array => readNamed(host, path, 'the program source');
  let built = isAssemblySource(programPath) ? programFromSource(host, programPath, readSource) : undefined;
  if (built?.kind === 'stub') {
    spec = programPath;
    programPath = stubCallerProgram();
    built = programFromSource(host, programPath, readSource);
  }
  const bytes = built?.kind === 'program' ? built.bytes : readNamed(host, programPath, 'the program');
  // A design's own .S (F5 on vdso/proposal.S) runs with that design's ABI unless "abi" says otherwise.
  const design = isAssemblySource(spec) ? designOfStub(host.resolvePath(spec)) : undefined;
  const abi = choice('abi', raw.abi, KERNEL_ABIS, design?.design.abi ?? abiForVdso(spec));
  if (spec !== given) {
    output({ category: 'console', text: `vdso-lab: ${spec} is a vDSO stub (it defines __kernel_vsyscall and no _start): it runs as the vDSO, entry ABI ${abi} ("abi" in the launch configuration picks another), under the caller program ${programPath}\n` });
  }
  const method = design?.image.method;
  if (method && method !== bootMethod(cpu, kernel)) {
    // One image of a design whose kernel picks an image at boot: say which one this CPU would get.
    const booted = design.design.image(cpu, kernel).sources[design.source];
    output({ category: 'console', text: `vdso-lab: ${spec} is the ${design.design.name} design's ${method} image; on ${cpu}/${kernel} that kernel boots its ${bootMethod(cpu, kernel)} image${booted ? ` (vdso/${booted.path})` : ''}, not this one\n` });
  }
  const image = resolveVdso(spec, {
    cpu,
    kernel,
    resolvePath: (path) => host.resolvePath(path),
    readFile: (path, what) => readNamed(host, path, what),
    note: (line) => output({ category: 'console', text: `vdso-lab: ${line}\n` }),
  });
  let mapped: MappedVdso | undefined;
  const execPath = '/' + (programPath.split(/[\\/]/).pop() ?? 'program');
  const limiter = new OutputLimiter((category, text) => output({ category, text }), undefined, backlog);
  const out = new TextDecoder('utf-8');
  const err = new TextDecoder('utf-8');
  const loaded = loadProgram(
    bytes,
    programPath,
    {
      options: { cpu, kernel, abi, umip },
      host: {
        stdout: (b) => limiter.write('stdout', out.decode(b, { stream: true })),
        stderr: (b) => limiter.write('stderr', err.decode(b, { stream: true })),
        files: root && host.fs ? { host: rewindableHostFs(host.fs), root, allowWrites: false } : undefined,
        report: (line) => output({ category: 'console', text: `${line}\n` }),
      },
    },
    { argv: [execPath, ...args], envp: env, execPath, mapVdso: image ? vdsoMapper(image.bytes, image.name, (v) => (mapped = v)) : undefined },
  );
  const loop = new RunLoop(loaded.process);
  // The debugger follows system calls through the loop's events; a kept trace would only grow its checkpoints.
  loop.traceKept = 0;
  return {
    process: loaded.process,
    loop,
    program: { path: programPath, elf: loaded.elf, bias: loaded.bias, entry: loaded.entry },
    vdso: mapped,
    vdsoName: image?.name,
    flushOutput: () => limiter.flush(),
  };
}

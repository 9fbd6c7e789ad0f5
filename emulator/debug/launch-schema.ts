// Owns the launch configuration of debug type `vdso`, defined once: each attribute's JSON
// schema (type, allowed values, description, default; the CPU models, kernel kinds and ABIs
// from toolchain/designs/options.ts), the attributes a launch requires, the configuration a
// new launch.json gets, the launch that debugs a stub .S as the vDSO (the editor's "Debug"
// lens), the launch arguments' TypeScript type derived from the schema, and the language the
// kernel model's document opens in. package.json's contributes.debuggers[0], and its
// languages, grammars and configurationDefaults for that document, must say the same
// (test/dap/launch-schema.test.ts).
import { join } from 'node:path';
import { designsRoot } from '../../toolchain/designs/build';
import { CPU_MODELS, DEFAULT_CPU, DEFAULT_KERNEL, DEFAULT_UMIP, DEFAULT_VDSO, KERNEL_ABIS, KERNEL_KINDS, OPTION_HELP, UMIP_SETTINGS, type CpuModel, type KernelAbi, type KernelKind } from '../../toolchain/designs/options';

export const DEBUG_TYPE = 'vdso';

/**
 * The kernel model's document (one line per phase of a system call): the MIME type the
 * adapter's source response gives it, by which VS Code picks the language the extension
 * contributes (its grammar colours the kernel function, entries and exits, pt_regs fields,
 * numbers; its lines wrap).
 */
export const KERNEL_DOCUMENT_LANGUAGE = {
  id: 'vdso-lab-kernel',
  mimeType: 'text/x-vdso-lab-kernel',
  scopeName: 'source.vdso-lab-kernel',
  editorDefaults: { 'editor.wordWrap': 'on' },
} as const;

export const LAUNCH_ATTRIBUTES = {
  program: { type: 'string', description: 'The static i386 program to run (ET_EXEC or static PIE; gcc -m32 -static, or as/ld), or its GAS source (.S or .s: assembled with line information and linked on the fly).', default: '${workspaceFolder}/a.out' },
  vdso: { type: 'string', description: capitalized(OPTION_HELP.vdso), default: DEFAULT_VDSO },
  cpu: { type: 'string', enum: CPU_MODELS, description: capitalized(OPTION_HELP.cpu), default: DEFAULT_CPU },
  umip: { type: 'string', enum: UMIP_SETTINGS, description: capitalized(OPTION_HELP.umip), default: DEFAULT_UMIP },
  kernel: { type: 'string', enum: KERNEL_KINDS, description: capitalized(OPTION_HELP.kernel), default: DEFAULT_KERNEL },
  abi: { type: 'string', enum: KERNEL_ABIS, description: capitalized(OPTION_HELP.abi) },
  args: { type: 'array', items: { type: 'string' }, description: 'Arguments after argv[0].', default: [] },
  env: { type: 'array', items: { type: 'string' }, description: 'Environment strings NAME=VALUE (default none).', default: [] },
  root: { type: 'string', description: 'A host folder the guest sees as "/" (default: no files).' },
  cwd: { type: 'string', description: 'The folder relative paths start from.', default: '${workspaceFolder}' },
  stopOnEntry: { type: 'boolean', description: 'Stop at the program\'s entry point.', default: true },
  timeout: { type: 'number', description: 'Stop the program after this many seconds of wall-clock time spent running it (time stopped in the debugger does not count), as vdso-lab run --timeout.' },
  reverseCheckpointEvery: { type: 'number', description: 'Reverse execution: instructions between checkpoints of the whole machine (stepBack and reverseContinue replay from the nearest one). Smaller: faster steps back, more memory.', default: 1000000 },
  reverseCheckpointsKept: { type: 'number', description: 'Reverse execution: checkpoints kept at most (older ones are thinned out, so stepping far back replays longer).', default: 64 },
  sourceFileMap: { type: 'object', additionalProperties: { type: 'string' }, description: 'Folders named in the DWARF (DW_AT_comp_dir, line-table directories) mapped to local folders, as cppdbg\'s sourceFileMap: { "/build/dir": "${workspaceFolder}" }.', default: {} },
} as const;

export const LAUNCH_REQUIRED = ['program'] as const;

/** configurationAttributes.launch as package.json carries it. */
export const LAUNCH_SCHEMA = { required: LAUNCH_REQUIRED, properties: LAUNCH_ATTRIBUTES } as const;

/** The launch configuration a new launch.json gets (package.json's initialConfigurations). */
export const INITIAL_CONFIGURATION = {
  type: DEBUG_TYPE,
  request: 'launch',
  name: 'vdso-lab: run a static i386 program',
  program: LAUNCH_ATTRIBUTES.program.default,
  vdso: DEFAULT_VDSO,
  cpu: DEFAULT_CPU,
  kernel: DEFAULT_KERNEL,
  stopOnEntry: true,
} as const;

/** The second configuration a new launch.json gets: the .S open in the editor, a program or (defining __kernel_vsyscall and no _start) a stub run as the vDSO. */
export const OPEN_SOURCE_CONFIGURATION = {
  type: DEBUG_TYPE,
  request: 'launch',
  name: 'vdso-lab: debug the open .S (a program, or a stub as the vDSO)',
  program: '${file}',
  cpu: DEFAULT_CPU,
  kernel: DEFAULT_KERNEL,
  stopOnEntry: true,
} as const;

/** What a new launch.json gets (package.json's initialConfigurations, and the configuration provider's). */
export const INITIAL_CONFIGURATIONS = [INITIAL_CONFIGURATION, OPEN_SOURCE_CONFIGURATION] as const;

/** The shipped program a stub is debugged under: it calls __kernel_vsyscall through AT_SYSINFO (vdso/caller/call-vsyscall.S). */
export function stubCallerProgram(): string {
  return join(designsRoot(), 'caller', 'call-vsyscall.S');
}

/**
 * The launch that debugs a stub .S as the vDSO: the shipped caller program with the stub built
 * as its vDSO (as `--vdso FILE.S` builds it), on the given CPU model, kernel kind and ABI; the
 * client sets a function breakpoint on `fn` to stop there.
 */
export function stubLaunchConfiguration(stub: string, fn: string, options: { cpu?: CpuModel; kernel?: KernelKind; abi?: KernelAbi } = {}) {
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `vdso-lab: debug ${fn} (${stub.split(/[\\/]/).pop()})`,
    program: stubCallerProgram(),
    vdso: stub,
    cpu: options.cpu ?? DEFAULT_CPU,
    kernel: options.kernel ?? DEFAULT_KERNEL,
    // No "abi": the launch takes a design's own (vdso/proposal.S) or else upstream's.
    ...(options.abi ? { abi: options.abi } : {}),
    stopOnEntry: false,
  } as const;
}

type AttributeValue<A> = A extends { readonly enum: readonly (infer E)[] }
  ? E
  : A extends { readonly type: 'string' }
    ? string
    : A extends { readonly type: 'boolean' }
      ? boolean
      : A extends { readonly type: 'number' }
        ? number
      : A extends { readonly type: 'array' }
        ? readonly string[]
        : A extends { readonly type: 'object' }
          ? Readonly<Record<string, string>>
          : never;

/** The launch arguments as the schema types them (every attribute optional: a client may omit any). */
export type LaunchArguments = { -readonly [K in keyof typeof LAUNCH_ATTRIBUTES]?: AttributeValue<(typeof LAUNCH_ATTRIBUTES)[K]> };

function capitalized(line: string): string {
  return `${line[0]!.toUpperCase()}${line.slice(1)}.`;
}

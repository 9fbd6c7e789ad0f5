// Owns the list of subcommands: the one place a command is registered, with its name and the
// line the command list shows. A command's code (cli/commands/) is imported when it runs or
// shows its own help, not with the CLI: every start would otherwise evaluate every command's
// modules (the emulator, the assembler, bench/, capture/ and the builtins they use) for one.
import type { Command } from './command';

export interface CommandEntry {
  readonly name: string;
  /** One line for the command list (and under the usage line of the command's --help). */
  readonly summary: string;
  /** The command's options, help and code, imported on first use. */
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'start',
    summary: 'the main job: the check matrix of the shipped designs, one vsyscall stepped, a real vDSO',
    load: async () => (await import('./commands/start')).startCommand,
  },
  {
    name: 'frames',
    summary: 'print .eh_frame and .debug_frame as readelf --debug-dump=frames (or frames-interp) does',
    load: async () => (await import('./commands/frames')).framesCommand,
  },
  {
    name: 'lines',
    summary: 'print the .debug_line table as readelf --debug-dump=decodedline does',
    load: async () => (await import('./commands/lines')).linesCommand,
  },
  {
    name: 'symbols',
    summary: "list an ELF32 i386 file's exported symbols with versions, addresses and sizes",
    load: async () => (await import('./commands/symbols')).symbolsCommand,
  },
  {
    name: 'disasm',
    summary: 'disassemble an ELF32 i386 file (AT&T) exactly as objdump -d prints it',
    load: async () => (await import('./commands/disasm')).disasmCommand,
  },
  {
    name: 'asm',
    summary: 'assemble a GAS (AT&T, --32) source into an object, a static program or a vDSO image',
    load: async () => (await import('./commands/asm')).asmCommand,
  },
  {
    name: 'run',
    summary: 'run a static i386 program in the emulated Linux process and kernel model',
    load: async () => (await import('./commands/run')).runCommand,
  },
  {
    name: 'alternatives',
    summary: 'Show a vDSO\'s alternatives table and the bytes the kernel patches for a CPU and kernel',
    load: async () => (await import('./commands/alternatives')).alternativesCommand,
  },
  {
    name: 'check',
    summary: 'check every promise of the vsyscall stub on every CPU model and kernel kind',
    load: async () => (await import('./commands/check')).checkCommand,
  },
  {
    name: 'capture-host',
    summary: "save a real 32-bit vDSO: the running kernel's, or the one inside a kernel image",
    load: async () => (await import('./commands/capture-host')).captureHostCommand,
  },
  {
    name: 'bench',
    summary: 'measure each workload beside its peer in the same run (qemu-i386, GNU as): ratios, targets, final-state checksums',
    load: async () => (await import('./commands/bench')).benchCommand,
  },
  {
    name: 'dap',
    summary: 'run the debug adapter (DAP) on stdin/stdout',
    load: async () => (await import('./commands/servers')).dapCommand,
  },
  {
    name: 'lsp',
    summary: 'run the language server (LSP) for GAS x86 sources on stdin/stdout',
    load: async () => (await import('./commands/servers')).lspCommand,
  },
];

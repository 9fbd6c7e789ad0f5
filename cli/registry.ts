// Owns the list of subcommands: the one place a command is registered.
import type { Command } from './command';
import { symbolsCommand } from './commands/symbols';
import { startCommand } from './commands/start';
import { dapCommand, lspCommand } from './commands/servers';
import { captureHostCommand } from './commands/capture-host';
import { framesCommand } from './commands/frames';
import { linesCommand } from './commands/lines';
import { disasmCommand } from './commands/disasm';
import { benchCommand } from './commands/bench';
import { asmCommand } from './commands/asm';
import { alternativesCommand } from './commands/alternatives';
import { runCommand } from './commands/run';
import { checkCommand } from './commands/check';

export const commands: readonly Command[] = [
  startCommand,
  framesCommand,
  linesCommand,
  symbolsCommand,
  disasmCommand,
  asmCommand,
  runCommand,
  alternativesCommand,
  checkCommand,
  captureHostCommand,
  benchCommand,
  dapCommand,
  lspCommand,
];

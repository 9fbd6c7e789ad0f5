// Owns the list of subcommands: the one place a command is registered.
import type { Command } from './command';

export const commands: readonly Command[] = [
];

import type { Command } from '../command.js';

/** Every subcommand, in the order `ultrafastbert help` lists them. */
export const commands: Command[] = [];

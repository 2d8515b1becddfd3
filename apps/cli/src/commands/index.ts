import type { Command } from '../command.js';
import { fff } from './fff.js';
import { forward } from './forward.js';
import { init } from './init.js';
import { classify, embed, fillMask } from './pipelines.js';
import { tokenize } from './tokenize.js';

/** Every subcommand, in the order `ultrafastbert help` lists them. */
export const commands: Command[] = [tokenize, fillMask, embed, classify, forward, fff, init];

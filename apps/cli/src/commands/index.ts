import type { Command } from '../command.js';
import { fff } from './fff.js';
import { forward } from './forward.js';
import { init } from './init.js';
import { classify, embed, fillMask } from './pipelines.js';

/** Every subcommand, in the order `ultrafastbert help` lists them. */
export const commands: Command[] = [fillMask, embed, classify, forward, fff, init];

import { parseArgs } from 'node:util';
import { type Command, type Io, UsageError } from './command.js';
import { commands } from './commands/index.js';

export { type Command, type Io, UsageError } from './command.js';
export { commands } from './commands/index.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: ultrafastbert <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun 'ultrafastbert help <command>' for a command's options.\n`;
}

/** Run the CLI with `argv` (without node and script). Returns the process exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0] && commands.find((c) => c.name === rest[0]);
    io.stdout(target ? `${target.usage}\n` : help());
    return 0;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`ultrafastbert: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  // `--help` anywhere before a `--` separator shows the command's usage instead of running it.
  const beforeSeparator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeSeparator.includes('--help') || beforeSeparator.includes('-h')) {
    io.stdout(`${cmd.usage}\n`);
    return 0;
  }
  try {
    const parsed = parseArgs({
      args: rest,
      options: cmd.options,
      allowPositionals: cmd.positionals ?? false,
      strict: true,
    });
    await cmd.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals }, io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ultrafastbert ${name}: ${(e as Error).message}\n\n${cmd.usage}\n`);
      return 2;
    }
    const code = (e as { code?: string }).code;
    io.stderr(`ultrafastbert ${name}: ${code ? `[${code}] ` : ''}${(e as Error).message}\n`);
    return 1;
  }
}

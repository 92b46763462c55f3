// What a CLI command is, and strict flag parsing: an unknown flag or a missing value is an
// `input` error that shows the command's usage.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CiError } from '../failure.ts';

export type Command = {
  name: string;
  summary: string;
  usage: string;
  run: (argv: string[]) => Promise<number>;
};

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O, usageText: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new CiError('input', `${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n\nusage: ${usageText}`);
  }
}

export async function usage(commands: Record<string, () => Promise<Command>>): Promise<string> {
  const lines = ['usage: unidesk-ci <command> [flags]', '', 'commands:'];
  for (const load of Object.values(commands)) {
    const c = await load();
    lines.push(`  ${c.name.padEnd(21)} ${c.summary}`, ...c.usage.split('\n').map((u) => `${' '.repeat(24)}${u.trim()}`));
  }
  return lines.join('\n');
}

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
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new CiError('input', `${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n\nusage: ${usageText}`);
  }
  // an empty value (`--revision ''`, a shell variable that was unset) never means the default
  for (const [name, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' && v.trim() === '') throw new CiError('input', `--${name} is empty: give it a value or leave the flag out\n\nusage: ${usageText}`);
    }
  }
  return values as ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];
}

export async function usage(commands: Record<string, () => Promise<Command>>): Promise<string> {
  const lines = ['usage: unidesk-ci <command> [flags]', '', 'commands:'];
  for (const load of Object.values(commands)) {
    const c = await load();
    lines.push(`  ${c.name.padEnd(21)} ${c.summary}`, ...c.usage.split('\n').map((u) => `${' '.repeat(24)}${u.trim()}`));
  }
  return lines.join('\n');
}

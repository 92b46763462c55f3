// unidesk-ci config [--markdown] — the run configuration's variables: name, default, meaning, and
// (without --markdown) the value this environment gives them, secrets masked. The README's
// configuration table is this command's --markdown output.
import { VARIABLES, parseVariables, type VariableName } from '../config.ts';
import { redact } from '../redact.ts';
import { maskUserinfo } from '../url-secrets.ts';
import { parseFlags, type Command } from './command.ts';

const USAGE = 'unidesk-ci config [--markdown]';
const SECRET: readonly VariableName[] = ['UNIDESK_CI_GIT_PASSWORD', 'UNIDESK_CI_METRICS_DATABASE_URL'];

function defaultOf(name: VariableName): string {
  const r = VARIABLES[name].schema.safeParse(undefined);
  return r.success && r.data !== undefined ? String(r.data) : '';
}

export function variablesMarkdown(): string {
  const rows = (Object.keys(VARIABLES) as VariableName[]).map((n) => `| \`${n}\` | ${defaultOf(n) ? `\`${defaultOf(n)}\`` : ''} | ${VARIABLES[n].doc.replace(/\|/g, '\\|')} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** A URL's `user:password@` masked (proxy, perf base URL), anything registered as a secret redacted. */
function shown(value: string): string {
  return redact(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUserinfo(value) : value);
}

export const configCommand: Command = {
  name: 'config',
  summary: 'show the run configuration variables (and their values here, secrets masked)',
  usage: USAGE,
  run: async (argv) => {
    const flags = parseFlags(argv, { markdown: { type: 'boolean' } }, USAGE);
    if (flags.markdown) {
      console.log(variablesMarkdown());
      return 0;
    }
    const raw = parseVariables(process.env) as Record<string, unknown>;
    for (const n of Object.keys(VARIABLES) as VariableName[]) {
      const set = process.env[n] !== undefined && process.env[n] !== '';
      const value = raw[n] === undefined ? '(unset)' : SECRET.includes(n) ? '(secret, set)' : shown(String(raw[n]));
      console.log(`${n}=${value}${set ? '' : raw[n] === undefined ? '' : '   (default)'}`);
    }
    return 0;
  },
};

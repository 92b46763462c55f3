// unidesk-ci: one file per command, dispatched by name. Every failure leaves as an exit code of its
// failure class (harness/failure.ts); a usage error is `input`.
import { CiError, exitCodeFor, failureClassOf, INTERNAL_MESSAGE } from '../failure.ts';
import { redact } from '../redact.ts';
import { usage, type Command } from './command.ts';

/** Commands load lazily so each can bring its own dependencies. */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.ts')).runCommand,
  'run-dev-e2e': async () => (await import('./run-dev-e2e.ts')).runDevE2eCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  install: async () => (await import('./install.ts')).installCommand,
  'publish-backend-core': async () => (await import('./publish-backend-core.ts')).publishBackendCoreCommand,
  config: async () => (await import('./config.ts')).configCommand,
  report: async () => (await import('./report.ts')).reportCommand,
  logs: async () => (await import('./logs.ts')).logsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === 'help' || name === '--help' || name === '-h') {
      console.log(await usage(COMMANDS));
      return name ? 0 : exitCodeFor('input');
    }
    const load = COMMANDS[name];
    if (!load) throw new CiError('input', `unknown command ${JSON.stringify(name)}\n\n${await usage(COMMANDS)}`);
    const command = await load();
    return await command.run(rest);
  } catch (error) {
    // an error no part of the harness classified is a harness bug: `internal`, exit 1
    const cls = failureClassOf(error) ?? 'internal';
    const message = redact(error instanceof Error ? error.message : String(error));
    console.error(`unidesk-ci: [${cls}] ${cls === 'internal' && !message.startsWith(INTERNAL_MESSAGE) ? `${INTERNAL_MESSAGE}: ` : ''}${message}`);
    return exitCodeFor(cls);
  }
}

// unidesk-ci run-dev-e2e, the manual dev desired-state smoke (seed: "Dev Namespace E2E"): creates the unidesk-ci-dev-e2e
// PipelineRun (the revision resolved on the remote first), follows it, summarises it and exits with
// the worst failure class its Task reported — the same flow as `run`.
import { CiError } from '../failure.ts';
import { parseFlags, type Command } from './command.ts';
import { runTekton } from './tekton/client.ts';
import { withLabCi } from './tekton/lab.ts';
import { parseOutput, parseWaitMs, printers } from './tekton/options.ts';
import { devE2eRunRequest } from './tekton/pipelines.ts';

const USAGE = 'unidesk-ci run-dev-e2e [--revision <rev>] [--wait-ms <ms>] [--output text|json] [--lab]';

export const DEV_E2E_WAIT_MS = 600_000;

export const runDevE2eCommand: Command = {
  name: 'run-dev-e2e',
  summary: 'create the dev-e2e PipelineRun (Code Queue dev smoke in a run-owned namespace), follow it, summarise it',
  usage: USAGE,
  run: (argv) => runDevE2e(argv),
};

export async function runDevE2e(argv: string[], base: NodeJS.ProcessEnv = process.env, interrupt?: AbortSignal): Promise<number> {
  const flags = parseFlags(argv, { revision: { type: 'string' }, 'wait-ms': { type: 'string' }, output: { type: 'string' }, lab: { type: 'boolean' } }, USAGE);
  const output = parseOutput(flags.output, USAGE);
  const waitMs = parseWaitMs(flags['wait-ms'], DEV_E2E_WAIT_MS, USAGE);
  const tekton = async (env: Record<string, string | undefined>, signal?: AbortSignal) => {
    const revision = flags.revision ?? env.UNIDESK_CI_REVISION ?? 'master';
    if (!revision) throw new CiError('input', `--revision is empty\n\nusage: ${USAGE}`);
    return (await runTekton({ env, output, waitMs, revision, interrupt: signal, request: devE2eRunRequest })).exitCode;
  };
  if (flags.lab) return withLabCi(base, printers(output).say, (env, signal) => tekton(env, signal));
  return tekton(base, interrupt);
}

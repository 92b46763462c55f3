// unidesk-ci run, by default a Tekton client: creates the unidesk-ci-commit PipelineRun for the revision (resolved
// on the remote first: an unknown one is `input` before anything is created), prints its name,
// follows it (TaskRun states, `[task : step]` logs), prints the summary and exits with the worst
// failure class the Tasks reported. --lab does that in the embedded lab (lab up, CI installed, the
// fixture's master). --local runs the gates here instead (run-local.ts).
import { CiError } from '../failure.ts';
import { parseFlags, type Command } from './command.ts';
import { runLocal } from './run-local.ts';
import { parseOutput, parseWaitMs, printers, refuseFlags } from './tekton/options.ts';

const USAGE =
  'unidesk-ci run [--revision <rev>] [--wait-ms <ms>] [--publish-backend-core] [--output text|json] [--lab]\n' +
  '       unidesk-ci run --local [--lab] [--gate <name>]... [--revision <rev>] [--report-dir <dir>]';

const FLAGS = {
  local: { type: 'boolean' },
  lab: { type: 'boolean' },
  gate: { type: 'string', multiple: true },
  revision: { type: 'string' },
  'report-dir': { type: 'string' },
  'wait-ms': { type: 'string' },
  'publish-backend-core': { type: 'boolean' },
  output: { type: 'string' },
} as const;

export type RunFlags = ReturnType<typeof parseRunFlags>;

/** Pure: the flags, with the ones the chosen path does not understand refused. */
export function parseRunFlags(argv: string[]) {
  const flags = parseFlags(argv, FLAGS, USAGE);
  if (flags.local) refuseFlags(flags, ['wait-ms', 'publish-backend-core', 'output'], 'belong to the Tekton run (without --local)', USAGE);
  else refuseFlags(flags, ['gate', 'report-dir'], 'select and place local gate runs: add --local (the commit PipelineRun runs its fixed Tasks and keeps its reports in its volume)', USAGE);
  const output = parseOutput(flags.output, USAGE);
  return { ...flags, output };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'create the commit PipelineRun for a revision, follow it, summarise it (--local: run the gates here)',
  usage: USAGE,
  run: (argv) => run(argv),
};

export async function run(argv: string[], base: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseRunFlags(argv);
  if (flags.local) return runLocal(flags, base);
  const waitMs = parseWaitMs(flags['wait-ms'], 600_000, USAGE);
  const { say } = printers(flags.output);
  // the Kubernetes client costs ~0.6 s to load: only the Tekton path pays it
  const [{ runTekton }, { withLabCi }, { commitRunRequest }] = await Promise.all([import('./tekton/client.ts'), import('./tekton/lab.ts'), import('./tekton/pipelines.ts')]);
  const tekton = async (env: Record<string, string | undefined>, interrupt?: AbortSignal) => {
    const revision = flags.revision ?? env.UNIDESK_CI_REVISION ?? 'master';
    if (!revision) throw new CiError('input', `say which revision to check: --revision <rev>\n\nusage: ${USAGE}`);
    const out = await runTekton({ env, output: flags.output, waitMs, revision, interrupt, request: (repo, rev) => commitRunRequest(repo, rev, flags['publish-backend-core']) });
    return out.exitCode;
  };
  if (flags.lab) return withLabCi(base, say, (env, interrupt) => tekton(env, interrupt));
  return tekton(base);
}

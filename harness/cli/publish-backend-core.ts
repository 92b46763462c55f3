// unidesk-ci publish-backend-core, the CI producer action (seed: "Publish a backend-core artifact for
// production CD"). By default it creates the unidesk-backend-core-artifact-publish PipelineRun (the
// commit resolved on the remote first), follows it and, on success, prints IMAGE_URL and IMAGE_DIGEST
// from its results: nothing is built on the machine that typed the command. --local runs the artifact
// gate here instead — what the Task step itself runs. It never deploys or restarts anything. --commit
// is the old name of --revision (every other command's): it still works, with one warning line.
import { CiError } from '../failure.ts';
import { parseFlags, type Command } from './command.ts';
import { publishLocal } from './publish-local.ts';
import { parseOutput, parseWaitMs, printers, refuseFlags } from './tekton/options.ts';

export const USAGE =
  'unidesk-ci publish-backend-core --revision <rev> [--wait-ms <ms>] [--output text|json] [--lab]\n' +
  '       unidesk-ci publish-backend-core --local --revision <rev> | --worktree <dir> [--lab] [--report-dir <dir>] [--wait-ms <ms>]';

/** The seed's bound for a publication: a cold Rust build of backend-core fits. */
export const PUBLISH_WAIT_MS = 1_200_000;

export const publishBackendCoreCommand: Command = {
  name: 'publish-backend-core',
  summary: 'create the backend-core artifact PipelineRun for a pushed commit; print IMAGE_URL and IMAGE_DIGEST (--local: build here)',
  usage: USAGE,
  run: (argv) => publishBackendCore(argv),
};

const FLAGS = {
  local: { type: 'boolean' },
  revision: { type: 'string' },
  commit: { type: 'string' },
  worktree: { type: 'string' },
  lab: { type: 'boolean' },
  'report-dir': { type: 'string' },
  'wait-ms': { type: 'string' },
  output: { type: 'string' },
} as const;

/** The flags, the old --commit folded into --revision (with one warning line on stderr). */
export function parsePublishFlags(argv: string[]) {
  const { commit: oldName, ...flags } = parseFlags(argv, FLAGS, USAGE);
  if (oldName === undefined) return flags;
  if (flags.revision !== undefined) throw new CiError('input', `--commit is the old name of --revision: give only --revision\n\nusage: ${USAGE}`);
  console.error('unidesk-ci: --commit is deprecated: use --revision (same meaning)');
  return { ...flags, revision: oldName };
}

/** The command with an explicit base environment (tests hand it a running lab's variables). */
export async function publishBackendCore(argv: string[], base: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parsePublishFlags(argv);
  if (flags.local) {
    refuseFlags(flags, ['output'], 'belongs to the Tekton path (without --local)', USAGE);
    return publishLocal(flags, base, USAGE);
  }
  refuseFlags(flags, ['worktree', 'report-dir'], 'belong to the local build: add --local (the PipelineRun publishes a pushed commit and keeps its reports in its volume)', USAGE);
  const output = parseOutput(flags.output, USAGE);
  const waitMs = parseWaitMs(flags['wait-ms'], PUBLISH_WAIT_MS, USAGE);
  const revision = flags.revision ?? base.UNIDESK_CI_REVISION;
  if (!revision) throw new CiError('input', `say which pushed commit to publish: --revision <rev>\n\nusage: ${USAGE}`);
  const { say, print } = printers(output);
  // the Kubernetes client costs ~0.6 s to load: only the Tekton path pays it
  const [{ runTekton }, { withLabCi }, { publishRunRequest, PUBLISH_PIPELINE }] = await Promise.all([import('./tekton/client.ts'), import('./tekton/lab.ts'), import('./tekton/pipelines.ts')]);
  const tekton = async (env: Record<string, string | undefined>, interrupt?: AbortSignal) => {
    const out = await runTekton({ env, output, waitMs, revision, interrupt, request: (repo, rev) => publishRunRequest(repo, rev) });
    const results = out.verdict?.results ?? {};
    if (out.exitCode === 0 && output === 'text') {
      if (!results.IMAGE_URL || !results.IMAGE_DIGEST)
        throw new CiError('infra.cluster', `PipelineRun ${out.pipelineRun} succeeded without the IMAGE_URL/IMAGE_DIGEST results (Pipeline ${PUBLISH_PIPELINE} as applied is not this checkout's)`);
      print(`IMAGE_URL=${results.IMAGE_URL}`);
      print(`IMAGE_DIGEST=${results.IMAGE_DIGEST}`);
    }
    return out.exitCode;
  };
  if (flags.lab) return withLabCi(base, say, (env, interrupt) => tekton(env, interrupt));
  return tekton(base);
}

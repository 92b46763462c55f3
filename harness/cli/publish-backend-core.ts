// unidesk-ci publish-backend-core --commit <rev> [--worktree <dir>] [--lab] [--report-dir <dir>] [--wait-ms <ms>]
// The CI producer action (seed: "Publish a backend-core artifact for production CD"): runs the
// artifact gate as its own Vitest invocation — what the unidesk-ci-backend-core-artifact Task step
// runs — and prints the image ref and digest CD consumes. It never deploys or restarts anything.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CiError } from '../failure.ts';
import { parseFlags, type Command } from './command.ts';
import { exitCodeOf, prepareRun, runGates } from './gate-runs.ts';

const USAGE = 'unidesk-ci publish-backend-core --commit <rev> [--worktree <dir>] [--lab] [--report-dir <dir>] [--wait-ms <ms>]';

export const publishBackendCoreCommand: Command = {
  name: 'publish-backend-core',
  summary: 'build and push <registry>/unidesk/backend-core:<commit> from pushed git; print IMAGE_URL and IMAGE_DIGEST',
  usage: USAGE,
  run: (argv) => publishBackendCore(argv),
};

/** The command with an explicit base environment (tests hand it a running lab's variables). */
export async function publishBackendCore(argv: string[], base: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseFlags(argv, {
    commit: { type: 'string' },
    worktree: { type: 'string' },
    lab: { type: 'boolean' },
    'report-dir': { type: 'string' },
    'wait-ms': { type: 'string' },
  }, USAGE);
  if (!flags.commit && !flags.worktree && !base.UNIDESK_CI_REVISION && !base.UNIDESK_CI_SOURCE_WORKTREE) {
    throw new CiError('input', `say which pushed commit to publish: --commit <rev> or --worktree <dir>\n\nusage: ${USAGE}`);
  }
  // flags become the variables a Tekton step would set; one parse validates them all
  const env: Record<string, string | undefined> = { ...base };
  if (flags.commit !== undefined) env.UNIDESK_CI_REVISION = flags.commit;
  if (flags.worktree !== undefined) env.UNIDESK_CI_SOURCE_WORKTREE = resolve(flags.worktree);
  if (flags['report-dir'] !== undefined) env.UNIDESK_CI_REPORT_DIR = flags['report-dir'];
  if (flags['wait-ms'] !== undefined) env.UNIDESK_CI_WAIT_MS = flags['wait-ms'];
  // --lab: the gate's global setup starts its own lab
  if (flags.lab) {
    env.UNIDESK_CI_LAB = '1';
    delete env.UNIDESK_CI_LAB_EXTERNAL;
  }
  const run = prepareRun(env);
  const { config, reportDir } = run;
  console.log(`unidesk-ci publish-backend-core ${config.runId}: ${config.raw.UNIDESK_CI_SOURCE_WORKTREE ?? config.revision} → ${config.registry}/unidesk/backend-core:<commit>`);
  const code = exitCodeOf(await runGates(['artifact'], run, config.waitMs));
  if (code !== 0) return code;
  const resultsDir = config.raw.UNIDESK_CI_RESULTS_DIR ?? join(reportDir, 'results');
  console.log(`IMAGE_URL=${await readFile(join(resultsDir, 'IMAGE_URL'), 'utf8')}`);
  console.log(`IMAGE_DIGEST=${await readFile(join(resultsDir, 'IMAGE_DIGEST'), 'utf8')}`);
  return 0;
}

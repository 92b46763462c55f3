// unidesk-ci publish-backend-core --local: the artifact gate as its own Vitest invocation here —
// what the unidesk-ci-backend-core-artifact Task step runs — then the image ref and digest CD
// consumes. The producer only: nothing here reaches a Kubernetes client, deploys or restarts
// anything (test/unit/image-producer-boundary.test.ts walks its imports).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CiError } from '../failure.ts';
import { exitCodeOf, prepareRun, runGates } from './gate-runs.ts';

export type LocalPublishFlags = { revision?: string; worktree?: string; lab?: boolean; 'report-dir'?: string; 'wait-ms'?: string };

export async function publishLocal(flags: LocalPublishFlags, base: NodeJS.ProcessEnv, usage: string): Promise<number> {
  if (!flags.revision && !flags.worktree && !base.UNIDESK_CI_REVISION && !base.UNIDESK_CI_SOURCE_WORKTREE) {
    throw new CiError('input', `say which pushed commit to publish: --revision <rev> or --worktree <dir>\n\nusage: ${usage}`);
  }
  // flags become the variables a Tekton step would set; one parse validates them all
  const env: Record<string, string | undefined> = { ...base };
  if (flags.revision !== undefined) env.UNIDESK_CI_REVISION = flags.revision;
  if (flags.worktree !== undefined) env.UNIDESK_CI_SOURCE_WORKTREE = resolve(flags.worktree);
  if (flags['report-dir'] !== undefined) env.UNIDESK_CI_REPORT_DIR = flags['report-dir'];
  if (flags['wait-ms'] !== undefined) env.UNIDESK_CI_WAIT_MS = flags['wait-ms'];
  // --lab: the gate's global setup starts its own lab
  if (flags.lab) {
    env.UNIDESK_CI_LAB = '1';
    delete env.UNIDESK_CI_LAB_EXTERNAL;
  }
  const run = prepareRun(env);
  const { config } = run;
  console.log(`unidesk-ci publish-backend-core ${config.runId}: ${config.source.worktree ?? config.revision} → ${config.registry}/unidesk/backend-core:<commit>, built here (--local)`);
  const code = exitCodeOf(await runGates(['artifact'], run, config.waitMs));
  if (code !== 0) return code;
  const resultsDir = config.resultsDir;
  console.log(`IMAGE_URL=${await readFile(join(resultsDir, 'IMAGE_URL'), 'utf8')}`);
  console.log(`IMAGE_DIGEST=${await readFile(join(resultsDir, 'IMAGE_DIGEST'), 'utf8')}`);
  return 0;
}

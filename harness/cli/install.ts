// unidesk-ci install [--lab] [--report-dir <dir>]
// "Install or refresh CI" (seed): apply k3s/ci by server-side apply (field manager unidesk-ci),
// prewarm the images PipelineRun pods need, and verify the result — which is exactly the install
// gate with UNIDESK_CI_APPLY_MANIFESTS=1, so the command and the gate can never disagree.
import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { exitCodeFor, UNCLASSIFIED_EXIT_CODE } from '../failure.ts';
import { runGate } from '../report/junit-gate-run.ts';
import { parseFlags, type Command } from './command.ts';
import { formatSummary, verdictOf } from './summary.ts';

const USAGE = 'unidesk-ci install [--lab] [--report-dir <dir>]';

export const installCommandSpec: Command = {
  name: 'install',
  summary: 'apply k3s/ci, prewarm the CI images and verify the installation (the install gate)',
  usage: USAGE,
  run: (argv) => install(argv),
};

export async function install(argv: string[], base: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseFlags(argv, { lab: { type: 'boolean' }, 'report-dir': { type: 'string' } }, USAGE);
  const env: Record<string, string | undefined> = { ...base, UNIDESK_CI_APPLY_MANIFESTS: '1' };
  if (flags.lab) env.UNIDESK_CI_LAB = '1';
  if (flags['report-dir'] !== undefined) env.UNIDESK_CI_REPORT_DIR = flags['report-dir'];
  const config = loadConfig(env);
  const reportDir = resolve(config.reportDir);
  Object.assign(env, { UNIDESK_CI_RUN_ID: config.runId, UNIDESK_CI_REPORT_DIR: reportDir });
  console.log(`unidesk-ci install ${config.runId}: apply k3s/ci, prewarm, verify${config.lab ? ' (embedded lab)' : ''}`);
  const run = await runGate({ gate: 'install', env, reportDir, onLine: (l) => console.log(`[install] ${l}`) });
  console.log(formatSummary([run]));
  const v = verdictOf(run);
  if (v.passed) return 0;
  return v.failureClass ? exitCodeFor(v.failureClass) : UNCLASSIFIED_EXIT_CODE;
}

// unidesk-ci status: is CI healthy on this cluster? Tekton Pipelines and Triggers at the pinned versions with their
// controllers and webhooks Available, the CRDs served; k3s/ci as applied matching this checkout
// (drift named per object); the step image served by the registry; the EventListener's ClusterIP
// Service; the budgets readable; then the last runs as `tkn pr list` shows them. Exit 0 when
// healthy, else the infra.cluster code with the reasons.
import { CI_NAMESPACE, loadConfig } from '../config.ts';
import { CiError, exitCodeFor } from '../failure.ts';
import { kubeForRun } from '../kube/kube.ts';
import { listPipelineRuns } from '../tekton/list.ts';
import { parseFlags, type Command } from './command.ts';
import { budgetsCheck, componentChecks, driftOf, eventListenerCheck, k3sCiObjects, stepImageCheck } from './status/checks.ts';
import { driftCheck, formatStatus, statusReport, type Check, type StatusReport } from './status/report.ts';
import { runRow } from './status/runs.ts';
import { colourEnabled } from './style.ts';
import { parseOutput } from './tekton/options.ts';
import type { Drift } from '../tekton/drift.ts';

const USAGE = 'unidesk-ci status [--runs <n>] [--output text|json]';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Tekton versions and readiness, k3s/ci drift, step image, EventListener, budgets, the last runs; exit 0 when healthy',
  usage: USAGE,
  run: (argv) => status(argv),
};

export async function collectStatus(env: NodeJS.ProcessEnv, runs: number, say: (l: string) => void): Promise<StatusReport> {
  const config = loadConfig(env);
  const kube = kubeForRun(config, say);
  say(`status: reading Tekton in tekton-pipelines and CI in ${CI_NAMESPACE}...`);
  const checks: Check[] = await componentChecks(kube);
  let drift: Drift[] = [];
  try {
    const objects = await k3sCiObjects(config);
    drift = await driftOf(kube, objects);
    checks.push(driftCheck(drift), await stepImageCheck(config, objects));
  } catch (e) {
    checks.push({ name: 'k3s/ci', ok: false, detail: (e as Error).message });
  }
  checks.push(await eventListenerCheck(kube), await budgetsCheck(kube));
  const prs = await listPipelineRuns(kube, runs).catch((e: Error) => {
    checks.push({ name: 'PipelineRuns', ok: false, detail: e.message });
    return [];
  });
  return statusReport(
    checks,
    drift,
    prs.map((p) => runRow(p)),
  );
}

export type StatusIo = { out: (l: string) => void; err: (l: string) => void };

export async function status(argv: string[], env: NodeJS.ProcessEnv = process.env, io?: StatusIo): Promise<number> {
  const { out, err } = io ?? { out: (l: string) => console.log(l), err: (l: string) => console.error(l) };
  const flags = parseFlags(argv, { runs: { type: 'string' }, output: { type: 'string' } }, USAGE);
  const output = parseOutput(flags.output, USAGE);
  const runs = flags.runs === undefined ? 5 : Number(flags.runs);
  if (!Number.isInteger(runs) || runs < 0 || runs > 100) throw new CiError('input', `--runs ${JSON.stringify(flags.runs)}: expected a whole number 0..100\n\nusage: ${USAGE}`);
  const report = await collectStatus(env, runs, err);
  if (output === 'json') out(JSON.stringify(report, null, 2));
  else for (const l of formatStatus(report, !io && colourEnabled())) out(l);
  return report.healthy ? 0 : exitCodeFor('infra.cluster');
}

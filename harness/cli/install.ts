// unidesk-ci install, "Install or refresh CI" (seed): apply k3s/ci by server-side apply (field manager unidesk-ci),
// rendered for this checkout's step image; build and push that image when the registry lacks it
// (reused when it is served with the same content hash), prewarm the images PipelineRun pods need,
// and verify the result, then a table of what was created, changed or left unchanged — which is exactly the install gate with UNIDESK_CI_APPLY_MANIFESTS=1, so
// the command and the gate can never disagree.
import { ensureStepImage } from '../image/step-image/index.ts';
import { applyTable } from './apply-table.ts';
import { parseFlags, type Command } from './command.ts';
import { exitCodeOf, prepareRun, runGates } from './gate-runs.ts';

const USAGE = 'unidesk-ci install [--lab] [--report-dir <dir>]';

export const installCommand: Command = {
  name: 'install',
  summary: 'build/push the step image if missing, apply k3s/ci, prewarm the CI images and verify the installation (the install gate)',
  usage: USAGE,
  run: (argv) => install(argv),
};

export async function install(argv: string[], base: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = parseFlags(argv, { lab: { type: 'boolean' }, 'report-dir': { type: 'string' } }, USAGE);
  const env: Record<string, string | undefined> = { ...base, UNIDESK_CI_APPLY_MANIFESTS: '1' };
  if (flags.lab) env.UNIDESK_CI_LAB = '1';
  if (flags['report-dir'] !== undefined) env.UNIDESK_CI_REPORT_DIR = flags['report-dir'];
  const run = prepareRun(env);
  console.log(`unidesk-ci install ${run.config.runId}: step image (build and push when missing), apply k3s/ci, prewarm, verify${run.config.lab ? ' (embedded lab)' : ''}`);
  // the registry is reachable from here unless the gate starts its own lab: build/push/verify the
  // step image before k3s/ci is applied (the gate's step then finds it served and reuses it)
  if (!run.config.lab || run.config.labExternal) {
    await ensureStepImage({ registry: run.config.registry, env: run.env, log: (l) => console.log(l) });
  }
  const runs = await runGates(['install'], run);
  for (const l of applyTable(runs.map((r) => r.output).join('\n'))) console.log(l);
  return exitCodeOf(runs);
}

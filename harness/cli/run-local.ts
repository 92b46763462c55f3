// unidesk-ci run --local: the gates as Vitest processes in this process tree — what the Tekton
// steps themselves run, and a laptop without a cluster. Each selected gate is its own Vitest
// invocation (JUnit to <report-dir>/junit/<gate>.xml); the per-gate, per-step summary; the HTML
// report; the exit code of the worst failure class. With --lab each gate's global setup starts the
// lab services that gate needs.
import { exitCodeOf, prepareRun, runGates } from './gate-runs.ts';
import { selectGates } from './gates.ts';

export type LocalRunFlags = { lab?: boolean; gate?: string[]; revision?: string; 'report-dir'?: string };

export async function runLocal(flags: LocalRunFlags, base: NodeJS.ProcessEnv = process.env): Promise<number> {
  const gates = selectGates(flags.gate ?? []);
  // flags become the same variables a Tekton step would set; one parse validates them all
  const env: Record<string, string | undefined> = { ...base };
  if (flags.lab) env.UNIDESK_CI_LAB = '1';
  if (flags.revision !== undefined) env.UNIDESK_CI_REVISION = flags.revision;
  if (flags['report-dir'] !== undefined) env.UNIDESK_CI_REPORT_DIR = flags['report-dir'];
  const run = prepareRun(env);
  const { config } = run;
  if (config.lab) delete run.env.UNIDESK_CI_LAB_EXTERNAL;
  console.log(`unidesk-ci run ${config.runId}: gates ${gates.join(', ')} run here (--local)${config.lab ? ' against the embedded lab' : ''}; revision ${config.revision}; reports in ${run.reportDir}`);
  // the HTML report's code (vega) loads while the gates run instead of after them
  const report = import('./report.ts');
  report.catch(() => undefined);
  const runs = await runGates(gates, run);
  await (await report).writeRunReport(run, runs);
  return exitCodeOf(runs);
}

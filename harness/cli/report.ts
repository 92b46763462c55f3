// unidesk-ci report writes <report-dir>/index.html from the results store (UNIDESK_CI_METRICS_DATABASE_URL): the
// last runs per gate, their steps and JUnit, the perf trends. `unidesk-ci run` calls writeRunReport.
import { loadConfig } from '../config.ts';
import { CiError } from '../failure.ts';
import { reportFromRuns } from '../report/html/from-runs.ts';
import { reportFromStore } from '../report/html/from-store.ts';
import { writeHtmlReport } from '../report/html/write.ts';
import type { GateRun } from '../report/junit-gate-run.ts';
import { redact } from '../redact.ts';
import { parseFlags, type Command } from './command.ts';
import type { PreparedRun } from './gate-runs.ts';

const USAGE = 'unidesk-ci report [--report-dir <dir>] [--runs <n>]';

export const reportCommand: Command = {
  name: 'report',
  summary: 'write reports/index.html from the results store: last runs per gate, steps, JUnit links, perf trends',
  usage: USAGE,
  run: async (argv) => {
    const flags = parseFlags(argv, { 'report-dir': { type: 'string' }, runs: { type: 'string' } }, USAGE);
    const env = { ...process.env };
    if (flags['report-dir'] !== undefined) env.UNIDESK_CI_REPORT_DIR = flags['report-dir'];
    const config = loadConfig(env);
    const runs = flags.runs === undefined ? 10 : Number(flags.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new CiError('input', `--runs ${JSON.stringify(flags.runs)}: expected a positive integer\n\nusage: ${USAGE}`);
    if (!config.metricsDatabaseUrl) throw new CiError('input', 'UNIDESK_CI_METRICS_DATABASE_URL is not set: the report is read from the results store (docs/results.md)');
    const file = await writeHtmlReport(config.reportDir, await reportFromStore(config.metricsDatabaseUrl, runs));
    console.log(`report: ${file}`);
    return 0;
  },
};

/** The end of `unidesk-ci run`: the report from the store (this run included), or this run alone. Never changes the exit code. */
export async function writeRunReport(run: PreparedRun, runs: readonly GateRun[]): Promise<string | undefined> {
  const url = run.config.metricsDatabaseUrl;
  try {
    const data = url
      ? await reportFromStore(url).catch(async (e: Error) => reportFromRuns(runs, run.config.runId, `The results store could not be read (${redact(e.message)}); this run only.`))
      : await reportFromRuns(runs, run.config.runId, 'No results store configured (UNIDESK_CI_METRICS_DATABASE_URL): this run only, no history.');
    const file = await writeHtmlReport(run.reportDir, data);
    console.log(`report: ${file}`);
    return file;
  } catch (e) {
    console.error(`report: not written: ${redact((e as Error).message)}`);
    return undefined;
  }
}

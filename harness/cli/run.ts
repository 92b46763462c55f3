// unidesk-ci run [--lab] [--gate <name>]... [--revision <rev>] [--report-dir <dir>]
// Runs each selected gate as its own Vitest invocation (JUnit to <report-dir>/junit/<gate>.xml),
// prints the per-gate, per-step summary, writes <report-dir>/index.html (unidesk-ci report), and
// exits with the worst failure class's exit code.
// In --lab mode each gate's global setup starts the lab services that gate needs.
import { parseFlags, type Command } from './command.ts';
import { exitCodeOf, prepareRun, runGates } from './gate-runs.ts';
import { selectGates } from './gates.ts';

const USAGE = 'unidesk-ci run [--lab] [--gate <name>]... [--revision <rev>] [--report-dir <dir>]';

export const runCommandSpec: Command = {
  name: 'run',
  summary: 'run the gates (all that exist, or --gate ones) and summarise their JUnit',
  usage: USAGE,
  run: async (argv) => {
    const flags = parseFlags(argv, {
      lab: { type: 'boolean' },
      gate: { type: 'string', multiple: true },
      revision: { type: 'string' },
      'report-dir': { type: 'string' },
    }, USAGE);
    const gates = selectGates(flags.gate ?? []);
    // flags become the same variables a Tekton step would set; one parse validates them all
    const env: Record<string, string | undefined> = { ...process.env };
    if (flags.lab) env.UNIDESK_CI_LAB = '1';
    if (flags.revision !== undefined) env.UNIDESK_CI_REVISION = flags.revision;
    if (flags['report-dir'] !== undefined) env.UNIDESK_CI_REPORT_DIR = flags['report-dir'];
    const run = prepareRun(env);
    const { config } = run;
    if (config.lab) delete run.env.UNIDESK_CI_LAB_EXTERNAL;
    console.log(`unidesk-ci run ${config.runId}: gates ${gates.join(', ')}${config.lab ? ' against the embedded lab' : ''}; revision ${config.revision}; reports in ${run.reportDir}`);
    const runs = await runGates(gates, run);
    // the HTML report (docs/results.md); loaded lazily: vega is only needed here
    await (await import('./report.ts')).writeRunReport(run, runs);
    return exitCodeOf(runs);
  },
};

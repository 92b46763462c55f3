// unidesk-ci run [--lab] [--gate <name>]... [--revision <rev>] [--report-dir <dir>]
// Runs each selected gate as its own Vitest invocation (JUnit to <report-dir>/junit/<gate>.xml),
// prints the per-gate, per-step summary, and exits with the worst failure class's exit code.
// In --lab mode each gate's global setup starts the lab services that gate needs.
import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { exitCodeFor, UNCLASSIFIED_EXIT_CODE, worstFailureClass } from '../failure.ts';
import { runGate, type GateRun } from '../report/junit-gate-run.ts';
import { parseFlags, type Command } from './command.ts';
import { selectGates } from './gates.ts';
import { formatSummary, verdictOf } from './summary.ts';

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
    const config = loadConfig(env);
    const reportDir = resolve(config.reportDir);
    Object.assign(env, { UNIDESK_CI_RUN_ID: config.runId, UNIDESK_CI_REPORT_DIR: reportDir });
    if (config.lab) delete env.UNIDESK_CI_LAB_EXTERNAL;
    console.log(`unidesk-ci run ${config.runId}: gates ${gates.join(', ')}${config.lab ? ' against the embedded lab' : ''}; revision ${config.revision}; reports in ${reportDir}`);

    const runs: GateRun[] = [];
    for (const gate of gates) {
      console.log(`\n=== gate ${gate}: starting (vitest run --project ${gate})`);
      const run = await runGate({ gate, env, reportDir, onLine: (l) => console.log(`[${gate}] ${l}`) });
      runs.push(run);
      const v = verdictOf(run);
      console.log(`=== gate ${gate}: ${v.passed ? 'passed' : `failed${v.failureClass ? ` (${v.failureClass})` : ''}`} after ${(run.durationMs / 1000).toFixed(1)} s`);
    }
    console.log(formatSummary(runs));
    const verdicts = runs.map(verdictOf);
    if (verdicts.every((v) => v.passed)) return 0;
    const worst = worstFailureClass(verdicts.map((v) => v.failureClass));
    return worst ? exitCodeFor(worst) : UNCLASSIFIED_EXIT_CODE;
  },
};

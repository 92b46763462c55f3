// The record step of the Tasks whose gate step runs code of the commit under test (repo-check,
// backend-core-artifact). That step holds no store credential, so it runs with `onError: continue`
// and this second step — a fresh container of the step image, the only one given the store's
// Secret — records the gate's JUnit from the reports workspace, rewrites the Task results from the
// final file (a store that is down shows in `failure-class`), and exits with the gate step's own
// exit code, read from `$(steps.step-<gate>.exitCode.path)`, so the TaskRun fails as the gate did.
//   node harness/report/store/record-step.ts --gate commit --junit <file> --exit-code-file <file>
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GATES, loadConfig, type Gate } from '../../config.ts';
import { CiError, failureClassOf } from '../../failure.ts';
import { writeGateResults } from '../../tekton/gate-results.ts';
import { parseJUnit, readJUnit, readJUnitText } from '../junit-read.ts';
import { recordAfterGate } from './after-gate.ts';

/** Pure: the step's exit code — the gate's when it failed, else 1 when recording failed. */
export function recordStepExit(gateExit: number, recorded: boolean): number {
  return gateExit !== 0 ? gateExit : recorded ? 0 : 1;
}

/** Pure: what the gate's own run wrote into its JUnit — its run id and when it started. */
export function gateRunOf(xml: string): { runId?: string; startedAt?: Date } {
  const runId = parseJUnit(xml)
    .suites.map((s) => s.properties['unidesk.run-id'])
    .find(Boolean);
  const stamps = [...xml.matchAll(/<testsuite\b[^>]*\btimestamp="([^"]+)"/g)].map((m) => Date.parse(m[1])).filter((t) => !Number.isNaN(t));
  return { runId, startedAt: stamps.length ? new Date(Math.min(...stamps)) : undefined };
}

/** The gate step's exit code file as Tekton's entrypoint wrote it. */
export async function readExitCode(path: string): Promise<number> {
  const text = (
    await readFile(path, 'utf8').catch(() => {
      throw new CiError('input', `record step: no exit code at ${path}: did the gate step run?`);
    })
  ).trim();
  if (!/^\d{1,3}$/.test(text)) throw new CiError('input', `record step: ${path} holds ${JSON.stringify(text.slice(0, 20))}, not an exit code`);
  return Number(text);
}

export async function recordStep(argv: readonly string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { gate: { type: 'string' }, junit: { type: 'string' }, 'exit-code-file': { type: 'string' } }, strict: true });
  const gate = values.gate as Gate | undefined;
  if (!gate || !(GATES as readonly string[]).includes(gate)) throw new CiError('input', `record step: --gate must be one of ${GATES.join(', ')}`);
  if (!values.junit || !values['exit-code-file']) throw new CiError('input', 'record step: --junit <file> and --exit-code-file <file> are required');
  const gateExit = await readExitCode(values['exit-code-file']);
  const xml = await readJUnitText(values.junit);
  if (typeof xml !== 'string') {
    log(`record step: the ${gate} gate wrote no JUnit at ${values.junit}; nothing to record`);
    return recordStepExit(gateExit, gateExit !== 0);
  }
  const run = gateRunOf(xml);
  const config = loadConfig({ ...env, ...(run.runId ? { UNIDESK_CI_RUN_ID: run.runId } : {}) });
  let recorded = true;
  const outcome = await recordAfterGate({ junitPath: values.junit, gate, config, startedAt: run.startedAt ?? new Date(), log }).catch((e: Error) => {
    log(`record step: [${failureClassOf(e) ?? 'infra.network'}] ${e.message}`);
    recorded = false;
  });
  if (outcome && outcome !== 'recorded') log(`record step: ${outcome}`);
  // the results the gate step wrote, again from the final file (it may now hold the store's failure)
  await writeGateResults(config.resultsDir, await readJUnit(values.junit).catch(() => undefined));
  return recordStepExit(gateExit, recorded);
}

if (import.meta.main) {
  recordStep(process.argv.slice(2), process.env, (l) => console.log(l)).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`record step: [${failureClassOf(e) ?? 'internal'}] ${e.message}`);
      process.exit(1);
    },
  );
}

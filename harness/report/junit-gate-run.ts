// Run one gate as its own Vitest invocation (a child process) and read the JUnit it wrote.
//
// Used by the CLI (`unidesk-ci run`) and by every gate's own tests (test/gates/<gate>*.test.ts):
//
//   await using lab = await startLab({ services: GATE_SERVICES.commit });
//   const run = await runGate({ gate: 'commit', env: { ...lab.env, UNIDESK_CI_LAB_EXTERNAL: '1',
//                                                       UNIDESK_CI_GIT_PASSWORD: 'wrong' } });
//   expect(run.steps[0]).toMatchObject({ status: 'failed', failureClass: 'infra.auth' });
//
// - `env` is laid over this process's environment; a value `undefined` removes the variable
//   (e.g. to run without credentials). Vitest's own worker variables are never inherited.
// - The report dir defaults to a fresh temp dir (UNIDESK_CI_REPORT_DIR), so concurrent runs never
//   write the same files; JUnit goes to <reportDir>/junit/<gate>.xml, with testsuite-level
//   properties (gate, commit, run id) added. The caller removes `run.reportDir` when done.
// - `steps` is the per-step summary: name, status, failure class, skipped reason, commit.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gate } from '../config.ts';
import type { FailureClass } from '../failure.ts';
import { runProcess } from '../process/run.ts';
import { readJUnit, testcases, type JUnitReport } from './junit-read.ts';
import { caseFailureClass } from './junit-verdict.ts';
import { stampJUnitFile } from './junit-properties.ts';

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');
const VITEST_BIN = join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

export type StepSummary = {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  failureClass?: FailureClass;
  skippedReason?: string;
  message?: string;
  commit?: string;
  properties: Record<string, string>;
};

export type GateRun = {
  gate: Gate;
  exitCode: number;
  /** Console output of the Vitest child (already redacted by the gate's own output paths). */
  output: string;
  reportDir: string;
  junitPath: string;
  report?: JUnitReport;
  steps: StepSummary[];
  durationMs: number;
};

export type RunGateOptions = {
  gate: Gate;
  env?: Record<string, string | undefined>;
  reportDir?: string;
  /** Each output line of the child, e.g. to stream progress. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
};

export function stepsOf(report: JUnitReport): StepSummary[] {
  return testcases(report).map((c) => ({
    name: c.name,
    status: c.status,
    failureClass: caseFailureClass(c),
    skippedReason: c.properties['unidesk.skipped-reason'] ?? c.skippedMessage,
    message: c.failure?.message,
    commit: c.properties['unidesk.commit'],
    properties: c.properties,
  }));
}

export function childEnv(overrides: Record<string, string | undefined> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!/^(VITEST|TINYPOOL)/.test(k) && k !== 'NODE_ENV') env[k] = v;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Called with every finished gate run of this process (the gates project checks none is `internal`). */
export const gateRunObservers = new Set<(run: GateRun) => void>();

export async function runGate(o: RunGateOptions): Promise<GateRun> {
  const reportDir = o.reportDir ?? o.env?.UNIDESK_CI_REPORT_DIR ?? (await mkdtemp(join(tmpdir(), `unidesk-ci-${o.gate}-report-`)));
  const junitPath = join(reportDir, 'junit', `${o.gate}.xml`);
  const env = childEnv({ ...o.env, UNIDESK_CI_REPORT_DIR: reportDir, UNIDESK_CI_GATE: o.gate, FORCE_COLOR: '0', NO_COLOR: '1' });
  const args = [VITEST_BIN, 'run', '--project', o.gate, '--reporter=default', '--reporter=junit', `--outputFile.junit=${junitPath}`];
  // an interrupted gate's workers get a pod's default termination grace (30 s) to delete what they created
  const r = await runProcess(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env,
    signal: o.signal,
    timeoutMs: o.timeoutMs,
    onLine: o.onLine,
    tailLines: 100_000,
    killGraceMs: 30_000,
    stopOrder: 'descendants-first',
  });
  let report: JUnitReport | undefined;
  // idempotent: the gate's global teardown normally did this already
  if (await stampJUnitFile(junitPath, { 'unidesk.gate': o.gate })) report = await readJUnit(junitPath);
  const run: GateRun = { gate: o.gate, exitCode: r.exitCode, output: r.tail, reportDir, junitPath, report, steps: report ? stepsOf(report) : [], durationMs: r.durationMs };
  for (const observe of gateRunObservers) observe(run);
  return run;
}

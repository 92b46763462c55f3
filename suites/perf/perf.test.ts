// The performance gate (seed: "Performance Gate"). Budgets come from unidesk-ci/unidesk-ci-budgets;
// a temporary code-queue-ci-read Deployment + ClusterIP Service in unidesk-ci (read role, every
// *_ENABLED flag false) is measured through the API server's service proxy — or, on a laptop, a
// Code Queue at a base URL. One testcase per budget; history comparison is diagnostic only.
import { afterAll } from 'vitest';
import { BUDGET_NAMES } from '../../harness/budgets/schema.ts';
import { CI_NAMESPACE } from '../../harness/config.ts';
import { saveDiagnostics } from '../../harness/kube/diagnostics.ts';
import { kubeForRun, type Kube } from '../../harness/kube/kube.ts';
import { environmentFingerprint } from '../../harness/perf/fingerprint.ts';
import { measure } from '../../harness/perf/measure.ts';
import { samplingPlan } from '../../harness/perf/plan.ts';
import { createProbe } from '../../harness/perf/probe.ts';
import { loadRunBudgets } from '../../harness/budgets/run-budgets.ts';
import { openTransport } from '../../harness/perf/run-transport.ts';
import { expectWriteRefused } from '../../harness/perf/read-only-check.ts';
import { openHistory } from '../../harness/report/history.ts';
import { compareAndRecord } from '../../harness/report/history-run.ts';
import { defineGate } from '../../harness/vitest/gate.ts';
import { FULL_SHA } from '../../harness/git/revision.ts';
import { budgetTestcase } from './budget-testcase.ts';
import { writeReport } from './report.ts';
import type { PerfState } from './state.ts';

const gate = defineGate('perf');
const { config, facts } = gate;
// inside the commit Pipeline the revision is repo-check's resolved commit: the run belongs to it
if (FULL_SHA.test(config.revision)) facts.commit = config.revision;
const state: PerfState = { verdicts: [] };
const log = (line: string) => console.log(line);
const kube = (): Kube => (state.kube ??= kubeForRun(config, log));
// a failed step (or rollout) saves the read service's pod logs, events and objects before they are deleted
const saveEvidence = () => saveDiagnostics(kube(), CI_NAMESPACE, config.reportDir);
gate.onFailure(async () => state.open?.transport.kind === 'cluster' && saveEvidence());

gate.step('read the budgets from the unidesk-ci-budgets ConfigMap', async ({ property }) => {
  state.notMeasured = 'the budgets could not be read';
  state.budgets = await loadRunBudgets(config, kube);
  await property('budgets-source', state.budgets.source);
  await property('budgets-hash', state.budgets.hash);
});

const transportStep =
  config.perf.transport === 'cluster'
    ? 'start the temporary code-queue-ci-read Deployment and ClusterIP Service in unidesk-ci and wait for the rollout'
    : 'reach Code Queue at UNIDESK_CI_PERF_BASE_URL (direct transport)';
gate.step(transportStep, async ({ property }) => {
  state.notMeasured = 'the Code Queue read service was not reachable';
  state.open = await openTransport(config, kube, { onFailure: saveEvidence });
  await property('transport', state.open.transport.describe);
});

gate.step('measure: the cold first overview, task discovery, then interleaved rounds', async ({ property }) => {
  state.notMeasured = 'the measurement failed';
  const plan = samplingPlan(state.budgets!.budgets);
  await using probe = createProbe(state.open!.transport, { requestTimeoutMs: config.perf.requestTimeoutMs });
  state.measurement = await measure(probe, plan, log);
  await property('task', state.measurement.task.taskId);
  await property('samples', state.measurement.samples.length);
  await property('connections-opened', state.measurement.connectionsOpened);
});

// after measuring, so the first overview stays the service's first request (cold)
gate.step('the read service refuses writes (CODE_QUEUE_SERVICE_ROLE=read)', async ({ property }) => {
  await property('write-status', await expectWriteRefused(state.open!.transport, config.perf.requestTimeoutMs));
});

for (const name of BUDGET_NAMES) budgetTestcase(gate, name, state);

gate.step('compare with the perf history (diagnostic)', async ({ property }) => {
  if (!config.metricsDatabaseUrl) {
    await property('history', 'not configured (UNIDESK_CI_METRICS_DATABASE_URL unset)');
    return;
  }
  const k = config.perf.historyRuns;
  await using store = await openHistory(config.metricsDatabaseUrl);
  const key = {
    runId: config.runId,
    commit: config.revision,
    fingerprint: environmentFingerprint({ transport: state.open!.transport.kind, target: state.open!.target }),
    budgetsHash: state.budgets!.hash,
    transport: state.open!.transport.describe,
  };
  state.history = await compareAndRecord(store, key, state.verdicts, k);
  await property('history-method', state.history.method);
  for (const c of state.history.comparisons) await property(`history.${c.budget}`, c.message);
});

afterAll(async () => {
  try {
    await writeReport(config, state, config.revision);
  } finally {
    await state.open?.[Symbol.asyncDispose]();
  }
}, 300_000);

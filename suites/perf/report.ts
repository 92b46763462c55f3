// After the gate: the metrics JSON with every sample (and the history comparison), and the
// console summary table. Written whenever something was measured, also when a budget failed.
import { summaryTable } from '../../harness/report/metrics-table.ts';
import { ms } from '../../harness/perf/stats.ts';
import { perfMetrics, writePerfMetrics } from '../../harness/report/metrics.ts';
import type { RunConfig } from '../../harness/config.ts';
import type { PerfState } from './state.ts';

export async function writeReport(config: RunConfig, state: PerfState, commit: string | undefined): Promise<void> {
  if (!state.measurement || !state.budgets || !state.open) return;
  const metrics = perfMetrics({
    runId: config.runId,
    commit,
    transport: state.open.transport.describe,
    budgetsSource: state.budgets.source,
    budgetsHash: state.budgets.hash,
    m: state.measurement,
    verdicts: state.verdicts,
    history: state.history,
  });
  const file = await writePerfMetrics(config.reportDir, metrics);
  const m = state.measurement;
  console.log(`\n${summaryTable(state.verdicts)}`);
  const control = m.samples.filter((s) => s.endpoint === 'control').map((s) => ms(s.totalMs ?? Infinity));
  console.log(`control GET /healthz samples (ms): [${control.join(', ')}] — common mode when its median exceeds half a blocking budget`);
  console.log(`perf: ${m.samples.length} samples, ${m.connectionsOpened} connection(s) opened, wall ${m.wallMs.toFixed(1)} ms over request sum ${m.requestMs.toFixed(1)} ms`);
  if (state.history) for (const c of state.history.comparisons) console.log(`perf history: ${c.message}`);
  console.log(`perf: metrics written to ${file}`);
}

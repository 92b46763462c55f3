// reports/metrics/perf-<run-id>.json: every sample plus each budget's verdict. JSON has no +∞,
// so a failed request's time and a statistic over a failed request are written as null.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Verdict } from '../budgets/verdict.ts';
import type { Measurement } from '../perf/measure.ts';
import { sampleSchema } from '../perf/sample.ts';
import { DEFINITIONS } from '../perf/stats.ts';

const finiteOrNull = z.number().nullable();

export const perfMetricsSchema = z.object({
  version: z.literal(1),
  gate: z.literal('perf'),
  runId: z.string(),
  commit: z.string().optional(),
  transport: z.string(),
  budgetsSource: z.string(),
  budgetsHash: z.string(),
  definitions: z.record(z.string(), z.string()),
  task: z.object({ taskId: z.number(), stepSeq: z.number(), stepCount: z.number(), scanned: z.number(), pages: z.number() }),
  wallMs: z.number(),
  requestMs: z.number(),
  connectionsOpened: z.number(),
  budgets: z.array(
    z.object({
      name: z.string(),
      endpoint: z.string(),
      statistic: z.string(),
      tier: z.string(),
      budgetMs: z.number(),
      n: z.number(),
      valueMs: finiteOrNull,
      values: z.array(finiteOrNull),
      failedRequests: z.number(),
      errorRate: z.number(),
      verdict: z.string(),
      message: z.string(),
    }),
  ),
  samples: z.array(sampleSchema),
  history: z.unknown().optional(),
});
export type PerfMetrics = z.infer<typeof perfMetricsSchema>;

const finite = (v: number) => (Number.isFinite(v) ? v : null);

export function perfMetrics(args: {
  runId: string;
  commit?: string;
  transport: string;
  budgetsSource: string;
  budgetsHash: string;
  m: Measurement;
  verdicts: Verdict[];
  history?: unknown;
}): PerfMetrics {
  const { m } = args;
  return perfMetricsSchema.parse({
    version: 1,
    gate: 'perf',
    runId: args.runId,
    commit: args.commit,
    transport: args.transport,
    budgetsSource: args.budgetsSource,
    budgetsHash: args.budgetsHash,
    definitions: { ...DEFINITIONS },
    task: m.task,
    wallMs: m.wallMs,
    requestMs: m.requestMs,
    connectionsOpened: m.connectionsOpened,
    budgets: args.verdicts.map((v) => ({
      name: v.budget.name,
      endpoint: v.budget.endpoint,
      statistic: v.budget.statistic,
      tier: v.budget.tier,
      budgetMs: v.budget.budgetMs,
      n: v.n,
      valueMs: finite(v.valueMs),
      values: v.values.map(finite),
      failedRequests: v.failedRequests,
      errorRate: v.errorRate,
      verdict: v.verdict,
      message: v.message,
    })),
    samples: m.samples,
    history: args.history,
  });
}

export async function writePerfMetrics(reportDir: string, metrics: PerfMetrics): Promise<string> {
  const dir = join(reportDir, 'metrics');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `perf-${metrics.runId}.json`);
  await writeFile(file, `${JSON.stringify(metrics, null, 2)}\n`);
  return file;
}

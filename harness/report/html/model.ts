// What the HTML report shows, independent of where it came from (the results store, or only this
// run's JUnit when no store is configured).
export type ReportStep = { name: string; status: 'passed' | 'failed' | 'skipped'; failureClass?: string; message?: string; skippedReason?: string };

export type ReportRun = {
  runId: string;
  gate: string;
  pipelineRun?: string;
  taskRun?: string;
  commit?: string;
  /** The revision the run was asked for, shown when no commit was resolved (e.g. perf). */
  revision?: string;
  verdict: 'passed' | 'failed';
  failureClass?: string;
  startedAt: Date;
  durationMs: number;
  steps: ReportStep[];
  /** The run's JUnit as stored (written next to the report and linked). */
  junitXml?: string;
};

/** One perf run's result for one budget: a point of the trend. */
export type TrendPoint = {
  runId: string;
  commit?: string;
  time: Date;
  valueMs: number | null;
  budgetMs: number;
  tier: string;
  verdict: string;
  historyVerdict?: string;
};

export type TrendSample = { runId: string; commit?: string; time: Date; valueMs: number };

export type Trend = { budget: string; endpoint: string; statistic: string; points: TrendPoint[]; samples: TrendSample[] };

export type ReportData = {
  generatedAt: Date;
  /** Where the data came from, in words (never a URL with credentials). */
  source: string;
  runs: ReportRun[];
  trends: Trend[];
  note?: string;
};

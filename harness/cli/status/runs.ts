// The last PipelineRuns of the CI as `tkn pr list` shows them: name, pipeline, commit, status with
// Tekton's reason (`Failed(CouldntGetTask)`), started (age), duration. Pure.
import { succeededCondition, tknStatus } from '../../tekton/condition.ts';
import { resultsOf, type PipelineRun } from '../../tekton/run-objects.ts';

export type RunRow = { name: string; pipeline: string; commit?: string; revision?: string; status: string; startTime?: string; durationMs?: number };

export function runRow(pr: PipelineRun, now = Date.now()): RunRow {
  const revision = pr.spec?.params?.find((p) => p.name === 'revision' || p.name === 'commit')?.value;
  const start = Date.parse(pr.status?.startTime ?? '');
  const end = Date.parse(pr.status?.completionTime ?? '');
  const commit = resultsOf(pr).commit;
  return {
    name: pr.metadata.name,
    pipeline: pr.spec?.pipelineRef?.name ?? '(embedded)',
    ...(commit ? { commit } : {}),
    ...(typeof revision === 'string' ? { revision } : {}),
    status: tknStatus(succeededCondition(pr)),
    ...(pr.status?.startTime ? { startTime: pr.status.startTime } : {}),
    ...(Number.isFinite(start) ? { durationMs: (Number.isFinite(end) ? end : now) - start } : {}),
  };
}

/** tkn's duration: 41s, 2m3s, 1h2m. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
}

/** tkn's STARTED column: "3 minutes ago". */
export function age(iso: string | undefined, now = Date.now()): string {
  const t = Date.parse(iso ?? '');
  if (!Number.isFinite(t)) return '---';
  const s = Math.max(0, Math.round((now - t) / 1000));
  const [n, unit] = s < 60 ? [s, 'second'] : s < 3600 ? [Math.floor(s / 60), 'minute'] : s < 86_400 ? [Math.floor(s / 3600), 'hour'] : [Math.floor(s / 86_400), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

export function formatRuns(rows: readonly RunRow[], now = Date.now()): string[] {
  if (!rows.length) return ['No PipelineRuns found'];
  const cells = rows.map((r) => [
    r.name,
    r.pipeline,
    r.commit ? r.commit.slice(0, 12) : (r.revision ?? '---'),
    r.status,
    age(r.startTime, now),
    r.durationMs === undefined ? '---' : humanDuration(r.durationMs),
  ]);
  const header = ['NAME', 'PIPELINE', 'COMMIT', 'STATUS', 'STARTED', 'DURATION'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [header, ...cells].map((c) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join('   '));
}

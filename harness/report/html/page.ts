// reports/index.html: one static, self-contained page (inline CSS and SVG, no script, no network):
// the last runs per gate with verdict, failure class and duration, each run's steps with their
// failure lines and a link to its JUnit, then one trend per perf budget.
import type { ReportData, ReportRun, Trend } from './model.ts';

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const firstLine = (s?: string) => (s ?? '').split('\n')[0].slice(0, 300);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const short = (c?: string) => (c ? c.slice(0, 12) : '—');
const num = (v: number | null) => (v === null ? '∞ (failed request)' : v.toFixed(1));

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1a202c;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #cbd5e0}h3{font-size:15px;margin:20px 0 4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #e2e8f0;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#edf2f7}.passed{color:#276749}.failed{color:#c53030;font-weight:600}.skipped{color:#718096}
.cls{font-family:monospace;background:#fed7d7;padding:0 4px;border-radius:3px}.tier{padding:1px 6px;border-radius:3px;font-size:12px}
.tier-blocking{background:#c53030;color:#fff}.tier-diagnostic{background:#e2e8f0}.regression td{background:#fff5f5}
code,.mono{font-family:monospace;font-size:12px}details{margin:2px 0}.note{color:#4a5568}`;

function stepsTable(r: ReportRun): string {
  const rows = r.steps.map((s) => {
    const why = s.status === 'failed' ? esc(firstLine(s.message)) : s.status === 'skipped' ? esc(s.skippedReason ?? '') : '';
    return `<tr class="step step-${s.status}"><td class="${s.status}">${s.status}</td><td>${esc(s.name)}</td><td>${s.failureClass ? `<span class="cls">${esc(s.failureClass)}</span>` : ''}</td><td class="mono">${why}</td></tr>`;
  });
  return `<table><tr><th>status</th><th>step</th><th>class</th><th>failure line / skipped because</th></tr>${rows.join('')}</table>`;
}

function runRow(r: ReportRun, junitHref?: string): string {
  const tekton = r.pipelineRun || r.taskRun ? `${esc(r.pipelineRun ?? '—')} / ${esc(r.taskRun ?? '—')}` : 'local';
  return `<tr class="run" data-run="${esc(r.runId)}" data-verdict="${r.verdict}" data-failure-class="${esc(r.failureClass ?? '')}">
<td class="mono">${esc(r.runId)}</td><td>${tekton}</td><td class="mono" title="${esc(r.commit ?? '')}">${r.commit || !r.revision ? short(r.commit) : `<span class="skipped" title="requested revision">${esc(short(r.revision))}</span>`}</td>
<td class="${r.verdict}">${r.verdict}</td><td>${r.failureClass ? `<span class="cls">${esc(r.failureClass)}</span>` : ''}</td>
<td>${esc(r.startedAt.toISOString().replace('T', ' ').slice(0, 19))}</td><td>${secs(r.durationMs)}</td>
<td>${junitHref ? `<a href="${esc(junitHref)}">JUnit</a>` : '—'}</td></tr>
<tr class="steps"><td colspan="8"><details${r.verdict === 'failed' ? ' open' : ''}><summary>${r.steps.length} steps</summary>${stepsTable(r)}</details></td></tr>`;
}

function gateSection(gate: string, runs: ReportRun[], junitHref: (r: ReportRun) => string | undefined): string {
  return `<section class="gate" data-gate="${esc(gate)}"><h3>gate ${esc(gate)}</h3>
<table><tr><th>run</th><th>PipelineRun / TaskRun</th><th>commit</th><th>verdict</th><th>failure class</th><th>started (UTC)</th><th>duration</th><th>report</th></tr>
${runs.map((r) => runRow(r, junitHref(r))).join('\n')}</table></section>`;
}

function trendSection(t: Trend, svg: string): string {
  const latest = t.points.at(-1);
  const tier = latest?.tier ?? 'unknown';
  const regressions = t.points.filter((p) => p.historyVerdict === 'REGRESSION').length;
  const rows = t.points.map(
    (p) =>
      `<tr class="point${p.historyVerdict === 'REGRESSION' ? ' regression' : ''}"><td class="mono">${esc(p.runId)}</td><td class="mono" title="${esc(p.commit ?? '')}">${short(p.commit)}</td><td>${num(p.valueMs)}</td><td>${p.budgetMs}</td><td>${esc(p.tier)}</td><td>${esc(p.verdict)}</td><td>${esc(p.historyVerdict ?? '—')}</td></tr>`,
  );
  return `<figure class="trend" data-budget="${esc(t.budget)}" data-tier="${esc(tier)}">
<h3>${esc(t.budget)} — ${esc(t.endpoint)} (${esc(t.statistic)}) <span class="tier tier-${esc(tier)}">${esc(tier)}</span>
${latest ? `budget ${latest.budgetMs} ms` : ''}${regressions ? ` · <span class="failed">${regressions} regression${regressions > 1 ? 's' : ''} flagged</span>` : ''}</h3>
${svg}
<details><summary>${t.points.length} runs, ${t.samples.length} samples (commit per point)</summary>
<table><tr><th>run</th><th>commit</th><th>${esc(t.statistic)} ms</th><th>budget ms</th><th>tier</th><th>verdict</th><th>history</th></tr>${rows.join('')}</table></details></figure>`;
}

export function renderPage(data: ReportData, svgs: ReadonlyMap<string, string>, junitHref: (r: ReportRun) => string | undefined): string {
  const gates = [...new Set(data.runs.map((r) => r.gate))];
  const perf = data.trends.length ? data.trends.map((t) => trendSection(t, svgs.get(t.budget) ?? '')).join('\n') : '<p class="note">No perf history recorded yet.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>unidesk-ci report</title><style>${CSS}</style></head>
<body><h1>unidesk-ci report</h1>
<p class="note">Generated ${esc(data.generatedAt.toISOString())} from the ${esc(data.source)}.${data.note ? ` ${esc(data.note)}` : ''}</p>
<h2>Last runs per gate</h2>
${
  gates.length
    ? gates
        .map((g) =>
          gateSection(
            g,
            data.runs.filter((r) => r.gate === g),
            junitHref,
          ),
        )
        .join('\n')
    : '<p class="note">No gate run recorded.</p>'
}
<h2>Performance trends</h2>
<p class="note">Per budget: grey dots are every recorded sample, the line is the run's measured statistic (red point: REGRESSION by the history comparison, orange: over budget), the dashed red rule is the budget. Hover a point for its run and commit.</p>
${perf}
</body></html>
`;
}

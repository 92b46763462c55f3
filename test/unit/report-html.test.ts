// The report page and its trend plots, without a browser: Vega-Lite compiled and rendered to SVG
// in Node; one plotted symbol per sample and per run, the budget rule, classes and escaping.
import { describe, expect, test } from 'vitest';
import type { ReportData, Trend } from '../../harness/report/html/model.ts';
import { renderPage } from '../../harness/report/html/page.ts';
import { trendSvg } from '../../harness/report/html/trend-plot.ts';

const at = (i: number) => new Date(Date.UTC(2026, 11, 1, 6, i));
const trend: Trend = {
  budget: 'trace-summary',
  endpoint: 'trace-summary',
  statistic: 'single',
  points: [1, 2, 3, 4].map((i) => ({
    runId: `run-${i}`,
    commit: `${i}`.repeat(40),
    time: at(i),
    valueMs: i === 4 ? null : 10 * i,
    budgetMs: 25,
    tier: 'blocking',
    verdict: i === 3 ? 'over budget' : i === 4 ? 'error' : 'pass',
    historyVerdict: i === 3 ? 'REGRESSION' : 'PASS',
  })),
  samples: [1, 2, 3].flatMap((i) => [0, 1, 2].map((k) => ({ runId: `run-${i}`, commit: `${i}`.repeat(40), time: at(i), valueMs: 10 * i + k }))),
};

const symbols = (svg: string, layer: string) => {
  const g = new RegExp(`<g class="mark-symbol role-mark ${layer}_marks"[^>]*>([\\s\\S]*?)</g>`).exec(svg);
  return g ? [...g[1].matchAll(/<path /g)].length : 0;
};

describe('trend plot (Vega-Lite → SVG in Node)', () => {
  test('one symbol per recorded sample and per run with a finite value; the budget rule; hover titles with the commit', async () => {
    const svg = await trendSvg(trend);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(symbols(svg, 'samples')).toBe(9);
    expect(symbols(svg, 'statistic')).toBe(3); // run-4 failed (+∞): listed in the table, not plotted
    expect(svg).toMatch(/<g class="mark-rule role-mark budget_marks"[^>]*><line /);
    expect(svg).toContain('<title>');
    expect(svg).toContain('commit: 333333333333');
    expect(svg).toMatch(/fill="#c53030"/); // the regression point
  });
});

describe('report page', () => {
  const data: ReportData = {
    generatedAt: at(9),
    source: 'test data',
    runs: [
      {
        runId: 'r2',
        gate: 'commit',
        verdict: 'failed',
        failureClass: 'infra.auth',
        startedAt: at(2),
        durationMs: 1500,
        pipelineRun: 'unidesk-ci-commit-x',
        taskRun: 'unidesk-ci-commit-x-repo-check',
        steps: [
          { name: 'clone <repo>', status: 'failed', failureClass: 'infra.auth', message: 'git: Authentication failed\nmore' },
          { name: 'install', status: 'skipped', skippedReason: 'not run' },
        ],
        junitXml: '<testsuites/>',
      },
      { runId: 'r1', gate: 'commit', revision: 'release-7', verdict: 'passed', startedAt: at(1), durationMs: 900, steps: [{ name: 'clone <repo>', status: 'passed' }] },
    ],
    trends: [trend],
  };

  test('runs per gate with verdict, class, Tekton names, first failure line, JUnit link; the trend with tier', async () => {
    const html = renderPage(data, new Map([['trace-summary', await trendSvg(trend)]]), (r) => (r.junitXml ? `runs/${r.runId}/${r.gate}.xml` : undefined));
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('data-verdict="failed" data-failure-class="infra.auth"');
    expect(html).toContain('unidesk-ci-commit-x / unidesk-ci-commit-x-repo-check');
    expect(html).toContain('git: Authentication failed');
    expect(html).not.toContain('more</td>');
    expect(html).toContain('clone &lt;repo&gt;');
    expect(html).toContain('<a href="runs/r2/commit.xml">JUnit</a>');
    expect(html).toContain('data-budget="trace-summary" data-tier="blocking"');
    expect(html).toContain('1 regression flagged');
    expect(html).toContain('∞ (failed request)');
    expect(html).toContain('<span class="skipped" title="requested revision">release-7</span>'); // no resolved commit
  });
});

// One perf budget's trend as SVG, drawn by Vega-Lite → Vega's SVG renderer in Node (no browser,
// no canvas): every recorded sample (grey), the run's measured statistic (line + points, red when
// the history comparison flagged a REGRESSION), and the budget as a dashed rule. Each point gets a
// <title> (run, commit, value) so a browser shows it on hover.
import type { TopLevelSpec } from 'vega-lite';
import type { Trend } from './model.ts';

const escAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const short = (c?: string) => (c ? c.slice(0, 12) : '?');

export function trendSpec(t: Trend): TopLevelSpec {
  // x is the run's position in the history (oldest = 1): runs are what is compared, not clock time
  const seq = new Map(t.points.map((p, i) => [p.runId, i + 1]));
  const points = t.points
    .filter((p) => p.valueMs !== null)
    .map((p) => ({
      seq: seq.get(p.runId),
      time: p.time.toISOString(),
      value: p.valueMs,
      run: p.runId,
      commit: short(p.commit),
      flag: p.historyVerdict === 'REGRESSION' ? 'regression' : p.verdict.startsWith('over budget') ? 'over budget' : 'ok',
    }));
  const samples = t.samples.map((s) => ({ seq: seq.get(s.runId), time: s.time.toISOString(), value: s.valueMs, run: s.runId, commit: short(s.commit) }));
  const latest = t.points.at(-1);
  const x = { field: 'seq', type: 'quantitative' as const, title: 'perf run, oldest → newest', scale: { domain: [0.5, t.points.length + 0.5] }, axis: { tickMinStep: 1, format: 'd' } };
  // log scale: budgets are often orders of magnitude above the measured values (10 s vs 5 ms)
  const y = { field: 'value', type: 'quantitative' as const, title: `${t.statistic} ms (log)`, scale: { type: 'log' as const } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640,
    height: 180,
    background: 'white',
    layer: [
      {
        name: 'samples',
        data: { values: samples },
        mark: { type: 'point', filled: true, size: 14, color: '#9aa4b1', opacity: 0.6 },
        encoding: { x, y, tooltip: [{ field: 'run', title: 'sample of run' }, { field: 'commit' }, { field: 'value', title: 'ms', format: '.1f' }] },
      },
      { name: 'statistic_line', data: { values: points }, mark: { type: 'line', color: '#2b6cb0' }, encoding: { x, y } },
      {
        name: 'statistic',
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x,
          y,
          color: { field: 'flag', type: 'nominal', title: null, scale: { domain: ['ok', 'over budget', 'regression'], range: ['#2b6cb0', '#dd6b20', '#c53030'] } },
          tooltip: [
            { field: 'run' },
            { field: 'commit' },
            { field: 'time', type: 'temporal', title: 'recorded', format: '%Y-%m-%d %H:%M' },
            { field: 'value', title: `${t.statistic} ms`, format: '.1f' },
            { field: 'flag' },
          ],
        },
      },
      {
        name: 'budget',
        data: { values: latest ? [{ budget: latest.budgetMs }] : [] },
        mark: { type: 'rule', color: '#c53030', strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { y: { field: 'budget', type: 'quantitative', scale: { type: 'log' } }, tooltip: [{ field: 'budget', title: 'budget ms' }] },
      },
    ],
  } as TopLevelSpec;
}

/** Hover text: Vega writes each mark's description as aria-label; a <title> child shows it. */
export function addTitles(svg: string): string {
  return svg.replace(/<path aria-label="([^"]*)"([^>]*?)\/>/g, (_, label: string, rest: string) => `<path aria-label="${label}"${rest}><title>${escAttr(label)}</title></path>`);
}

export async function trendSvg(t: Trend): Promise<string> {
  // loaded when a plot is drawn (~0.25 s): a report without perf trends, and every CLI command, skip it
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(trendSpec(t)).spec), { renderer: 'none' });
  try {
    return addTitles(await view.toSVG());
  } finally {
    view.finalize();
  }
}

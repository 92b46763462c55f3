// The HTML report in a real browser: the lab's PostgreSQL holds gate runs recorded from real gate
// JUnit files (test/data/junit, one of them failed) and a perf history written by the perf
// history store (six runs, the last one 3× slower → REGRESSION); `unidesk-ci report` writes the
// page; headless Debian chromium loads it, and the test reads the rendered DOM and a screenshot.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { budgetsFromFile } from '../../harness/budgets/source.ts';
import { evaluate } from '../../harness/budgets/verdict.ts';
import { compareAndRecord } from '../../harness/report/history-run.ts';
import type { Sample } from '../../harness/perf/sample.ts';
import { openHistory } from '../../harness/report/history.ts';
import { parseJUnit } from '../../harness/report/junit-read.ts';
import { gateRunRecord } from '../../harness/report/store/gate-run-record.ts';
import { recordGateRun } from '../../harness/report/store/record.ts';
import { useLab } from '../support/lab.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const lab = useLab(['postgres']);
let dir: string;
let dom: string;
let png: PNG;

/** One perf run's samples: every budget's population, each value scaled by `factor`. */
function samples(budgets: Awaited<ReturnType<typeof budgetsFromFile>>, factor: number, seed: number): Sample[] {
  return budgets.budgets.flatMap((b) =>
    Array.from(
      { length: b.n },
      (_, i): Sample => ({
        endpoint: b.endpoint,
        path: `/api/${b.endpoint}`,
        index: i,
        cold: b.statistic === 'cold',
        startedAt: new Date().toISOString(),
        startOffsetMs: i,
        ttfbMs: 1,
        totalMs: factor * (8 + ((seed * 7 + i * 3) % 5)),
        bytes: 100,
        status: 200,
        newConnection: i === 0,
      }),
    ),
  );
}

async function chromium(args: string[]): Promise<string> {
  const r = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${join(dir, 'chromium')}`, ...args], { maxBuffer: 64 << 20, timeout: 120_000 });
  return r.stdout;
}

async function db<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: lab.env.LAB_METRICS_DATABASE_URL });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (the report is tested in a real browser)`);
  dir = await mkdtemp(join(tmpdir(), 'report-browser-'));
  const url = lab.env.LAB_METRICS_DATABASE_URL;
  // gate runs from real gate JUnit files, oldest first
  const files = (await readdir(join(ROOT, 'test/data/junit'))).sort();
  for (const [i, f] of files.entries()) {
    const xml = await readFile(join(ROOT, 'test/data/junit', f), 'utf8');
    const gate = f.replace(/(-failed)?\.xml$/, '');
    await recordGateRun(
      url,
      gateRunRecord(parseJUnit(xml), {
        runId: `browser-${i}`,
        gate,
        revision: 'master',
        startedAt: new Date(Date.UTC(2026, 11, 1, 6, i)),
        durationMs: 1000 * (i + 1),
        fingerprint: 'lab',
        flavour: 'default',
        xml,
        pipelineRun: i % 2 ? `unidesk-ci-${gate}-run${i}` : undefined,
        taskRun: i % 2 ? `unidesk-ci-${gate}-run${i}-task` : undefined,
      }),
    );
  }
  // perf history through the perf gate's own store: 5 normal runs, then a 3× slower one
  const cm = join(dir, 'budgets.yaml');
  await writeFile(cm, (await readFile(join(ROOT, 'k3s/ci/budgets.configmap.yaml'), 'utf8')).replace('trace-summary.budget-ms: "10000"', 'trace-summary.budget-ms: "30"'));
  const budgets = await budgetsFromFile(cm);
  for (let i = 1; i <= 6; i++) {
    await using store = await openHistory(url);
    const verdicts = budgets.budgets.map((b) => evaluate(b, samples(budgets, i === 6 ? 3 : 1, i), 'infra.network'));
    await compareAndRecord(store, { runId: `perf-${i}`, commit: `${i}`.repeat(40), fingerprint: 'lab', budgetsHash: budgets.hash, transport: 'direct' }, verdicts, 5);
  }
  const cli = await run(process.execPath, [join(ROOT, 'harness/cli/bin.js'), 'report', '--report-dir', join(dir, 'report')], { env: { ...process.env, UNIDESK_CI_METRICS_DATABASE_URL: url } });
  expect(cli.stdout).toContain(join(dir, 'report', 'index.html'));
  const page = `file://${join(dir, 'report', 'index.html')}`;
  dom = await chromium(['--dump-dom', page]);
  await chromium(['--window-size=1280,3000', `--screenshot=${join(dir, 'report.png')}`, page]);
  png = PNG.sync.read(await readFile(join(dir, 'report.png')));
}, 300_000);
afterAll(async () => {
  if (process.env.UNIDESK_CI_KEEP_REPORT_SCREENSHOT) await writeFile(process.env.UNIDESK_CI_KEEP_REPORT_SCREENSHOT, await readFile(join(dir, 'report.png')));
  await rm(dir, { recursive: true, force: true });
});

/** The rendered <figure> of one budget. */
const figure = (budget: string) => new RegExp(`<figure class="trend" data-budget="${budget.replace('.', '\\.')}"[\\s\\S]*?</figure>`).exec(dom)?.[0] ?? '';
const count = (html: string, layer: string) => {
  const g = new RegExp(`<g class="mark-symbol role-mark ${layer}_marks"[^>]*>([\\s\\S]*?)</g>`).exec(html);
  return g ? [...g[1].matchAll(/<path /g)].length : 0;
};

describe('unidesk-ci report in headless chromium', () => {
  test('per budget: plotted samples and run points equal what the store recorded; the budget line is drawn', async () => {
    const samplesPer = await db<{ budget: string; n: number }>(`SELECT budget, count(*)::int AS n FROM unidesk_ci.perf_samples WHERE value_ms IS NOT NULL GROUP BY budget`);
    const runsPer = await db<{ budget: string; n: number }>(`SELECT budget, count(*)::int AS n FROM unidesk_ci.perf_budgets WHERE value_ms IS NOT NULL GROUP BY budget`);
    expect(samplesPer).toHaveLength(5);
    for (const { budget, n } of samplesPer) {
      const f = figure(budget);
      expect(f, budget).not.toBe('');
      expect(count(f, 'samples'), budget).toBe(n);
      expect(count(f, 'statistic'), budget).toBe(runsPer.find((r) => r.budget === budget)!.n);
      expect(f).toMatch(/<g class="mark-rule role-mark budget_marks"[^>]*><line /);
      expect(f).toMatch(/<title>[^<]*commit: 666666666666/); // the commit of a point, on hover
    }
    expect(count(figure('overview.p95'), 'samples')).toBe(60); // 6 runs × n = 10
  });

  test('blocking vs diagnostic is marked and the 3× slower run is flagged as a regression', async () => {
    expect(figure('trace-summary')).toContain('data-tier="blocking"');
    expect(figure('trace-steps')).toContain('data-tier="diagnostic"');
    const regressions = await db<{ budget: string }>(`SELECT budget FROM unidesk_ci.perf_budgets WHERE regression ORDER BY budget`);
    expect(regressions.map((r) => r.budget)).toEqual(['overview.first-payload', 'overview.p95', 'trace-step', 'trace-steps', 'trace-summary']);
    for (const { budget } of regressions) expect(figure(budget)).toContain('1 regression flagged');
    // the slow run is over the 30 ms trace-summary budget: orange/red point, verdict in the table
    expect(figure('trace-summary')).toMatch(/perf-6[\s\S]*over budget[\s\S]*REGRESSION/);
  });

  test('the last runs per gate with verdict and class; the failed commit gate shows "input"; JUnit links resolve', async () => {
    expect(dom).toMatch(/<section class="gate" data-gate="commit">/);
    const failed = /<tr class="run" data-run="(browser-\d+)" data-verdict="failed" data-failure-class="input">([\s\S]*?)<\/tr>/.exec(dom);
    expect(failed?.[2]).toMatch(/<span class="cls">input<\/span>/);
    expect(dom).toContain('unknown revision "no-such-branch"');
    expect(dom).toMatch(/unidesk-ci-\w+-run\d \/ unidesk-ci-\w+-run\d-task/);
    const links = [...dom.matchAll(/<a href="(runs\/[^"]+\.xml)">JUnit<\/a>/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(6);
    for (const l of links) expect(await readFile(join(dir, 'report', l), 'utf8')).toMatch(/<testsuites\b/);
  });

  test("the screenshot is not blank: text, the plots' colours and the budget line's red are on it", () => {
    const colours = new Map<number, number>();
    let dark = 0;
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      colours.set((r << 16) | (g << 8) | b, (colours.get((r << 16) | (g << 8) | b) ?? 0) + 1);
      if (r + g + b < 200) dark++;
      if (r > 170 && g < 90 && b < 90) red++;
    }
    const pixels = png.width * png.height;
    expect(png.width).toBe(1280);
    expect(colours.size).toBeGreaterThan(50);
    expect(dark / pixels).toBeGreaterThan(0.002);
    expect(red).toBeGreaterThan(500);
  });
});

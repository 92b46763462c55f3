// `unidesk-ci run` writes reports/index.html at the end: from the results store when one is
// configured (this run included: its gate recorded itself), else from this run's JUnit alone.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runProcess } from '../../harness/process/run.ts';
import { childEnv, PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';
import { useLab } from '../support/lab.ts';

const lab = useLab(['postgres']);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function cliRun(env: Record<string, string | undefined>) {
  const reportDir = await mkdtemp(join(tmpdir(), 'report-run-'));
  dirs.push(reportDir);
  const r = await runProcess(
    process.execPath,
    [join(PROJECT_ROOT, 'harness/cli/bin.js'), 'run', '--local', '--lab', '--gate', 'commit', '--revision', 'broken/stale-lockfile', '--report-dir', reportDir],
    {
      cwd: PROJECT_ROOT,
      env: childEnv({ UNIDESK_CI_LAB_EXTERNAL: undefined, ...env }),
      tailLines: 100_000,
    },
  );
  const runId = /unidesk-ci run (\S+):/.exec(r.tail)?.[1];
  expect(runId, r.tail).toBeTruthy();
  expect(r.tail).toContain(`report: ${join(reportDir, 'index.html')}`);
  return { ...r, runId: runId!, html: await readFile(join(reportDir, 'index.html'), 'utf8'), reportDir };
}

describe('unidesk-ci run writes the HTML report', () => {
  test('with the results store: the page is read from the store and shows this run failed with its class', async () => {
    const r = await cliRun({ UNIDESK_CI_METRICS_DATABASE_URL: lab.env.LAB_METRICS_DATABASE_URL });
    expect(r.exitCode).toBe(20);
    expect(r.html).toContain('from the results store (schema unidesk_ci');
    expect(r.html).toMatch(new RegExp(`<tr class="run" data-run="${r.runId}" data-verdict="failed" data-failure-class="app">`));
    expect(r.html).toContain('lockfile had changes');
    expect(await readFile(join(r.reportDir, 'runs', r.runId, 'commit.xml'), 'utf8')).toBe(await readFile(join(r.reportDir, 'junit', 'commit.xml'), 'utf8'));
  }, 300_000);

  test('without a store: this run alone, saying so', async () => {
    const r = await cliRun({ UNIDESK_CI_METRICS_DATABASE_URL: undefined });
    expect(r.html).toContain('No results store configured');
    expect(r.html).toMatch(new RegExp(`data-run="${r.runId}" data-verdict="failed" data-failure-class="app"`));
    expect(r.html).toContain('<a href="runs/');
  }, 300_000);
});

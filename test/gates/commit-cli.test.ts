// `unidesk-ci run --local --lab --gate commit` end to end: the gate's own global setup starts the lab,
// the CLI prints the per-step summary and exits with the failure class's exit code.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../../harness/failure.ts';
import { runProcess } from '../../harness/process/run.ts';
import { childEnv, PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const reportDir = await mkdtemp(join(tmpdir(), 'unidesk-ci-cli-'));
  dirs.push(reportDir);
  // no lab endpoints from outside: --lab makes the gate start its own
  const env = childEnv({ UNIDESK_CI_LAB_EXTERNAL: undefined, UNIDESK_CI_REPO_URL: undefined, UNIDESK_CI_PROXY_URL: undefined, UNIDESK_CI_GIT_PASSWORD: undefined, UNIDESK_CI_GIT_USERNAME: undefined });
  const r = await runProcess(process.execPath, [join(PROJECT_ROOT, 'harness/cli/bin.js'), 'run', '--local', ...args, '--report-dir', reportDir], { cwd: PROJECT_ROOT, env, tailLines: 100_000 });
  return { ...r, reportDir, output: r.tail };
}

describe('unidesk-ci run --local --lab --gate commit', () => {
  test('passes on master: summary per step, JUnit path, exit 0, lab gone afterwards', async () => {
    const r = await cli(['--lab', '--gate', 'commit']);
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/lab: git ready in \d+ ms/);
    expect(r.output).toMatch(/gate commit: passed in [\d.]+ s, commit [0-9a-f]{40}/);
    expect(r.output).toContain('  ok   UNIDESK_D601_RUST_CHECK=1 bun scripts/cli.ts check --full --rust');
    const junit = join(r.reportDir, 'junit', 'commit.xml');
    expect(r.output).toContain(`junit: `);
    expect(r.output).toContain('junit/commit.xml');
    expect(await readFile(junit, 'utf8')).toMatch(/<testsuite [^>]*>\s*<properties>/);
    // nothing left behind: the lab's state dir and the gate's checkout are removed
    const labDir = /lab: state in (\S+)/.exec(r.output)?.[1];
    const checkout = /Cloning into '(\/\S+)\/unidesk'/.exec(r.output)?.[1];
    expect(labDir && checkout, r.output).toBeTruthy();
    expect(existsSync(labDir!)).toBe(false);
    expect(existsSync(checkout!)).toBe(false);
  });
  test('a TypeScript error: exit code of app, the failing step and the skipped ones in the summary', async () => {
    const r = await cli(['--lab', '--gate', 'commit', '--revision', 'broken/ts-error']);
    expect(r.exitCode, r.output).toBe(EXIT_CODES.app);
    expect(r.output).toContain('gate commit: FAILED (app)');
    expect(r.output).toMatch(/FAIL UNIDESK_D601_RUST_CHECK=1 bun scripts\/cli.ts check --full --rust \[app\] — /);
  });
  test('an unknown revision: exit code of input', async () => {
    const r = await cli(['--lab', '--gate', 'commit', '--revision', 'no-such-branch']);
    expect(r.exitCode, r.output).toBe(EXIT_CODES.input);
    expect(r.output).toContain('FAIL git clone and checkout of the requested revision [input]');
    expect(r.output).toContain('skip bun install --frozen-lockfile at the repo root — not run: step "git clone and checkout of the requested revision" failed (input)');
  });
});

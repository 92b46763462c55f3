import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { discoverGates, selectGates } from '../../harness/cli/gates.ts';
import { formatSummary, verdictOf } from '../../harness/cli/summary.ts';
import type { GateRun } from '../../harness/report/junit-gate-run.ts';

const root = mkdtempSync(join(tmpdir(), 'cli-gates-'));
for (const g of ['perf', 'commit', 'install', 'dev-e2e']) {
  mkdirSync(join(root, 'suites', g), { recursive: true });
  writeFileSync(join(root, 'suites', g, `${g}.test.ts`), '');
}
mkdirSync(join(root, 'suites', 'artifact')); // a folder without test files is no gate yet
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('gate discovery', () => {
  test('existing gates in run order: install, commit, artifact, perf, dev-e2e', () => {
    expect(discoverGates(root)).toEqual(['install', 'commit', 'perf', 'dev-e2e']);
    expect(selectGates(['perf', 'commit'], root)).toEqual(['commit', 'perf']);
  });
  test('the manual dev-e2e smoke runs only when named', () => {
    expect(selectGates([], root)).toEqual(['install', 'commit', 'perf']);
    expect(selectGates(['dev-e2e', 'commit'], root)).toEqual(['commit', 'dev-e2e']);
  });
  test('unknown or not-yet-existing gates are input errors', () => {
    expect(() => selectGates(['nope'], root)).toThrow(expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('unknown gate "nope"') }));
    expect(() => selectGates(['artifact'], root)).toThrow(expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('no suites yet') }));
  });
});

describe('main', () => {
  const quiet = () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    return () => {
      const text = [...err.mock.calls, ...log.mock.calls].flat().join('\n');
      err.mockRestore();
      log.mockRestore();
      return text;
    };
  };
  test.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [[], 'usage: unidesk-ci'],
    [['run', '--bogus'], "Unknown option '--bogus'"],
    [['run', '--gate'], 'argument missing'],
    [['run', '--local', '--gate', 'nope'], 'unknown gate'],
    [['run', '--gate', 'commit'], '--gate select and place local gate runs: add --local'],
    [['run', '--local', '--wait-ms', '5'], '--wait-ms belong to the Tekton run'],
    [['run', '--wait-ms', 'soon'], '--wait-ms "soon": expected a positive whole number'],
    [['run', '--output', 'yaml'], '--output "yaml": expected text or json'],
    [['status', '--runs', 'many'], '--runs "many"'],
    [['publish-backend-core', '--worktree', '.'], '--worktree belong to the local build: add --local'],
    [['run-dev-e2e', '--gate', 'x'], "Unknown option '--gate'"],
    [['run', 'extra'], 'usage: unidesk-ci run'],
    // an empty value never falls back to the default (`master`): the flag is named
    [['run', '--local', '--gate', 'nope', '--revision', ''], '--revision is empty: give it a value or leave the flag out'],
    [['run', '--revision', ''], '--revision is empty: give it a value or leave the flag out'],
    [['run-dev-e2e', '--revision', ' '], '--revision is empty: give it a value or leave the flag out'],
    [['publish-backend-core', '--commit', ''], '--commit is empty: give it a value or leave the flag out'],
    [['run', '--local', '--gate', 'commit', '--gate', ''], '--gate is empty'],
  ])(
    '%j → exit 22 (input) with a message',
    async (argv, text) => {
      const done = quiet();
      expect(await main(argv)).toBe(22);
      expect(done()).toContain(text);
      // the first case loads every command module (~3 s idle): under CI load that passed Vitest's 5 s default
    },
    60_000,
  );
  test('help exits 0', async () => {
    const done = quiet();
    expect(await main(['help'])).toBe(0);
    expect(done()).toContain('unidesk-ci run [--revision <rev>]');
  });
  test('a bad configuration variable stops before any gate runs', async () => {
    vi.stubEnv('UNIDESK_CI_WAIT_MS', 'soon');
    const done = quiet();
    try {
      expect(await main(['run', '--local', '--gate', 'commit'])).toBe(22);
      expect(done()).toContain('UNIDESK_CI_WAIT_MS="soon"');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('summary', () => {
  const run = (over: Partial<GateRun>): GateRun => ({
    gate: 'commit',
    exitCode: 1,
    output: '',
    reportDir: '/r',
    junitPath: '/r/junit/commit.xml',
    report: { suites: [] },
    steps: [],
    durationMs: 1500,
    ...over,
  });
  test('a failed step with a class gives the verdict; skipped steps show the reason', () => {
    const r = run({
      steps: [
        { name: 'clone', status: 'failed', failureClass: 'infra.auth', message: 'auth gap\nmore', properties: {} },
        { name: 'install', status: 'skipped', skippedReason: 'not run: step "clone" failed (infra.auth)', properties: {} },
      ],
    });
    expect(verdictOf(r)).toEqual({ gate: 'commit', passed: false, failureClass: 'infra.auth', unclassified: false });
    const text = formatSummary([r], '/');
    expect(text).toContain('gate commit: FAILED (infra.auth)');
    expect(text).toContain('FAIL clone [infra.auth] — auth gap');
    expect(text).toContain('skip install — not run: step "clone" failed (infra.auth)');
    expect(text).toContain('junit: r/junit/commit.xml');
  });
  test('no JUnit or a non-zero exit without failed steps is unclassified, never passed', () => {
    expect(verdictOf(run({ report: undefined }))).toMatchObject({ passed: false, unclassified: true });
    expect(verdictOf(run({ steps: [{ name: 'a', status: 'passed', properties: {} }] }))).toMatchObject({ passed: false, unclassified: true });
    expect(verdictOf(run({ exitCode: 0, steps: [{ name: 'a', status: 'passed', properties: {} }] }))).toMatchObject({ passed: true });
  });
});

describe('config', () => {
  test('--markdown lists every variable with its default; plain output masks secrets', async () => {
    const { VARIABLES } = await import('../../harness/config.ts');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('UNIDESK_CI_GIT_PASSWORD', 'config-secret-123');
    try {
      expect(await main(['config', '--markdown'])).toBe(0);
      const md = log.mock.calls.flat().join('\n');
      for (const name of Object.keys(VARIABLES)) expect(md).toContain(`| \`${name}\` |`);
      expect(md).toContain('| `UNIDESK_CI_REVISION` | `master` |');
      log.mockClear();
      expect(await main(['config'])).toBe(0);
      const plain = log.mock.calls.flat().join('\n');
      expect(plain).toContain('UNIDESK_CI_GIT_PASSWORD=(secret, set)');
      expect(plain).not.toContain('config-secret-123');
    } finally {
      vi.unstubAllEnvs();
      log.mockRestore();
    }
  });
  test('plain output masks the passwords in the proxy and perf URLs', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('UNIDESK_CI_PROXY_URL', 'http://ci:proxy-pass-9@proxy.example:18789');
    vi.stubEnv('UNIDESK_CI_PERF_BASE_URL', 'https://perf:perf-pass-7@queue.example/');
    try {
      expect(await main(['config'])).toBe(0);
      const plain = log.mock.calls.flat().join('\n');
      expect(plain).toContain('UNIDESK_CI_PROXY_URL=http://***@proxy.example:18789');
      expect(plain).toContain('UNIDESK_CI_PERF_BASE_URL=https://***@queue.example/');
      expect(plain).not.toMatch(/proxy-pass-9|perf-pass-7/);
    } finally {
      vi.unstubAllEnvs();
      log.mockRestore();
    }
  });
});

describe('summary paths', () => {
  test('JUnit outside the working directory is shown absolute', () => {
    const r: GateRun = {
      gate: 'commit',
      exitCode: 0,
      output: '',
      reportDir: '/tmp/x',
      junitPath: '/tmp/x/junit/commit.xml',
      report: { suites: [] },
      steps: [{ name: 'a', status: 'passed', properties: {} }],
      durationMs: 1,
    };
    expect(formatSummary([r], '/work/main')).toContain('junit: /tmp/x/junit/commit.xml');
    expect(formatSummary([r], '/tmp')).toContain('junit: x/junit/commit.xml');
  });
});

// The commit gate run as Tekton would run it (`vitest run --project commit`), as a child process
// against the lab's real git server and tinyproxy, judged by the JUnit it wrote.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../fixtures/lab/daemon.ts';
import { GATE_SERVICES, startLab, type Lab } from '../../fixtures/lab/index.ts';
import { runGate, type GateRun } from '../../harness/report/junit-gate-run.ts';
import { testcases } from '../../harness/report/junit-read.ts';

const STEPS = [
  'git clone and checkout of the requested revision',
  'bun install --frozen-lockfile at the repo root',
  'bun install --frozen-lockfile in src/',
  'UNIDESK_D601_RUST_CHECK=1 bun scripts/cli.ts check --full --rust',
];

let lab: Lab;
let commits: Record<string, string>;
const runs: GateRun[] = [];

beforeAll(async () => {
  lab = await startLab({ services: GATE_SERVICES.commit, log: () => undefined });
  commits = JSON.parse(lab.env.LAB_GIT_COMMITS);
});
afterAll(async () => {
  await lab?.stop();
  for (const r of runs) await rm(r.reportDir, { recursive: true, force: true });
});

async function commitGate(overrides: Record<string, string | undefined> = {}, labMode = true): Promise<GateRun> {
  const env = { ...lab.env, ...(labMode ? { UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' } : { UNIDESK_CI_LAB: '0' }), ...overrides };
  const run = await runGate({ gate: 'commit', env });
  runs.push(run);
  expect(
    run.steps.map((s) => s.name),
    run.output,
  ).toEqual(STEPS);
  return run;
}

function expectStoppedAt(run: GateRun, index: number, failureClass: string): void {
  run.steps.slice(0, index).forEach((s) => expect(s.status, `${s.name}\n${run.output}`).toBe('passed'));
  expect(run.steps[index]).toMatchObject({ status: 'failed', failureClass });
  expect(run.steps[index].properties['unidesk.failure-class']).toBe(failureClass);
  // the JUnit failure type is the class too (CiError's name)
  expect(testcases(run.report!)[index].failure?.type).toBe(failureClass);
  for (const s of run.steps.slice(index + 1)) {
    expect(s.status).toBe('skipped');
    expect(s.skippedReason).toBe(`not run: step "${STEPS[index]}" failed (${failureClass})`);
  }
  expect(run.exitCode).not.toBe(0);
}

describe('commit gate against the lab', () => {
  test('the good fixture passes every step and records the 40-hex commit (no lab knowledge needed)', async () => {
    const run = await commitGate({}, false);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.steps.every((s) => s.status === 'passed')).toBe(true);
    for (const s of run.steps) expect(s.properties).toMatchObject({ 'unidesk.gate': 'commit', 'unidesk.commit': commits.master });
    expect(run.report!.suites[0].properties).toMatchObject({ 'unidesk.gate': 'commit', 'unidesk.commit': commits.master, 'unidesk.run-id': expect.any(String) });
    const xml = await readFile(run.junitPath, 'utf8');
    expect(xml).toMatch(/<testsuite [^>]*>\s*<properties>\s*<property name="unidesk.gate" value="commit"\/>/);
  });
  test('the clone went through the egress proxy (tinyproxy log)', async () => {
    const log = await readFile(lab.env.LAB_PROXY_LOG, 'utf8');
    expect(log).toContain(`GET ${lab.env.UNIDESK_CI_REPO_URL}/info/refs?service=git-upload-pack`);
    expect(log).toContain(`POST ${lab.env.UNIDESK_CI_REPO_URL}/git-upload-pack`);
  });
  test('a tag and a short SHA resolve to their full commits', async () => {
    const run = await commitGate({ UNIDESK_CI_REVISION: commits.tag.slice(0, 9) });
    expect(run.steps[0]).toMatchObject({ status: 'passed', commit: commits.tag });
  });
  test('credentials from a mounted Secret directory (no credential variables) clone fine', async () => {
    const secretDir = await mkdtemp(join(tmpdir(), 'git-credentials-'));
    try {
      await writeFile(join(secretDir, 'username'), lab.env.UNIDESK_CI_GIT_USERNAME);
      await writeFile(join(secretDir, 'password'), `${lab.env.UNIDESK_CI_GIT_PASSWORD}\n`);
      const run = await commitGate({ UNIDESK_CI_GIT_USERNAME: undefined, UNIDESK_CI_GIT_PASSWORD: undefined, UNIDESK_CI_GIT_CREDENTIALS_DIR: secretDir, UNIDESK_CI_REVISION: 'v0.1.0' });
      expect(run.steps[0], run.output).toMatchObject({ status: 'passed', commit: commits.tag });
    } finally {
      await rm(secretDir, { recursive: true, force: true });
    }
  });
  test('wrong credentials: infra.auth, later steps skipped', async () => {
    const run = await commitGate({ UNIDESK_CI_GIT_PASSWORD: 'wrong-password-42' });
    expectStoppedAt(run, 0, 'infra.auth');
    expect(run.steps[0].message).toContain('CI infrastructure/auth gap, not an application test result');
    expect(run.steps[0].properties['unidesk.command']).toMatch(/^git ls-remote/);
    expect(run.steps[0].properties['unidesk.exit-code']).toBe('128');
    expect(run.exitCode).toBe(1);
  });
  test('no credentials at all: infra.auth', async () => {
    const run = await commitGate({ UNIDESK_CI_GIT_USERNAME: undefined, UNIDESK_CI_GIT_PASSWORD: undefined });
    expectStoppedAt(run, 0, 'infra.auth');
    expect(run.steps[0].properties['unidesk.output-tail']).toContain('terminal prompts disabled');
  });
  test('a stale src/bun.lock fails "bun install in src/" as app', async () => {
    const run = await commitGate({ UNIDESK_CI_REVISION: 'broken/stale-lockfile' });
    expectStoppedAt(run, 2, 'app');
    expect(run.steps[2].properties['unidesk.output-tail']).toContain('lockfile had changes, but lockfile is frozen');
    expect(run.steps[2].commit).toBe(commits['broken/stale-lockfile']);
  });
  test('a TypeScript error fails the check step as app, with the compiler output', async () => {
    const run = await commitGate({ UNIDESK_CI_REVISION: 'broken/ts-error' });
    expectStoppedAt(run, 3, 'app');
    expect(run.steps[3].properties['unidesk.output-tail']).toMatch(/error TS2322/);
    expect(run.steps[3].properties['unidesk.command']).toBe('bun scripts/cli.ts check --full --rust');
  });
  test('a Rust error fails the check step as app, with cargo output', async () => {
    const run = await commitGate({ UNIDESK_CI_REVISION: 'broken/rust-error' });
    expectStoppedAt(run, 3, 'app');
    expect(run.steps[3].properties['unidesk.output-tail']).toMatch(/error\[E0308\]/);
  });
  test('an unknown revision is input', async () => {
    const run = await commitGate({ UNIDESK_CI_REVISION: 'no-such-branch' });
    expectStoppedAt(run, 0, 'input');
    expect(run.steps[0].message).toContain('unknown revision');
  });
  test('a dead proxy port is infra.network', async () => {
    const run = await commitGate({ UNIDESK_CI_PROXY_URL: `http://127.0.0.1:${await freePort()}` });
    expectStoppedAt(run, 0, 'infra.network');
  });
  test('no repository configured is input, naming the variable', async () => {
    const run = await commitGate({ UNIDESK_CI_REPO_URL: undefined });
    expectStoppedAt(run, 0, 'input');
    expect(run.steps[0].message).toContain('UNIDESK_CI_REPO_URL');
  });
  test('no credential string appears in any report or output', async () => {
    expect(runs.length).toBeGreaterThanOrEqual(8);
    const user = lab.env.UNIDESK_CI_GIT_USERNAME;
    const secrets = [
      lab.env.UNIDESK_CI_GIT_PASSWORD,
      'wrong-password-42',
      Buffer.from(`${user}:${lab.env.UNIDESK_CI_GIT_PASSWORD}`).toString('base64'),
      Buffer.from(`${user}:wrong-password-42`).toString('base64'),
    ];
    for (const run of runs) {
      const texts = [run.output];
      for (const f of await readdir(run.reportDir, { recursive: true, withFileTypes: true })) {
        if (f.isFile()) texts.push(await readFile(join(f.parentPath, f.name), 'utf8'));
      }
      expect(texts.length).toBeGreaterThan(1);
      for (const t of texts) for (const s of secrets) expect(t.includes(s), `secret leaked in ${run.reportDir}`).toBe(false);
    }
  });
});

// `unidesk-ci install --lab` end to end: k3s/ci applied by server-side apply, images prewarmed,
// installation verified — the install gate with UNIDESK_CI_APPLY_MANIFESTS=1 — and bad flags refused.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../../harness/failure.ts';
import { runProcess } from '../../harness/process/run.ts';
import { childEnv, PROJECT_ROOT } from '../../harness/report/junit-gate-run.ts';
import { readJUnit, testcases } from '../../harness/report/junit-read.ts';
import { GATE_SERVICES, startLab } from '../../fixtures/lab/index.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function cli(args: string[], labEnv?: Record<string, string>) {
  const reportDir = await mkdtemp(join(tmpdir(), 'unidesk-ci-install-cli-'));
  dirs.push(reportDir);
  const env = labEnv
    ? childEnv({ ...labEnv, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_APPLY_MANIFESTS: undefined })
    : childEnv({ UNIDESK_CI_LAB_EXTERNAL: undefined, UNIDESK_CI_KUBECONFIG: undefined, UNIDESK_CI_APPLY_MANIFESTS: undefined });
  const r = await runProcess(process.execPath, [join(PROJECT_ROOT, 'harness/cli/bin.js'), 'install', ...args, '--report-dir', reportDir], { cwd: PROJECT_ROOT, env, tailLines: 100_000 });
  return { ...r, reportDir, output: r.tail };
}

// one lab and one first install serve both tests (an install pushes and prewarms a 1.5 GB image);
// the lab is started here rather than by `--lab`, so the second install meets the same registry
// (the gate under `--lab` is the install gate with UNIDESK_CI_LAB=1, run by test/gates/install.test.ts)
let lab: Awaited<ReturnType<typeof startLab>> | undefined;
let firstInstall: ReturnType<typeof cli> | undefined;
const installed = async () => {
  lab ??= await startLab({ services: GATE_SERVICES.install, log: () => undefined });
  return { lab, first: await (firstInstall ??= cli([], lab.env)) };
};
afterAll(async () => {
  await lab?.stop();
});

describe('unidesk-ci install --lab', () => {
  test('applies k3s/ci, prewarms every listed image and verifies the installation: exit 0', { timeout: 900_000 }, async () => {
    const r = (await installed()).first;
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/setup: applied k3s\/ci in \d+ ms/);
    expect(r.output).toMatch(/gate install: passed/);
    // the closing table: every applied object with what applying did to it
    expect(r.output).toMatch(/^k3s\/ci as applied:\n {2}OBJECT +RESULT\n/m);
    expect(r.output).toMatch(/^ {2}Pipeline unidesk-ci\/unidesk-ci-commit +(created|changed|unchanged)$/m);
    expect(r.output).toMatch(/^ {2}\d+ created, \d+ changed, \d+ unchanged$/m);
    const report = await readJUnit(join(r.reportDir, 'junit', 'install.xml'));
    const cases = testcases(report);
    expect(cases.length).toBeGreaterThan(5);
    expect(cases.filter((c) => c.status !== 'passed').map((c) => c.name)).toEqual([]);
    const prewarm = cases.find((c) => /prewarmed/.test(c.name));
    expect(prewarm, cases.map((c) => c.name).join('\n')).toBeDefined();
    expect(Number(prewarm!.properties['unidesk.prewarm-images'])).toBeGreaterThanOrEqual(5);
    expect(prewarm!.properties['unidesk.prewarm-1-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await readFile(join(r.reportDir, 'junit', 'install.xml'), 'utf8')).toContain('name="unidesk.gate" value="install"');
  });

  test('a second install against the same registry with nothing changed reuses the step image: no build, seconds', { timeout: 900_000 }, async () => {
    const { lab, first } = await installed();
    const stepImageCase = async (r: { reportDir: string }) => testcases(await readJUnit(join(r.reportDir, 'junit', 'install.xml'))).find((c) => /step image/.test(c.name))!;
    expect(first.exitCode, first.output).toBe(0);
    const a = (await stepImageCase(first)).properties;
    // install made sure of the step image before global setup applied k3s/ci
    expect(first.output.search(/step image: /), first.output).toBeGreaterThanOrEqual(0);
    expect(first.output.search(/step image: /)).toBeLessThan(first.output.search(/setup: applied k3s\/ci/));
    expect(['built', 'reused']).toContain(a['unidesk.step-image-action']);
    const second = await cli([], lab.env);
    expect(second.exitCode, second.output).toBe(0);
    const b = (await stepImageCase(second)).properties;
    expect(b['unidesk.step-image-action']).toBe('reused');
    expect(b['unidesk.step-image-digest']).toBe(a['unidesk.step-image-digest']);
    expect(Number(b['unidesk.step-image-duration-ms'])).toBeLessThan(10_000);
    expect(second.output).toMatch(/step image: \S+ is served as sha256:[a-f0-9]{64} with [a-f0-9]{12}; reused, nothing built/);
    expect(second.output).not.toMatch(/step image build: STEP/);
  });

  test('an unknown flag is a usage error with the exit code of input, and nothing runs', async () => {
    const r = await cli(['--lab', '--force']);
    expect(r.exitCode, r.output).toBe(EXIT_CODES.input);
    expect(r.output).toContain('usage: unidesk-ci install');
    expect(r.output).not.toMatch(/gate install/);
  });
});

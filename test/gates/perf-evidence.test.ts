// The perf gate's evidence (harness/vitest/gate.ts `onFailure`): a failed step saves the read
// service's pod logs, events and objects under diagnostics/ before the gate deletes the service.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { GATE_SERVICES } from '../../fixtures/lab/index.ts';
import { connectKube, isNotFound } from '../../harness/kube/index.ts';
import { runGate } from '../../harness/report/junit-gate-run.ts';
import { useLab } from '../support/lab.ts';

const lab = useLab(GATE_SERVICES.perf);
const dir = await mkdtemp(join(tmpdir(), 'perf-evidence-test-'));
afterAll(async () => {
  delete process.env.LAB_CODE_QUEUE_FAULTS_FILE;
  await rm(dir, { recursive: true, force: true });
});

test('a failed budget saves the read service pod logs and events before the service is deleted', async () => {
  // the lab's code-queue pod runner hands this file to the service it starts
  process.env.LAB_CODE_QUEUE_FAULTS_FILE = join(dir, 'faults.json');
  await writeFile(process.env.LAB_CODE_QUEUE_FAULTS_FILE, JSON.stringify({ overview: { status: 500 } }));
  const run = await runGate({ gate: 'perf', reportDir: join(dir, 'reports'), env: { ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' } });
  expect(run.steps.find((s) => s.name.startsWith('budget overview.p95'))?.status, run.output).toBe('failed');
  const saved = (await readdir(join(run.reportDir, 'diagnostics'), { recursive: true })).map(String);
  const ns = saved.find((f) => f.endsWith('unidesk-ci/events.yaml'));
  expect(ns, saved.join(' ')).toBeDefined();
  expect(
    saved.some((f) => /unidesk-ci\/logs\/code-queue-ci-read-[^/]+\.log$/.test(f)),
    saved.join(' '),
  ).toBe(true);
  // saved while it ran: the dump has the Deployment the gate deleted afterwards
  expect(await readFile(join(run.reportDir, 'diagnostics', ns!.replace('events.yaml', 'objects.yaml')), 'utf8')).toMatch(/name: code-queue-ci-read\n/);
  expect(run.output).toMatch(/diagnostics: namespace unidesk-ci saved to/);
  const kube = connectKube({ kubeconfig: lab.env.UNIDESK_CI_KUBECONFIG, runId: 'perf-evidence-test', log: () => undefined });
  const gone = await kube.apps.readNamespacedDeployment({ name: 'code-queue-ci-read', namespace: 'unidesk-ci' }).then(
    () => undefined,
    (e) => e,
  );
  expect(isNotFound(gone)).toBe(true);
});

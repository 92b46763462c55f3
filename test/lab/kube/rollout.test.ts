// Rollout poll against the double: reads only the Deployment main resource, prints progress
// lines, succeeds once available, fails fast (infra.cluster) on ProgressDeadlineExceeded and
// times out with the last status.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyObject, deleteAndWait, refOf, waitForRollout } from '../../../harness/kube/index.ts';
import { deployment, namespace, registerTestImages, startKubeLab, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
let unregister: () => void;
beforeAll(async () => {
  unregister = registerTestImages();
  lab = await startKubeLab();
  await lab.adminApply(namespace('unidesk-ci'));
});
afterAll(async () => {
  unregister?.();
  await lab?.[Symbol.asyncDispose]();
});

test('rolls out, with progress lines, reading only the main resource', async () => {
  const lines: string[] = [];
  const kube = lab.kube('roll1', (l) => lines.push(l));
  lab.double.deployments.setReadinessDelayMs(800);
  const since = lab.double.requests().at(-1)?.seq ?? 0;
  await applyObject(kube, deployment('web', 'unidesk-ci', 'lab-test/web:1.0', 2));
  const d = await waitForRollout(kube, 'unidesk-ci', 'web', { timeoutMs: 60_000, intervalMs: 50 });
  lab.double.deployments.setReadinessDelayMs(0);
  expect(d.status?.availableReplicas).toBe(2);
  expect(lines.filter((l) => l.startsWith('rollout Deployment unidesk-ci/web: ')).length).toBeGreaterThan(0);
  expect(lines.some((l) => /rollout Deployment unidesk-ci\/web: \d of 2 updated replicas are available/.test(l))).toBe(true);
  const paths = lab.double.requests(since).map((r) => r.path);
  expect(paths.filter((p) => p.includes('/status'))).toEqual([]);
  expect(paths).toContain('/apis/apps/v1/namespaces/unidesk-ci/deployments/web');
  expect(await deleteAndWait(kube, refOf(deployment('web', 'unidesk-ci', 'x:1')))).toBe(true);
  expect(await deleteAndWait(kube, refOf(deployment('web', 'unidesk-ci', 'x:1')))).toBe(false);
});

test('ProgressDeadlineExceeded fails at once, as infra.cluster', async () => {
  const kube = lab.kube('roll2');
  await applyObject(kube, deployment('stuck', 'unidesk-ci', 'nobody-serves/this:1.0'));
  const started = Date.now();
  const waiting = waitForRollout(kube, 'unidesk-ci', 'stuck', { timeoutMs: 120_000, intervalMs: 50 });
  setTimeout(() => void lab.double.deployments.setProgressDeadlineExceeded('unidesk-ci', 'stuck'), 300);
  await expect(waiting).rejects.toMatchObject({
    failureClass: 'infra.cluster',
    message: expect.stringMatching(/^rollout of Deployment unidesk-ci\/stuck failed: deployment "stuck" exceeded its progress deadline/),
  });
  expect(Date.now() - started).toBeLessThan(30_000);
});

test('a rollout that never finishes times out naming the last status; an abort stops the wait', async () => {
  const kube = lab.kube('roll3');
  await applyObject(kube, deployment('slow', 'unidesk-ci', 'nobody-serves/this:1.0'));
  await expect(waitForRollout(kube, 'unidesk-ci', 'slow', { timeoutMs: 600, intervalMs: 50 })).rejects.toThrow(
    'rollout Deployment unidesk-ci/slow: still 0 of 1 updated replicas are available after 600 ms',
  );
  const ac = new AbortController();
  setTimeout(() => ac.abort('teardown'), 200);
  await expect(waitForRollout(kube, 'unidesk-ci', 'slow', { timeoutMs: 60_000, signal: ac.signal })).rejects.toThrow(/aborted \(teardown\)/);
});

// Retries of transient API failures (harness/kube/retry.ts) against the double's request faults:
// idempotent requests (read, server-side apply, delete) are sent again within the bounds, a create
// never; the request log counts what reached the server.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { labClusterAdmin, type LabClusterAdmin } from '../../../fixtures/lab/cluster/admin-client.ts';
import { CiError } from '../../../harness/failure.ts';
import { applyObject, deleteAndWait, kubeError, waitForRollout, write } from '../../../harness/kube/index.ts';
import { RETRY } from '../../../harness/kube/retry-policy.ts';
import { configMap, namespace, startKubeLab, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
let faults: LabClusterAdmin;
beforeAll(async () => {
  lab = await startKubeLab();
  faults = labClusterAdmin(lab.double.url, lab.double.adminToken, lab.double.caPem);
  await lab.adminApply(namespace('unidesk-ci'));
});
afterEach(() => faults.clearFaults());
afterAll(() => lab?.[Symbol.asyncDispose]());

const seq = () => lab.double.requests().at(-1)?.seq ?? 0;
const seen = (since: number, method: string, path: RegExp) =>
  lab.double
    .requests(since)
    .filter((r) => r.method === method && path.test(r.path))
    .map((r) => r.code);

describe('transient API failures', () => {
  test('a read that meets two 503s succeeds on the third attempt', async () => {
    await lab.adminApply(configMap('read-me', 'unidesk-ci'));
    await faults.addFault({ method: 'GET', path: '/configmaps/read-me$', status: 503, count: 2 });
    const since = seq();
    const cm = await lab.kube().core.readNamespacedConfigMap({ name: 'read-me', namespace: 'unidesk-ci' });
    expect(cm.data).toEqual({ a: '1' });
    expect(seen(since, 'GET', /\/configmaps\/read-me$/)).toEqual([503, 503, 200]);
  });

  test('a connection reset during a read is retried', async () => {
    await lab.adminApply(configMap('reset-me', 'unidesk-ci'));
    await faults.addFault({ method: 'GET', path: '/configmaps/reset-me$', count: 1 });
    const since = seq();
    const cm = await lab.kube().core.readNamespacedConfigMap({ name: 'reset-me', namespace: 'unidesk-ci' });
    expect(cm.metadata?.name).toBe('reset-me');
    expect(seen(since, 'GET', /\/configmaps\/reset-me$/)).toEqual([0, 200]);
  });

  test('a server-side apply that meets a 429 with Retry-After: 1 waits about a second and succeeds', async () => {
    await faults.addFault({ method: 'PATCH', path: '/configmaps/apply-me\\?', status: 429, retryAfter: '1', count: 1 });
    const since = seq();
    const started = Date.now();
    const r = await applyObject(lab.kube(), configMap('apply-me', 'unidesk-ci', { b: '2' }));
    const took = Date.now() - started;
    expect(r).toMatchObject({ object: 'ConfigMap unidesk-ci/apply-me', outcome: 'created' });
    expect(seen(since, 'PATCH', /\/configmaps\/apply-me\?/)).toEqual([429, 201]);
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(1000 + 2000);
  });

  test('a create (POST) that meets a 503 is sent once and fails with its class', async () => {
    await faults.addFault({ method: 'POST', path: '/configmaps$', status: 503, count: 1 });
    const since = seq();
    const kube = lab.kube();
    const body = configMap('create-me', 'unidesk-ci');
    const err = await write(kube, { verb: 'create', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'create-me', namespace: 'unidesk-ci' }, object: body }, () =>
      kube.objects.create(structuredClone(body)),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiError);
    expect((err as CiError).failureClass).toBe('infra.cluster');
    expect((err as Error).message).toBe('create ConfigMap unidesk-ci/create-me: HTTP 503 ServiceUnavailable: lab fault: ServiceUnavailable');
    expect(seen(since, 'POST', /\/configmaps$/)).toEqual([503]);
    expect(lab.double.objects().some((o) => o.metadata.name === 'create-me')).toBe(false);
  });

  test('a delete that meets a 503 is sent again, and the object is gone', async () => {
    await lab.adminApply(configMap('delete-me', 'unidesk-ci'));
    await faults.addFault({ method: 'DELETE', path: '/configmaps/delete-me(\\?|$)', status: 503, count: 1 });
    const since = seq();
    expect(await deleteAndWait(lab.kube(), { apiVersion: 'v1', kind: 'ConfigMap', name: 'delete-me', namespace: 'unidesk-ci' }, { timeoutMs: 10_000 })).toBe(true);
    expect(seen(since, 'DELETE', /\/configmaps\/delete-me(\?|$)/)).toEqual([503, 200]);
  });

  test('a read inside a poll that meets 503 for good gives up after the max attempts, saying so', async () => {
    await faults.addFault({ method: 'GET', path: '/deployments/never$', status: 503, count: null });
    const since = seq();
    const started = Date.now();
    const err = await waitForRollout(lab.kube(), 'unidesk-ci', 'never', { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiError);
    expect((err as CiError).failureClass).toBe('infra.cluster');
    expect((err as Error).message).toMatch(/^read Deployment unidesk-ci\/never: after 5 attempts over \d+\.\d s: HTTP 503 ServiceUnavailable: lab fault: ServiceUnavailable$/);
    expect(seen(since, 'GET', /\/deployments\/never$/)).toEqual(Array(RETRY.maxAttempts).fill(503));
    expect(Date.now() - started).toBeLessThan(RETRY.maxTotalMs + 2000);
  });

  test('the fault admin API refuses a path that is not a regular expression', async () => {
    await expect(faults.addFault({ method: 'GET', path: '(', status: 503, count: 1 })).rejects.toThrow(/HTTP 400: .*is not a regular expression/);
  });

  test('kubeError of a give-up names the attempts; a plain 404 after no retry does not', async () => {
    await faults.addFault({ method: 'GET', path: '/configmaps/busy$', status: 429, retryAfter: '0', count: null });
    const err = await lab
      .kube()
      .core.readNamespacedConfigMap({ name: 'busy', namespace: 'unidesk-ci' })
      .catch((e: unknown) => e);
    expect(kubeError(err, 'read ConfigMap unidesk-ci/busy').message).toMatch(/^read ConfigMap unidesk-ci\/busy: after 5 attempts over \d+\.\d s: HTTP 429 TooManyRequests/);
    await faults.clearFaults();
    const missing = await lab
      .kube()
      .core.readNamespacedConfigMap({ name: 'busy', namespace: 'unidesk-ci' })
      .catch((e: unknown) => e);
    expect(kubeError(missing, 'read ConfigMap unidesk-ci/busy').message).toMatch(/^read ConfigMap unidesk-ci\/busy: HTTP 404 NotFound/);
  });
});

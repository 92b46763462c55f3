// The run namespace: created labelled and expiring, objects torn down in reverse order waiting
// for each deletion (also while the namespace stays Terminating), diagnostics saved before
// deletion on failure, and the janitor removing only expired run namespaces.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyObject, createRunNamespace, deleteExpiredRunNamespaces, refOf, waitForRollout } from '../../../harness/kube/index.ts';
import { configMap, deployment, namespace, registerTestImages, startKubeLab, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
let reports: string;
let unregister: () => void;
beforeAll(async () => {
  unregister = registerTestImages();
  lab = await startKubeLab();
  reports = await mkdtemp(join(tmpdir(), 'kube-ns-'));
});
afterAll(async () => {
  unregister?.();
  await lab?.[Symbol.asyncDispose]();
  await rm(reports, { recursive: true, force: true });
});
const stored = (kind: string, name: string) => lab.double.objects().find((o) => o.kind === kind && o.metadata.name === name);

describe('run namespace', () => {
  test('await using: labelled with the run id, expiring; teardown in reverse order, waiting', async () => {
    const lines: string[] = [];
    const kube = lab.kube('ns1', (l) => lines.push(l));
    {
      await using ns = await createRunNamespace(kube, { reportDir: reports, ttlMs: 60_000, handleSignals: false });
      expect(ns.name).toBe('unidesk-ci-e2e-ns1');
      const live = stored('Namespace', ns.name)!;
      expect(live.metadata.labels).toMatchObject({ 'unidesk.ai/ci-run': 'ns1' });
      const expires = Date.parse(live.metadata.annotations!['unidesk.ai/ci-expires-at']!);
      expect(expires - Date.now()).toBeGreaterThan(50_000);
      for (const o of [configMap('first', ns.name), configMap('second', ns.name)]) {
        await applyObject(kube, o);
        ns.track(refOf(o));
      }
      lab.double.namespaces.setFinalizeDelayMs(1500);
    }
    lab.double.namespaces.setFinalizeDelayMs(100);
    expect(stored('Namespace', 'unidesk-ci-e2e-ns1')).toBeUndefined();
    const order = lab.double
      .requests()
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.path.split('?')[0]);
    expect(order.slice(-3)).toEqual(['/api/v1/namespaces/unidesk-ci-e2e-ns1/configmaps/second', '/api/v1/namespaces/unidesk-ci-e2e-ns1/configmaps/first', '/api/v1/namespaces/unidesk-ci-e2e-ns1']);
    expect(lines).toContain('delete Namespace unidesk-ci-e2e-ns1: terminating (0 s)');
    expect(lines.at(-1)).toBe('namespace: unidesk-ci-e2e-ns1 deleted');
    // the run namespace is no longer writable by this run
    await expect(applyObject(kube, configMap('late', 'unidesk-ci-e2e-ns1'))).rejects.toThrow(/write guard: refused/);
  });

  test('on failure, events, pod logs and object YAML are saved before deletion', async () => {
    const kube = lab.kube('ns2');
    const ns = await createRunNamespace(kube, { reportDir: reports, handleSignals: false });
    await applyObject(kube, deployment('web', ns.name, 'lab-test/web:1.0'));
    await waitForRollout(kube, ns.name, 'web', { timeoutMs: 30_000 });
    await lab.adminApply({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: ns.name },
      involvedObject: { kind: 'Deployment', name: 'web' },
      reason: 'Failed',
      type: 'Warning',
      message: 'Back-off pulling image',
    } as never);
    const pod = lab.double.objects().find((o) => o.kind === 'Pod' && o.metadata.namespace === ns.name)!;
    lab.double.pods.appendLog(ns.name, pod.metadata.name!, 'main', `boom: the token is ${lab.double.adminToken}\n`);
    ns.markFailed();
    await ns.teardown();
    const dir = join(reports, 'diagnostics', 'ns2', ns.name);
    expect(await readFile(join(dir, 'events.yaml'), 'utf8')).toMatch(/reason: Failed[\s\S]*Back-off pulling image/);
    expect(await readFile(join(dir, 'objects.yaml'), 'utf8')).toMatch(/kind: Deployment[\s\S]*name: web/);
    const log = await readFile(join(dir, 'logs', `${pod.metadata.name}.main.log`), 'utf8');
    expect(log).toContain('started lab-test/web:1.0');
    // the kubeconfig's token is registered as a secret when the client loads it
    expect(log).toContain('boom: the token is ***');
    expect(log).not.toContain(lab.double.adminToken);
    expect(stored('Namespace', ns.name)).toBeUndefined();
  });

  test('without failure no diagnostics are written', async () => {
    const kube = lab.kube('ns3');
    const ns = await createRunNamespace(kube, { reportDir: reports, handleSignals: false });
    await ns.teardown();
    expect(existsSync(join(reports, 'diagnostics', 'ns3'))).toBe(false);
  });

  test('a reused run id is a clear error, not an adoption of the old namespace', async () => {
    await lab.adminApply(namespace('unidesk-ci-e2e-ns4', { 'unidesk.ai/ci-run': 'ns4' }));
    await expect(createRunNamespace(lab.kube('ns4'), { reportDir: reports, handleSignals: false })).rejects.toMatchObject({
      failureClass: 'infra.cluster',
      message: 'namespace unidesk-ci-e2e-ns4 already exists: run id ns4 was used before; pick a new UNIDESK_CI_RUN_ID',
    });
  });
});

describe('janitor', () => {
  test('deletes expired run namespaces only', async () => {
    const past = { 'unidesk.ai/ci-expires-at': new Date(Date.now() - 60_000).toISOString() };
    const future = { 'unidesk.ai/ci-expires-at': new Date(Date.now() + 3600_000).toISOString() };
    await lab.adminApply(namespace('unidesk-ci-e2e-old1', { 'unidesk.ai/ci-run': 'old1' }, past));
    await lab.adminApply(namespace('unidesk-ci-e2e-new1', { 'unidesk.ai/ci-run': 'new1' }, future));
    await lab.adminApply(namespace('unidesk-ci-e2e-liar', { 'unidesk.ai/ci-run': 'someone' }, past));
    await lab.adminApply(namespace('unidesk-dev', { 'unidesk.ai/ci-run': 'dev' }, past));
    const kube = lab.kube('jan1');
    const since = lab.double.requests().at(-1)?.seq ?? 0;
    const result = await deleteExpiredRunNamespaces(kube);
    expect(result.deleted).toEqual(['unidesk-ci-e2e-old1']);
    expect(result.kept).toEqual(expect.arrayContaining(['unidesk-ci-e2e-new1', 'unidesk-ci-e2e-liar']));
    expect(result.kept).not.toContain('unidesk-dev');
    const deleted = lab.double
      .requests(since)
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.path.split('?')[0]);
    expect(deleted.filter((p) => p.startsWith('/api/v1/namespaces/') && p.split('/').length === 5)).toEqual(['/api/v1/namespaces/unidesk-ci-e2e-old1']);
    expect(lab.lines.some((l) => l.startsWith('janitor: deleted expired namespace unidesk-ci-e2e-old1'))).toBe(true);
  });
});

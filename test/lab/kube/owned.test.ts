// Fixed-name objects owned by one run (harness/kube/owned.ts) against the cluster double: another
// run's object is neither taken over nor deleted; a replacement created between the read and the
// delete survives (uid precondition); this run's own object is created, re-applied and deleted.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CiError } from '../../../harness/failure.ts';
import { claimObject, deleteOwned } from '../../../harness/kube/owned.ts';
import type { Manifest } from '../../../harness/kube/index.ts';
import { configMap, namespace, startKubeLab, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
beforeAll(async () => {
  lab = await startKubeLab();
  await lab.adminApply(namespace('unidesk-ci'));
});
afterAll(() => lab[Symbol.asyncDispose]());

const owned = (name: string, run: string, data = { a: '1' }): Manifest => {
  const m = configMap(name, 'unidesk-ci', data);
  m.metadata.labels = { 'unidesk.ai/ci-run': run };
  return m;
};
const live = (name: string) => lab.double.objects().find((o) => o.kind === 'ConfigMap' && o.metadata.name === name && o.metadata.namespace === 'unidesk-ci');
const ref = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'unidesk-ci' });

describe('objects owned by one run', () => {
  test("another run's object is not taken over: infra.cluster naming that run, object untouched", async () => {
    await lab.adminApply(owned('held', 'run-a'));
    const before = live('held')!;
    const err = await claimObject(lab.kube('run-b'), owned('held', 'run-b', { a: '2' }), 'another perf run is in progress').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiError);
    expect((err as CiError).failureClass).toBe('infra.cluster');
    expect((err as Error).message).toMatch(/ConfigMap unidesk-ci\/held belongs to run run-a, not this run run-b: another perf run is in progress/);
    expect(live('held')).toMatchObject({ metadata: { uid: before.metadata.uid, resourceVersion: before.metadata.resourceVersion }, data: { a: '1' } });
  });

  test('an object without a run label is not taken over either', async () => {
    await lab.adminApply(configMap('unlabelled', 'unidesk-ci'));
    await expect(claimObject(lab.kube('run-b'), owned('unlabelled', 'run-b'), 'busy')).rejects.toThrow(/belongs to no CI run/);
  });

  test("another run's object is not deleted", async () => {
    await lab.adminApply(owned('theirs', 'run-a'));
    const uid = live('theirs')!.metadata.uid;
    expect(await deleteOwned(lab.kube('run-b'), ref('theirs'), { timeoutMs: 10_000 })).toBe('foreign');
    expect(live('theirs')?.metadata.uid).toBe(uid);
  });

  test('replaced by another run between the read and the delete → the uid precondition keeps the replacement', async () => {
    await lab.adminApply(owned('swapped', 'run-b'));
    const kube = lab.kube('run-b');
    // the swap happens right before the DELETE is sent (after deleteOwned read the old uid)
    const del = kube.objects.delete.bind(kube.objects);
    kube.objects.delete = (async (...args: Parameters<typeof del>) => {
      await lab.admin.delete(structuredClone(owned('swapped', 'run-b')));
      await lab.admin.create(structuredClone(owned('swapped', 'run-a')));
      return del(...args);
    }) as typeof del;
    expect(await deleteOwned(kube, ref('swapped'), { timeoutMs: 10_000 })).toBe('foreign');
    expect(live('swapped')?.metadata.labels?.['unidesk.ai/ci-run']).toBe('run-a');
  });

  test("this run's own object: created, re-applied, deleted and waited for", async () => {
    const kube = lab.kube('run-c');
    expect(await claimObject(kube, owned('mine', 'run-c'), 'busy')).toBe('created');
    expect(await claimObject(kube, owned('mine', 'run-c', { a: '3' }), 'busy')).toBe('applied');
    expect(live('mine')?.data).toEqual({ a: '3' });
    expect(await deleteOwned(kube, ref('mine'), { timeoutMs: 10_000 })).toBe('deleted');
    expect(live('mine')).toBeUndefined();
    expect(await deleteOwned(kube, ref('mine'), { timeoutMs: 10_000 })).toBe('absent');
  });
});

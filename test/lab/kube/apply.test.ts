// Server-side apply of k3s/ci against the double (with the lab's Tekton CRDs): the first apply
// creates every object, a second reports every object unchanged, an edited object is reported
// changed, and the objects are managed by field manager unidesk-ci.
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyManifests, loadManifests, summarize } from '../../../harness/kube/index.ts';
import { REPO_ROOT } from '../../../harness/tekton/index.ts';
import { startKubeLab, type KubeLab } from './support.ts';

const K3S_CI = join(REPO_ROOT, 'k3s/ci');
let lab: KubeLab & AsyncDisposable;
let dir: string;
beforeAll(async () => {
  lab = await startKubeLab({ tekton: true });
  dir = await mkdtemp(join(tmpdir(), 'kube-apply-'));
});
afterAll(async () => {
  await lab?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

test('apply k3s/ci: created, then unchanged, then only the edited object changed', async () => {
  const kube = lab.kube('apply1');
  const count = (await loadManifests(K3S_CI)).length;
  const first = await applyManifests(kube, K3S_CI);
  expect(summarize(first)).toEqual({ created: count, changed: 0, unchanged: 0 });
  expect(lab.lines).toContain('apply: ConfigMap unidesk-ci/unidesk-ci-budgets created');

  const second = await applyManifests(kube, K3S_CI);
  expect(summarize(second)).toEqual({ created: 0, changed: 0, unchanged: count });

  await cp(K3S_CI, dir, { recursive: true });
  const budgets = join(dir, 'budgets.configmap.yaml');
  await writeFile(budgets, (await readFile(budgets, 'utf8')).replace('trace-summary.budget-ms: "10000"', 'trace-summary.budget-ms: "9000"'));
  const third = await applyManifests(kube, dir);
  expect(third.filter((r) => r.outcome !== 'unchanged')).toEqual([expect.objectContaining({ object: 'ConfigMap unidesk-ci/unidesk-ci-budgets', outcome: 'changed' })]);

  const stored = lab.double.objects().find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'unidesk-ci-budgets')!;
  expect((stored as unknown as { data: Record<string, string> }).data['trace-summary.budget-ms']).toBe('9000');
  expect(stored.metadata.managedFields?.map((f: { manager?: string; operation?: string }) => `${f.manager}/${f.operation}`)).toEqual(['unidesk-ci/Apply']);
});

test('a field another manager owns is taken over (force), not a silent conflict', async () => {
  const kube = lab.kube('apply2');
  await applyManifests(kube, K3S_CI);
  await lab.adminApply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unidesk-ci-budgets', namespace: 'unidesk-ci' }, data: { 'overview.p95.samples': '3' } } as never);
  const again = await applyManifests(kube, K3S_CI);
  expect(again.filter((r) => r.outcome !== 'unchanged').map((r) => r.object)).toEqual(['ConfigMap unidesk-ci/unidesk-ci-budgets']);
  const stored = lab.double.objects().find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'unidesk-ci-budgets') as unknown as { data: Record<string, string> };
  expect(stored.data['overview.p95.samples']).toBe('10');
});

test('a manifest the server rejects is an input error naming the object', async () => {
  const kube = lab.kube('apply3');
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: unidesk-ci}\nspec: {template: {}}\n');
  await expect(applyManifests(kube, bad)).rejects.toMatchObject({ failureClass: 'input', message: expect.stringMatching(/^apply Deployment unidesk-ci\/broken: HTTP 422 Invalid: .*selector/) });
  await writeFile(bad, 'apiVersion: example.com/v1\nkind: Nope\nmetadata: {name: x, namespace: unidesk-ci}\n');
  await expect(applyManifests(kube, bad)).rejects.toThrow(/example\.com\/v1 Nope/);
});

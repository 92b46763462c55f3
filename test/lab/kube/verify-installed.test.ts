// The install gate's verification of k3s/ci against the double: read only (the request log shows no
// write), drift is infra.cluster naming the object and the field, a missing object names it, and
// the drifted value is left as it is (repairing is `unidesk-ci install`'s job).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applyObjects, loadManifests, verifyInstalled, type Manifest } from '../../../harness/kube/index.ts';
import { REPO_ROOT } from '../../../harness/tekton/index.ts';
import { startKubeLab, writes, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
let objects: Manifest[];
beforeAll(async () => {
  lab = await startKubeLab({ tekton: true });
  objects = (await loadManifests(join(REPO_ROOT, 'k3s/ci'))).map((m) => m.object);
  await applyObjects(lab.kube('verify0'), objects);
});
afterAll(() => lab?.[Symbol.asyncDispose]());

const budgets = () => structuredClone(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'unidesk-ci-budgets')!) as Manifest & { data: Record<string, string> };
const live = () => lab.double.objects().find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'unidesk-ci-budgets') as unknown as { data: Record<string, string> };

test('as committed: every object is read, none is written', async () => {
  const since = lab.double.requests().at(-1)?.seq ?? 0;
  expect(await verifyInstalled(lab.kube('verify1'), objects)).toBe(objects.length);
  expect(writes(lab.double, since)).toEqual([]);
});

test('drift is infra.cluster naming object and field, and is not repaired', async () => {
  const edited = budgets();
  const key = Object.keys(edited.data)[0]!;
  const committed = edited.data[key];
  edited.data[key] = `${committed}0`;
  await lab.adminApply(edited);
  const since = lab.double.requests().at(-1)?.seq ?? 0;
  await expect(verifyInstalled(lab.kube('verify2'), objects)).rejects.toMatchObject({
    failureClass: 'infra.cluster',
    message: `k3s/ci is not installed as committed: ConfigMap unidesk-ci/unidesk-ci-budgets differs at data.${key} (run \`unidesk-ci install\` to repair it)`,
  });
  expect(writes(lab.double, since)).toEqual([]);
  expect(live().data[key]).toBe(`${committed}0`);
  // install repairs it; then the verification passes again
  await applyObjects(lab.kube('verify2'), [budgets()]);
  await expect(verifyInstalled(lab.kube('verify2'), objects)).resolves.toBe(objects.length);
});

test('a missing object is named', async () => {
  const sa = objects.find((o) => o.kind === 'ServiceAccount')!;
  await lab.admin.delete({ apiVersion: sa.apiVersion, kind: sa.kind, metadata: { name: sa.metadata.name, namespace: sa.metadata.namespace } });
  const since = lab.double.requests().at(-1)?.seq ?? 0;
  await expect(verifyInstalled(lab.kube('verify3'), objects)).rejects.toMatchObject({
    failureClass: 'infra.cluster',
    message: `k3s/ci is not installed: ServiceAccount unidesk-ci/${sa.metadata.name} not found (run \`unidesk-ci install\`)`,
  });
  expect(writes(lab.double, since)).toEqual([]);
});

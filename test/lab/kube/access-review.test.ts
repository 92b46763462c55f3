// SelfSubjectAccessReviews as the runner service account (impersonation), against k3s/ci as
// applied to the double: exactly the grants CI needs; a widened Role is caught.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FORBIDDEN_NAMESPACES, RUNNER_USER, accessMismatches, applyManifests, canI, forbiddenOutside, forbiddenStatus, requiredGrants } from '../../../harness/kube/index.ts';
import { REPO_ROOT } from '../../../harness/tekton/index.ts';
import { startKubeLab, type KubeLab } from './support.ts';

let lab: KubeLab & AsyncDisposable;
beforeAll(async () => {
  lab = await startKubeLab({ tekton: true });
  await applyManifests(lab.kube('access0'), join(REPO_ROOT, 'k3s/ci'));
});
afterAll(() => lab?.[Symbol.asyncDispose]());

test('the runner has exactly what CI needs', async () => {
  const kube = lab.kube('access1');
  expect(await accessMismatches(kube, requiredGrants(), true)).toEqual([]);
  expect(await accessMismatches(kube, forbiddenOutside(FORBIDDEN_NAMESPACES), false)).toEqual([]);
  expect(await accessMismatches(kube, forbiddenStatus(), false)).toEqual([]);
  // the admin itself may do all of it: the reviews really are about the impersonated user
  expect(await canI(kube, { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'unidesk-ci' })).toBe(true);
  expect(await canI(kube, { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'unidesk-ci' }, RUNNER_USER)).toBe(false);
  const impersonated = lab.double.requests().filter((r) => r.user === RUNNER_USER && r.path.includes('selfsubjectaccessreviews'));
  expect(impersonated.length).toBeGreaterThan(10);
});

test('a widened Role is reported', async () => {
  const kube = lab.kube('access2');
  await lab.adminApply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'unidesk-ci-runner', namespace: 'unidesk-ci' },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  } as never);
  expect(await accessMismatches(kube, forbiddenStatus(), false)).toEqual([
    'get deployments/status.apps in unidesk-ci',
    'update deployments/status.apps in unidesk-ci',
    'patch deployments/status.apps in unidesk-ci',
  ]);
  // a Role cannot reach other namespaces, however wide
  expect(await accessMismatches(kube, forbiddenOutside(['default']), false)).toEqual([]);
});

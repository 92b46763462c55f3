// The write guard's exception for k3s/ci's run-namespace grants (harness/kube/e2e-grants.ts):
// the install may apply exactly the pinned ClusterRoles, their ClusterRoleBinding and the
// ValidatingAdmissionPolicy with its binding, as k3s/ci ships them; nothing else, no other verb.
import { describe, expect, test } from 'vitest';
import { checkWrite, WriteRefused, type Manifest, type WriteIntent } from '../../harness/kube/index.ts';
import { k3sCiObjects } from './manifests-support.ts';

const scope = { runId: 'r1', runNamespaces: new Set(['unidesk-ci-e2e-r1']) };
const shipped = (await k3sCiObjects()).filter((o) => /^unidesk-ci-e2e-/.test(o.metadata.name ?? '') && !o.metadata.namespace);
const intent = (o: Manifest, verb: WriteIntent['verb'] = 'apply'): WriteIntent => ({ verb, namespaced: false, ref: { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name! }, object: o });
const refusal = (i: WriteIntent) => {
  try {
    checkWrite(i, scope);
  } catch (e) {
    expect(e).toBeInstanceOf(WriteRefused);
    return (e as Error).message;
  }
  throw new Error(`not refused: ${i.verb} ${i.ref.kind} ${i.ref.name}`);
};
const changed = (kind: string, name: string, change: (o: any) => void) => {
  const o = structuredClone(shipped.find((x) => x.kind === kind && x.metadata.name === name)!);
  change(o);
  return o;
};

describe('write guard: run-namespace grants', () => {
  test('the five shipped objects may be applied', () => {
    expect(shipped.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/unidesk-ci-e2e-namespaces',
      'ClusterRole/unidesk-ci-e2e-run',
      'ClusterRoleBinding/unidesk-ci-e2e-namespaces',
      'ValidatingAdmissionPolicy/unidesk-ci-e2e-namespaces',
      'ValidatingAdmissionPolicyBinding/unidesk-ci-e2e-namespaces',
    ]);
    for (const o of shipped) expect(() => checkWrite(intent(o), scope)).not.toThrow();
  });

  test('only applied: never deleted or updated', () => {
    for (const o of shipped) expect(refusal(intent(o, 'delete'))).toMatch(/may only be applied as pinned/);
  });

  test.each([
    ['a wider run role', changed('ClusterRole', 'unidesk-ci-e2e-run', (o) => o.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }))],
    ['a wildcard namespaces role', changed('ClusterRole', 'unidesk-ci-e2e-namespaces', (o) => (o.rules[0].verbs = ['*']))],
    ['the binding to cluster-admin', changed('ClusterRoleBinding', 'unidesk-ci-e2e-namespaces', (o) => (o.roleRef.name = 'cluster-admin'))],
    ['the binding with a second subject', changed('ClusterRoleBinding', 'unidesk-ci-e2e-namespaces', (o) => o.subjects.push({ kind: 'Group', name: 'system:authenticated' }))],
    ['a policy binding to another policy', changed('ValidatingAdmissionPolicyBinding', 'unidesk-ci-e2e-namespaces', (o) => (o.spec.policyName = 'x'))],
  ])('refuses %s', (_what, o) => {
    expect(refusal(intent(o))).toMatch(/may only be applied as pinned in harness\/kube\/e2e-grants\.ts/);
  });

  test('other cluster-scoped names stay refused', () => {
    const other = changed('ClusterRole', 'unidesk-ci-e2e-run', (o) => (o.metadata.name = 'unidesk-ci-e2e-extra'));
    expect(refusal(intent(other))).toMatch(/cluster-scoped writes are not allowed/);
    const policy = changed('ValidatingAdmissionPolicy', 'unidesk-ci-e2e-namespaces', (o) => (o.metadata.name = 'other'));
    expect(refusal(intent(policy))).toMatch(/cluster-scoped writes are not allowed/);
  });
});

// The write guard's decisions (pure); test/lab/kube/guard.test.ts proves nothing reaches the server.
import { describe, expect, test } from 'vitest';
import { checkWrite, WriteRefused, type WriteIntent } from '../../harness/kube/index.ts';

const scope = { runId: 'r1', runNamespaces: new Set(['unidesk-ci-e2e-r1']) };
const cm = (namespace?: string): WriteIntent => ({ verb: 'apply', namespaced: true, ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace } });
const ns = (name: string, verb: WriteIntent['verb'], labels?: Record<string, string>, annotations?: Record<string, string>, janitor?: { now: Date }): WriteIntent => ({
  verb,
  namespaced: false,
  ref: { apiVersion: 'v1', kind: 'Namespace', name },
  object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } },
  janitor,
});
const refused = (i: WriteIntent) => {
  try {
    checkWrite(i, scope);
  } catch (e) {
    expect(e).toBeInstanceOf(WriteRefused);
    expect((e as WriteRefused).failureClass).toBe('input');
    return (e as Error).message;
  }
  throw new Error(`not refused: ${JSON.stringify(i)}`);
};

describe('write guard', () => {
  test('allows unidesk-ci and the run namespace', () => {
    expect(() => checkWrite(cm('unidesk-ci'), scope)).not.toThrow();
    expect(() => checkWrite(cm('unidesk-ci-e2e-r1'), scope)).not.toThrow();
  });

  test.each(['default', 'unidesk-dev', 'kube-system', 'unidesk', 'unidesk-prod', 'unidesk-ci-e2e-r2', 'tekton-pipelines'])('refuses namespace %s, naming the object', (n) => {
    expect(refused(cm(n))).toBe(`write guard: refused apply ConfigMap ${n}/x: namespace ${n} is neither unidesk-ci nor a namespace run r1 created`);
  });

  test('refuses a namespaced write without namespace (the client would default it)', () => {
    expect(refused(cm(undefined))).toMatch(/no namespace given/);
  });

  test('run namespace: create only with the run label; delete allowed; others refused', () => {
    expect(() => checkWrite(ns('unidesk-ci-e2e-r1', 'create', { 'unidesk.ai/ci-run': 'r1' }), scope)).not.toThrow();
    expect(() => checkWrite(ns('unidesk-ci-e2e-r1', 'delete'), scope)).not.toThrow();
    expect(refused(ns('unidesk-ci-e2e-r1', 'create'))).toMatch(/labelled unidesk.ai\/ci-run=r1/);
    expect(refused(ns('unidesk-ci-e2e-r2', 'delete'))).toMatch(/Namespace unidesk-ci-e2e-r2/);
    expect(refused(ns('unidesk-dev', 'delete'))).toMatch(/refused delete Namespace unidesk-dev/);
    expect(refused(ns('kube-system', 'apply'))).toMatch(/refused apply Namespace kube-system/);
    expect(refused(ns('unidesk-ci', 'delete'))).toMatch(/may only be applied/);
    expect(() => checkWrite(ns('unidesk-ci', 'apply'), scope)).not.toThrow();
  });

  test('janitor: only expired namespaces labelled with their own run id', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    const past = { 'unidesk.ai/ci-expires-at': '2026-01-01T00:00:00Z' };
    const future = { 'unidesk.ai/ci-expires-at': '2026-01-03T00:00:00Z' };
    expect(() => checkWrite(ns('unidesk-ci-e2e-old', 'delete', { 'unidesk.ai/ci-run': 'old' }, past, { now }), scope)).not.toThrow();
    expect(refused(ns('unidesk-ci-e2e-old', 'delete', { 'unidesk.ai/ci-run': 'old' }, future, { now }))).toMatch(/not expired/);
    expect(refused(ns('unidesk-ci-e2e-old', 'delete', { 'unidesk.ai/ci-run': 'other' }, past, { now }))).toMatch(/not a CI run namespace/);
    expect(refused(ns('unidesk-ci-e2e-old', 'delete', { 'unidesk.ai/ci-run': 'old' }, {}, { now }))).toMatch(/not expired/);
    expect(refused(ns('unidesk-dev', 'delete', { 'unidesk.ai/ci-run': 'old' }, past, { now }))).toMatch(/unidesk-dev/);
  });

  test('cluster-scoped: only the pinned Triggers ClusterRoleBinding to unidesk-ci service accounts', () => {
    const crb = (roleName: string, subjects: unknown[], verb: WriteIntent['verb'] = 'apply', name = 'unidesk-ci-triggers-eventlistener-cluster'): WriteIntent => ({
      verb,
      namespaced: false,
      ref: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name },
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { kind: 'ClusterRole', name: roleName }, subjects } as never,
    });
    const sa = [{ kind: 'ServiceAccount', name: 'unidesk-ci-triggers', namespace: 'unidesk-ci' }];
    const only = /the only cluster-wide write allowed is applying ClusterRoleBinding unidesk-ci-triggers-eventlistener-cluster of ClusterRole unidesk-ci-triggers-eventlistener-cluster/;
    expect(() => checkWrite(crb('unidesk-ci-triggers-eventlistener-cluster', sa), scope)).not.toThrow();
    // Triggers' shipped cluster ClusterRole reads every Secret: never bound (triggers.rbac.yaml)
    expect(refused(crb('tekton-triggers-eventlistener-clusterroles', sa))).toMatch(only);
    expect(refused(crb('cluster-admin', sa))).toMatch(only);
    // the namespaced Triggers ClusterRole is bound by a RoleBinding in unidesk-ci, never cluster-wide
    expect(refused(crb('tekton-triggers-eventlistener-roles', sa))).toMatch(only);
    expect(refused(crb('unidesk-ci-triggers-eventlistener-cluster', sa, 'apply', 'b'))).toMatch(/refused apply ClusterRoleBinding b:/);
    expect(refused(crb('unidesk-ci-triggers-eventlistener-cluster', [{ kind: 'ServiceAccount', name: 'x', namespace: 'default' }]))).toMatch(only);
    expect(refused(crb('unidesk-ci-triggers-eventlistener-cluster', [...sa, { kind: 'User', name: 'eve' }]))).toMatch(only);
    expect(refused(crb('unidesk-ci-triggers-eventlistener-cluster', []))).toMatch(only);
    expect(refused(crb('unidesk-ci-triggers-eventlistener-cluster', sa, 'delete'))).toMatch(/refused delete/);
    expect(refused({ verb: 'create', namespaced: false, ref: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'x' } })).toMatch(/cluster-scoped writes are not allowed/);
  });
});

// Policy `build-isolation`: the rendered k3s/ci has no privileged container; the two buildah steps
// add exactly SETUID, SETGID and SETFCAP after dropping ALL, without privilege escalation; the
// artifact Task's pods run as a ServiceAccount without token or bindings; each broken copy is
// refused by name.
import { describe, expect, test } from 'vitest';
import { BUILDAH_CAPABILITIES, BUILDAH_TASKS, buildIsolationRule } from '../../harness/kube/policy-build-isolation.ts';
import { k3sCiObjects } from './manifests-support.ts';

const objects = await k3sCiObjects();
type Obj = Record<string, any>;
const task = (all: Obj[], name: string) => all.find((o) => o.kind === 'Task' && o.metadata.name === name)!;

function violations(mutate: (all: Obj[]) => void = () => undefined): string[] {
  const copy = structuredClone(objects) as Obj[];
  mutate(copy);
  const out: string[] = [];
  for (const o of copy) buildIsolationRule(o as never, (rule, message) => out.push(`${rule}: ${message}`));
  return out;
}

describe('build-isolation policy', () => {
  test.each(BUILDAH_TASKS)('%s: the buildah step is unprivileged with only the listed capabilities', (name) => {
    const [gate] = task(objects, name).spec.steps;
    expect(gate.securityContext).toEqual({
      privileged: false,
      allowPrivilegeEscalation: false,
      runAsUser: 0,
      capabilities: { drop: ['ALL'], add: [...BUILDAH_CAPABILITIES] },
      seccompProfile: { type: 'Unconfined' },
      appArmorProfile: { type: 'Unconfined' },
    });
    // buildah's storage stays an emptyDir: the cache across runs is in the registry, not on a volume
    expect(task(objects, name).spec.volumes).toContainEqual({ name: 'containers-storage', emptyDir: {} });
  });

  test('no object in k3s/ci is privileged or adds a capability elsewhere', () => {
    expect(violations()).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/"privileged":true/);
  });

  test('the builder ServiceAccount mounts no token and nothing binds it', () => {
    const sa = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'unidesk-ci-builder') as Obj;
    expect(sa.automountServiceAccountToken).toBe(false);
    const bound = objects.filter((o) => /RoleBinding$/.test(o.kind) && ((o as Obj).subjects ?? []).some((s: Obj) => s.name === 'unidesk-ci-builder'));
    expect(bound.map((o) => o.metadata.name)).toEqual([]);
  });

  test.each<[string, RegExp, (all: Obj[]) => void]>([
    [
      'privileged again',
      /Task unidesk-ci-backend-core-artifact spec\.steps\[0\]: privileged is refused/,
      (a) => void (task(a, 'unidesk-ci-backend-core-artifact').spec.steps[0].securityContext.privileged = true),
    ],
    [
      'SYS_ADMIN added',
      /spec\.steps\[0\]: adds SYS_ADMIN; buildah needs only SETUID, SETGID, SETFCAP/,
      (a) => void task(a, 'unidesk-ci-dev-e2e').spec.steps[0].securityContext.capabilities.add.push('SYS_ADMIN'),
    ],
    ['caps without drop ALL', /adds capabilities without dropping ALL first/, (a) => void (task(a, 'unidesk-ci-backend-core-artifact').spec.steps[0].securityContext.capabilities.drop = [])],
    [
      'caps with escalation',
      /adds capabilities without allowPrivilegeEscalation: false/,
      (a) => void delete task(a, 'unidesk-ci-backend-core-artifact').spec.steps[0].securityContext.allowPrivilegeEscalation,
    ],
    [
      'caps in another step',
      /Task unidesk-ci-backend-core-artifact spec\.steps\[1\]: adds capabilities SETUID; only the buildah steps/,
      (a) => void (task(a, 'unidesk-ci-backend-core-artifact').spec.steps[1].securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['SETUID'] } }),
    ],
    [
      'caps in another Task',
      /Task unidesk-ci-perf spec\.steps\[0\]: adds capabilities NET_ADMIN/,
      (a) => void (task(a, 'unidesk-ci-perf').spec.steps[0].securityContext = { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } }),
    ],
  ])('refuses %s', (_name, message, mutate) => {
    expect(violations(mutate).join('\n')).toMatch(message);
  });
});

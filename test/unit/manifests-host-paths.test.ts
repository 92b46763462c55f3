// Policy `host-path`: the dev-e2e Task's node containerd socket is the only hostPath in k3s/ci, and
// each broken copy (a hostPath elsewhere, another path or type, another Task) is refused by name.
import { describe, expect, test } from 'vitest';
import { policyViolations, type Violation } from '../../harness/kube/policy.ts';
import { ALLOWED_HOST_PATH, NODE_CONTAINERD_SOCKET } from '../../harness/kube/policy-host-paths.ts';
import { k3sCiObjects } from './manifests-support.ts';

const objects = await k3sCiObjects();
type Obj = Record<string, any>;
const task = (all: Obj[], name: string) => all.find((o) => o.kind === 'Task' && o.metadata.name === name)!;
const socket = { path: NODE_CONTAINERD_SOCKET, type: 'Socket' };

function hostPathViolations(mutate: (all: Obj[]) => void): Violation[] {
  const copy = structuredClone(objects) as Obj[];
  mutate(copy);
  return policyViolations(copy as never).filter((v) => v.rule === 'host-path');
}

describe('host-path policy', () => {
  test("the dev-e2e step mounts the node socket, with the artifact Task's buildah storage and securityContext, and names it in its env", () => {
    const e2e = task(objects, ALLOWED_HOST_PATH.task);
    const artifact = task(objects, 'unidesk-ci-backend-core-artifact');
    const [gate] = e2e.spec.steps;
    const volume = e2e.spec.volumes.find((v: Obj) => v.hostPath);
    expect(volume).toEqual({ name: 'containerd-socket', hostPath: socket });
    expect(gate.volumeMounts).toContainEqual({ name: 'containerd-socket', mountPath: NODE_CONTAINERD_SOCKET });
    expect(gate.volumeMounts).toContainEqual({ name: 'containers-storage', mountPath: '/var/lib/containers' });
    expect(e2e.spec.volumes).toContainEqual({ name: 'containers-storage', emptyDir: {} });
    expect(gate.securityContext).toEqual(artifact.spec.steps[0].securityContext);
    const env = Object.fromEntries(gate.env.map((e: Obj) => [e.name, e.value]));
    expect(env).toMatchObject({ UNIDESK_CI_CONTAINERD_ADDRESS: NODE_CONTAINERD_SOCKET, UNIDESK_CI_REGISTRY: '127.0.0.1:5000' });
    expect(hostPathViolations(() => undefined)).toEqual([]);
  });

  test.each<[string, RegExp, (all: Obj[]) => void]>([
    [
      'another path in the dev-e2e Task',
      /Task unidesk-ci-dev-e2e volume containerd-socket: hostPath \/var\/run\/docker\.sock \(type Socket\) is refused/,
      (a) => void (task(a, ALLOWED_HOST_PATH.task).spec.volumes.find((v: Obj) => v.hostPath).hostPath.path = '/var/run/docker.sock'),
    ],
    [
      'the socket as another type',
      /Task unidesk-ci-dev-e2e volume containerd-socket: hostPath \/run\/k3s\/containerd\/containerd\.sock \(type DirectoryOrCreate\) is refused/,
      (a) => void (task(a, ALLOWED_HOST_PATH.task).spec.volumes.find((v: Obj) => v.hostPath).hostPath.type = 'DirectoryOrCreate'),
    ],
    [
      'the socket without a type',
      /Task unidesk-ci-dev-e2e volume containerd-socket: hostPath \/run\/k3s\/containerd\/containerd\.sock is refused/,
      (a) => void delete task(a, ALLOWED_HOST_PATH.task).spec.volumes.find((v: Obj) => v.hostPath).hostPath.type,
    ],
    [
      'a second hostPath in the dev-e2e Task',
      /Task unidesk-ci-dev-e2e volume host-root: hostPath \/ is refused/,
      (a) => void task(a, ALLOWED_HOST_PATH.task).spec.volumes.push({ name: 'host-root', hostPath: { path: '/' } }),
    ],
    [
      'the socket in another Task',
      /Task unidesk-ci-perf volume containerd-socket: hostPath \/run\/k3s\/containerd\/containerd\.sock \(type Socket\) is refused/,
      (a) => void (task(a, 'unidesk-ci-perf').spec.volumes = [{ name: 'containerd-socket', hostPath: socket }]),
    ],
    [
      'the socket in a Pipeline-embedded taskSpec',
      /Pipeline unidesk-ci-commit volume sock: hostPath/,
      (a) =>
        void a.find((o) => o.kind === 'Pipeline' && o.metadata.name === 'unidesk-ci-commit')!.spec.tasks.push({ name: 'x', taskSpec: { steps: [], volumes: [{ name: 'sock', hostPath: socket }] } }),
    ],
    [
      'the socket in a renamed dev-e2e Task',
      /Task unidesk-ci-dev-e2e-copy volume containerd-socket: hostPath/,
      (a) => void a.push({ ...structuredClone(task(a, ALLOWED_HOST_PATH.task)), metadata: { name: 'unidesk-ci-dev-e2e-copy', namespace: 'unidesk-ci' } }),
    ],
    [
      'a PersistentVolume on the host',
      /PersistentVolume cache spec: hostPath \/srv\/cache is refused/,
      (a) => void a.push({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'cache' }, spec: { hostPath: { path: '/srv/cache' } } }),
    ],
  ])('refuses %s', (_, message, mutate) => {
    const v = hostPathViolations(mutate);
    expect(
      v.filter((x) => message.test(x.message)),
      JSON.stringify(v),
    ).toHaveLength(1);
  });
});

// The node containerd socket as a Task hostPath volume, the way k3s/ci's dev-e2e Task mounts it:
// the harness step image's node (its run and hostPath mapping, on a test image name so that no
// step image has to be built) stands the lab's real containerd in for it, and the step reaches it
// with ctr; a lab without containerd, a node that maps nothing, and any other hostPath are refused.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NODE_CONTAINERD_SOCKET } from '../../../fixtures/lab/cluster/controllers/tekton/host-paths.ts';
import type { StepRunner } from '../../../fixtures/lab/cluster/controllers/tekton/step-runner.ts';
import { startContainerd, type LabContainerd } from '../../../fixtures/lab/registry/containerd.ts';
import { harnessStepRunner } from '../../../fixtures/lab/tekton/harness-step-runner.ts';
import { create, finished, haveCrds, SH, startTektonLab, succeeded, type Lab } from './support.ts';

let c: Lab;
let containerd: LabContainerd;
let dir: string;
const ns = 'tekton-host-path';

/** The harness image's node under a test image name (pull skipped: no step image is built here). */
function node(image: string, containerdAddress: string | undefined): StepRunner {
  const { run, hostPath } = harnessStepRunner({ registry: '127.0.0.1:5999', services: {}, containerdAddress });
  return { image: new RegExp(`^${image.replace(/[.:/]/g, '\\$&')}$`), run, hostPath };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tekton-host-path-'));
  containerd = await startContainerd(join(dir, 'containerd'));
  c = await startTektonLab(ns);
  c.runners.unshift(node('lab.test/node:1', containerd.address), node('lab.test/node-without-containerd:1', undefined));
}, 60_000);
afterAll(async () => {
  await c?.double.stop();
  await containerd?.stop();
  await rm(dir, { recursive: true, force: true });
});

const socketVolume = { name: 'containerd-socket', hostPath: { path: NODE_CONTAINERD_SOCKET, type: 'Socket' } };
/** A TaskRun of a one-step Task mounting `volume` at the node socket's path, as dev-e2e does. */
function taskRun(name: string, image: string, volume: Record<string, unknown> = socketVolume) {
  return create(c, 'taskruns', {
    metadata: { name },
    spec: {
      taskSpec: {
        volumes: [volume],
        steps: [
          {
            name: 'import',
            image,
            volumeMounts: [{ name: volume.name, mountPath: NODE_CONTAINERD_SOCKET }],
            env: [{ name: 'UNIDESK_CI_CONTAINERD_ADDRESS', value: NODE_CONTAINERD_SOCKET }],
            script: 'echo "address $UNIDESK_CI_CONTAINERD_ADDRESS"\nctr -a "$UNIDESK_CI_CONTAINERD_ADDRESS" version',
          },
        ],
      },
    },
  });
}

describe.skipIf(!haveCrds())('hostPath: the node containerd socket', () => {
  test("mapped to the lab's containerd: the step's UNIDESK_CI_CONTAINERD_ADDRESS is that socket and ctr reaches it", async () => {
    await taskRun('socket', 'lab.test/node:1');
    const tr = await finished(c, 'taskruns', 'socket');
    const log = await c.core.readNamespacedPodLog({ namespace: ns, name: 'socket-pod', container: 'step-import' });
    expect(succeeded(tr), log).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(log.split('\n')[0]).toBe(`address ${containerd.address}`);
    expect(log).toMatch(/Server:\s*\n\s*Version:/);
    const pod = await c.core.readNamespacedPod({ namespace: ns, name: 'socket-pod' });
    expect(pod.spec!.volumes).toEqual([socketVolume]);
  });

  // [TaskRun, step image, volume, reason, message]
  test.each<[string, string, Record<string, unknown> | undefined, string, RegExp]>([
    [
      'no-containerd',
      'lab.test/node-without-containerd:1',
      undefined,
      'PodCreationFailed',
      /^failed to create task run pod "no-containerd": volume "containerd-socket": hostPath \/run\/k3s\/containerd\/containerd\.sock has no stand-in for step "import": the lab runs no containerd .*UNIDESK_CI_CONTAINERD_ADDRESS/,
    ],
    ['unmapped', SH, undefined, 'PodCreationFailed', /has no stand-in for step "import": the lab's node for image "lab\.test\/sh:1" maps no hostPath \/run\/k3s\/containerd\/containerd\.sock$/],
    [
      'other-path',
      'lab.test/node:1',
      { name: 'docker', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
      'TaskRunValidationFailed',
      /^the lab's Tekton controller does not implement spec\.taskSpec\.volumes\[0\]\.hostPath \(see docs\/cluster-double\.md, "Tekton controller"\)$/,
    ],
    [
      'as-directory',
      'lab.test/node:1',
      { name: 'dir', hostPath: { path: NODE_CONTAINERD_SOCKET, type: 'Directory' } },
      'TaskRunValidationFailed',
      /does not implement spec\.taskSpec\.volumes\[0\]\.hostPath/,
    ],
  ])('refused: TaskRun %s', async (name, image, volume, reason, message) => {
    await taskRun(name, image, volume);
    const cond = succeeded(await finished(c, 'taskruns', name));
    expect(cond).toMatchObject({ status: 'False', reason });
    expect(cond!.message).toMatch(message);
  });
});

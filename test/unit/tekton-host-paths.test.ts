// hostPath Task volumes in the lab: only the node containerd socket is implemented, and only
// where the step's runner (the lab's node) maps it; the harness step image's node maps it to the
// lab's containerd and points UNIDESK_CI_CONTAINERD_ADDRESS there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostPathStandIns, hostPathVolumes, isNodeHostPath, NODE_CONTAINERD_SOCKET } from '../../fixtures/lab/cluster/controllers/tekton/host-paths.ts';
import type { StepRunner, TektonStep } from '../../fixtures/lab/cluster/controllers/tekton/step-runner.ts';
import { TASKRUN_SPEC, unsupportedField } from '../../fixtures/lab/cluster/controllers/tekton/unsupported.ts';
import { harnessStepRunner } from '../../fixtures/lab/tekton/harness-step-runner.ts';

const socket = { path: NODE_CONTAINERD_SOCKET, type: 'Socket' };

describe('which hostPath volumes the lab implements', () => {
  test.each<[string, unknown, boolean]>([
    ['the node containerd socket', socket, true],
    ['the socket without a type', { path: NODE_CONTAINERD_SOCKET }, true],
    ['the socket as a directory', { ...socket, type: 'Directory' }, false],
    ['another socket', { path: '/var/run/docker.sock', type: 'Socket' }, false],
    ['the host root', { path: '/' }, false],
    ['an unknown field', { ...socket, extra: 1 }, false],
    ['no object', '/run', false],
  ])('%s', (_, hostPath, ok) => expect(isNodeHostPath(hostPath)).toBe(ok));

  test.each<[string, unknown, string | undefined]>([
    ['the socket', { name: 'sock', hostPath: socket }, undefined],
    ['another path: refused as any unimplemented field', { name: 'root', hostPath: { path: '/' } }, 'spec.taskSpec.volumes[0].hostPath'],
    ['the socket path as another type', { name: 'sock', hostPath: { ...socket, type: 'File' } }, 'spec.taskSpec.volumes[0].hostPath'],
  ])('TaskRun volume: %s', (_, volume, field) => expect(unsupportedField({ taskSpec: { volumes: [volume] } }, TASKRUN_SPEC, 'spec')).toBe(field));
});

describe('hostPathStandIns: what the node of each step maps', () => {
  const node = (hostPath: StepRunner['hostPath'], image = /^lab\.test\/node:/): StepRunner => ({ image, hostPath, run: async () => ({ exitCode: 0 }) });
  const mapping = node((p) => (p === NODE_CONTAINERD_SOCKET ? { path: '/lab/containerd.sock' } : undefined));
  const volumes = hostPathVolumes([
    { name: 'cache', emptyDir: {} },
    { name: 'sock', hostPath: socket },
  ]);
  const mounting = (image = 'lab.test/node:1', subPath?: string) => ({ name: 'gate', image, volumeMounts: [{ name: 'sock', mountPath: NODE_CONTAINERD_SOCKET, ...(subPath ? { subPath } : {}) }] });

  test('only hostPath volumes count', () => expect([...volumes]).toEqual([['sock', NODE_CONTAINERD_SOCKET]]));

  test('a mapped socket: every step of the pod gets the stand-in', () => {
    expect(hostPathStandIns('tr', [mounting(), { name: 'other', image: 'lab.test/node:1' }], volumes, [mapping])).toEqual([
      new Map([['sock', { path: '/lab/containerd.sock', hostPath: NODE_CONTAINERD_SOCKET }]]),
      new Map([['sock', { path: '/lab/containerd.sock', hostPath: NODE_CONTAINERD_SOCKET }]]),
    ]);
  });

  test.each<[string, StepRunner[], ReturnType<typeof mounting>, RegExp]>([
    [
      'a node that maps no hostPath',
      [node(undefined)],
      mounting(),
      /^failed to create task run pod "tr": volume "sock": hostPath \/run\/k3s\/containerd\/containerd\.sock has no stand-in for step "gate": the lab's node for image "lab\.test\/node:1" maps no hostPath/,
    ],
    ['a node that knows the path but has nothing there', [node(() => ({ missing: 'the lab runs no containerd' }))], mounting(), /has no stand-in for step "gate": the lab runs no containerd$/],
    ['a subPath on the socket', [mapping], mounting('lab.test/node:1', 'x'), /volumeMount "sock" of step "gate": the lab does not implement subPath on a hostPath volume/],
  ])('refused: %s', (_, runners, step, message) => {
    const r = hostPathStandIns('tr', [step], volumes, runners);
    expect(r).toMatchObject({ refusal: { reason: 'PodCreationFailed' } });
    expect((r as { refusal: { message: string } }).refusal.message).toMatch(message);
  });

  test('a step no runner serves is left to the image pull', () => expect(hostPathStandIns('tr', [mounting('elsewhere/x:1')], volumes, [mapping])).toEqual([new Map()]));
});

describe("the harness step image's node: the containerd socket", () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'tekton-host-paths-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const runner = (containerdAddress?: string) => harnessStepRunner({ registry: '127.0.0.1:5999', services: {}, containerdAddress });

  test("maps the node socket to the lab's containerd, nothing else", () => {
    expect(runner('/lab/c.sock').hostPath!(NODE_CONTAINERD_SOCKET)).toEqual({ path: '/lab/c.sock' });
    expect(runner('/lab/c.sock').hostPath!('/var/run/docker.sock')).toBeUndefined();
    expect(runner(undefined).hostPath!(NODE_CONTAINERD_SOCKET)).toEqual({
      missing: expect.stringMatching(/no containerd .*\/run\/k3s\/containerd\/containerd\.sock \(no UNIDESK_CI_CONTAINERD_ADDRESS/),
    });
  });

  async function run(volumeMounts: TektonStep['volumeMounts']) {
    let out = '';
    const step: TektonStep = {
      namespace: 'ns',
      taskRun: 'tr',
      pod: 'tr-pod',
      container: 'step-gate',
      name: 'gate',
      image: 'x',
      script: 'echo "$UNIDESK_CI_CONTAINERD_ADDRESS"',
      env: { UNIDESK_CI_CONTAINERD_ADDRESS: NODE_CONTAINERD_SOCKET },
      serviceAccount: { namespace: 'ns', name: 'default' },
      volumeMounts,
    };
    const r = await runner('/lab/c.sock').run(step, { dir, log: (c) => (out += c), signal: new AbortController().signal });
    return { ...r, out };
  }

  test('a step mounting it sees UNIDESK_CI_CONTAINERD_ADDRESS = the lab socket', async () => {
    expect(await run([{ name: 'sock', mountPath: NODE_CONTAINERD_SOCKET, path: '/lab/c.sock', hostPath: NODE_CONTAINERD_SOCKET }])).toEqual({ exitCode: 0, out: '/lab/c.sock\n' });
  });

  test("without the mount the Task's value stays (no socket is given unasked)", async () => {
    expect(await run(undefined)).toEqual({ exitCode: 0, out: `${NODE_CONTAINERD_SOCKET}\n` });
  });

  test("an emptyDir at the socket's path is no socket: refused", async () => {
    const r = await run([{ name: 'fake', mountPath: NODE_CONTAINERD_SOCKET, path: join(dir, 'fake') }]);
    expect(r.exitCode).toBe(1);
    expect(r.out).toMatch(/volumeMount fake at \/run\/k3s\/containerd\/containerd\.sock has no stand-in on the lab's node/);
  });
});

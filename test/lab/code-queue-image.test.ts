// The Code Queue image of a pinned commit, end to end in the lab: built from a fresh clone into the
// loopback registry (real git over the proxy, real buildah, real Distribution), reused on a second
// call, refused when the tag holds an image with other labels, imported into the lab's real
// containerd by digest, and run by the cluster double's node from what containerd holds: the pod
// answers with the version of the commit it was built from.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { useLab } from '../support/lab.ts';
import { pushImpostorImage } from '../support/impostor-image.ts';
import { buildahSpy, labCommits, type BuildahSpy } from './image-publish.support.ts';
import { loadConfig } from '../../harness/config.ts';
import { CiError } from '../../harness/failure.ts';
import { importToNode } from '../../harness/image/node-import.ts';
import { containerdImages } from '../../harness/image/prewarm/containerd.ts';
import { CODE_QUEUE_IMAGE, publishServiceImage, type ServicePublication } from '../../harness/image/publish/index.ts';
import { connectKube, createRunNamespace, serviceProxyJson, waitForRollout, type Kube, type Manifest } from '../../harness/kube/index.ts';
import { applyObjects } from '../../harness/kube/apply.ts';
import { runProcess } from '../../harness/process/run.ts';
import { CODE_QUEUE_V2_VERSION } from '../../fixtures/repos/code-queue.ts';
import { CODE_QUEUE_VERSION } from '../../fixtures/code-queue/version.ts';

const lab = useLab(['proxy', 'git', 'registry', 'postgres', 'cluster']);
let spy: BuildahSpy;
let reportDir: string;
const timings: Record<string, number> = {};
beforeAll(async () => {
  spy = await buildahSpy(lab.dir);
  reportDir = await mkdtemp(join(lab.dir, 'reports-'));
});

const env = () => ({ ...process.env, ...lab.env, UNIDESK_CI_REPORT_DIR: reportDir, PATH: `${spy.dir}:${process.env.PATH}` });
async function publish(commit: string): Promise<ServicePublication> {
  const e = env();
  return publishServiceImage({ config: loadConfig(e), env: e, log: () => undefined }, { image: CODE_QUEUE_IMAGE, commit });
}
const importImage = (p: ServicePublication, log: string[] = []) =>
  importToNode({ imageRef: p.imageRef, digest: p.digest, registry: lab.env.UNIDESK_CI_REGISTRY, containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS, log: (l) => log.push(l) });
const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    timings[name] = Math.round(performance.now() - t0);
  }
};

describe('Code Queue image of the commit deploy.json pins', () => {
  let first: ServicePublication;
  const pinned = () => labCommits(lab).tag; // deploy.json on master pins the commit that adds code-queue

  test('built from a fresh clone at that commit and published with the identity labels', async () => {
    first = await timed('build (cold)', () => publish(pinned()));
    expect(first).toMatchObject({ commit: pinned(), imageRef: `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/code-queue:${pinned()}`, built: true });
    const r = await runProcess('skopeo', ['inspect', '--tls-verify=false', `docker://${first.imageRef}`]);
    expect(r.exitCode, r.tail).toBe(0);
    const inspected = JSON.parse(r.stdout) as { Digest: string; Labels: Record<string, string> };
    expect(inspected.Digest).toBe(first.digest);
    expect(inspected.Labels).toMatchObject({
      'unidesk.ai/service-id': 'code-queue',
      'unidesk.ai/source-repo': lab.env.UNIDESK_CI_REPO_URL,
      'unidesk.ai/source-commit': pinned(),
      'unidesk.ai/dockerfile': 'src/components/code-queue/Dockerfile',
      'org.opencontainers.image.revision': pinned(),
    });
    expect((await spy.calls()).some((c) => c.startsWith('build ') && c.includes('src/components/code-queue/Dockerfile'))).toBe(true);
  }, 300_000);

  test('a second call reuses the tag: same digest, nothing built or pushed', async () => {
    const before = (await spy.calls()).length;
    const again = await timed('reuse', () => publish(pinned()));
    expect(again).toMatchObject({ digest: first.digest, built: false, imageRef: first.imageRef });
    expect((await spy.calls()).slice(before)).toEqual([]);
  });

  test('a tag holding an image with other labels is refused, naming the labels; nothing is built over it', async () => {
    const commit = labCommits(lab)['code-queue/read-writes'];
    const impostor = await pushImpostorImage({ registry: lab.env.UNIDESK_CI_REGISTRY, repository: 'unidesk/code-queue', tag: commit, env: { ...process.env, ...lab.env } });
    const before = (await spy.calls()).length;
    const e = await publish(commit).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CiError);
    expect((e as CiError).failureClass).toBe('infra.registry');
    expect((e as CiError).message).toContain(`${lab.env.UNIDESK_CI_REGISTRY}/unidesk/code-queue:${commit} already exists but is not this commit's code-queue image`);
    expect((e as CiError).message).toContain('unidesk.ai/service-id="impostor" (expected "code-queue")');
    expect((e as CiError).message).toContain('unidesk.ai/source-commit missing');
    expect((await spy.calls()).slice(before)).toEqual([]);
    // the tag still holds what was there
    const r = await runProcess('skopeo', ['inspect', '--tls-verify=false', `docker://${lab.env.UNIDESK_CI_REGISTRY}/unidesk/code-queue:${commit}`]);
    expect((JSON.parse(r.stdout) as { Digest: string }).Digest).toBe(impostor);
  }, 180_000);

  test('a pinned commit the remote does not have is input, before anything is built', async () => {
    const before = (await spy.calls()).length;
    await expect(publish('0123456789abcdef0123456789abcdef01234567')).rejects.toMatchObject({ failureClass: 'input', message: expect.stringMatching(/is on no branch of .*push it first/) });
    expect((await spy.calls()).slice(before)).toEqual([]);
  });

  test('imported into the node containerd with the published digest; a second import finds it present', async () => {
    const log: string[] = [];
    expect(await timed('import', () => importImage(first, log))).toEqual({ image: first.imageRef, digest: first.digest, action: 'imported' });
    // read back with ctr itself, not through the harness
    const ls = await runProcess('ctr', ['--address', lab.env.UNIDESK_CI_CONTAINERD_ADDRESS, '--namespace', 'k8s.io', 'images', 'ls']);
    expect(ls.stdout.split('\n').find((l) => l.startsWith(`${first.imageRef} `))).toContain(first.digest);
    expect((await importImage(first)).action).toBe('present');
  });

  test('an image ref outside the loopback registry or with another digest is refused as input', async () => {
    await expect(
      importToNode({
        imageRef: `127.0.0.1:1/unidesk/code-queue:${first.commit}`,
        digest: first.digest,
        registry: lab.env.UNIDESK_CI_REGISTRY,
        containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
        log: () => undefined,
      }),
    ).rejects.toMatchObject({ failureClass: 'input' });
    await expect(
      importToNode({
        imageRef: `${first.imageRef}@sha256:${'0'.repeat(64)}`,
        digest: first.digest,
        registry: lab.env.UNIDESK_CI_REGISTRY,
        containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
        log: () => undefined,
      }),
    ).rejects.toMatchObject({ failureClass: 'input' });
  });
});

describe('the node runs what containerd holds for the pod image', () => {
  let kube: Kube;
  let ns: Awaited<ReturnType<typeof createRunNamespace>>;
  beforeAll(async () => {
    kube = connectKube({ kubeconfig: lab.env.UNIDESK_CI_KUBECONFIG, runId: `cqimg${Date.now().toString(36)}`, log: () => undefined });
    ns = await createRunNamespace(kube, { reportDir });
    return () => ns[Symbol.asyncDispose]();
  });

  const objects = (name: string, image: string): Manifest[] => [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns.name },
      spec: {
        replicas: 1,
        progressDeadlineSeconds: 60,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              {
                name: 'code-queue',
                image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: 8080 }],
                env: [
                  { name: 'CODE_QUEUE_SERVICE_ROLE', value: 'read' },
                  { name: 'DATABASE_URL', value: lab.env.LAB_CODE_QUEUE_DATABASE_URL },
                ],
              },
            ],
          },
        },
      },
    } as Manifest,
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns.name }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] } } as Manifest,
  ];
  const Health = z.object({ ok: z.literal(true), version: z.string(), role: z.string() });
  const deployAndAsk = async (name: string, image: string) => {
    await applyObjects(kube, objects(name, image));
    await waitForRollout(kube, ns.name, name, { timeoutMs: 60_000 });
    return serviceProxyJson(kube, { namespace: ns.name, service: name, port: 'http' }, { path: '/healthz' }, Health);
  };

  test('a Deployment of the pinned commit image answers /healthz through the service proxy with that commit version', async () => {
    const p = await publish(labCommits(lab).tag);
    const health = await timed('rollout + healthz', () => deployAndAsk('cq-pinned', p.imageRef));
    expect(health).toMatchObject({ version: CODE_QUEUE_VERSION, role: 'read' });
    const pod = (await kube.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=cq-pinned' })).items[0];
    const log = await kube.core.readNamespacedPodLog({ namespace: ns.name, name: pod.metadata!.name! });
    expect(log).toContain(`${p.imageRef} (${p.digest}) from containerd`);
    expect(log).not.toMatch(/Warning|Error/);
  }, 120_000);

  test('the code-queue/v2 commit image, imported by digest, reports the other version', async () => {
    const v2 = await publish(labCommits(lab)['code-queue/v2']);
    expect(v2.built).toBe(true);
    await importImage(v2);
    const byDigest = `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/code-queue@${v2.digest}`;
    const health = await deployAndAsk('cq-v2', byDigest);
    expect(CODE_QUEUE_V2_VERSION).not.toBe(CODE_QUEUE_VERSION);
    expect(health.version).toBe(CODE_QUEUE_V2_VERSION);
  }, 300_000);

  test('an image containerd does not hold never starts: ErrImageNeverPull, the rollout does not complete', async () => {
    const absent = `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/code-queue:${labCommits(lab)['code-queue/never-ready']}`;
    expect((await containerdImages(lab.env.UNIDESK_CI_CONTAINERD_ADDRESS)).has(absent)).toBe(false);
    await applyObjects(kube, objects('cq-absent', absent));
    await expect(waitForRollout(kube, ns.name, 'cq-absent', { timeoutMs: 5_000 })).rejects.toThrow();
    const pod = (await kube.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=cq-absent' })).items[0];
    const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
    expect(waiting?.message).toMatch(/^ErrImageNeverPull: container image ".*" is not present in the node's containerd/);
  }, 60_000);

  test('timings', () => {
    console.log(`code-queue image timings (ms): ${JSON.stringify(timings)}`);
    expect(timings['reuse']).toBeLessThan(timings['build (cold)']);
  });
});

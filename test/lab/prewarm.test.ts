// Prewarm against the lab: the images of k3s/ci/prewarm-images.yaml and the stand-in Tekton
// controller's helper images (digest-pinned upstream: the mirror serves declared stand-ins), mirrored in the lab
// registry, pulled through tinyproxy and imported into a real containerd with identical digests;
// a pull throttled below 1 MB/s is reported as the network/proxy degradation class.
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { prewarmListYaml, useLab } from '../support/lab.ts';
import { startThrottle } from '../../fixtures/lab/registry/throttle.ts';
import { seedPrewarmMirror } from '../../fixtures/lab/registry/prewarm-mirror.ts';
import { loadConfig } from '../../harness/config.ts';
import { CiError } from '../../harness/failure.ts';
import { runProcess } from '../../harness/process/run.ts';
import { prewarmFromConfig } from '../../harness/image/prewarm/from-config.ts';
import { mirroredImages } from '../../fixtures/lab/registry/service.ts';
import { prewarmImages } from '../../harness/image/prewarm/index.ts';
import { parsePrewarmList } from '../../harness/image/prewarm/list.ts';

const lab = useLab(['proxy', 'registry']);

async function ctrImages(): Promise<Map<string, string>> {
  const r = await runProcess('ctr', ['--address', lab.env.UNIDESK_CI_CONTAINERD_ADDRESS, '-n', 'k8s.io', 'images', 'ls']);
  expect(r.exitCode, r.tail).toBe(0);
  return new Map(
    r.stdout
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/))
      .map(([name, , digest]) => [name, digest]),
  );
}

const listOf = prewarmListYaml;

describe('prewarm', () => {
  test('imports every listed image through the proxy with its digest preserved', async () => {
    const config = loadConfig({ ...process.env, ...lab.env });
    const results = await prewarmFromConfig(config, () => undefined, undefined, await mirroredImages());
    const expected = JSON.parse(lab.env.LAB_PREWARM_DIGESTS) as Record<string, string>;
    expect(Object.keys(expected)).toContain('docker.io/oven/bun:1-debian');
    expect(Object.keys(expected).filter((n) => n.startsWith('ghcr.io/tektoncd/pipeline/entrypoint-'))).toHaveLength(1);
    // the step image is not mirrored: install builds and pushes the real one
    expect(Object.keys(expected).filter((n) => n.includes('unidesk/unidesk-ci'))).toEqual([]);
    expect(results.map((r) => [r.image, r.digest, r.action])).toEqual(Object.entries(expected).map(([n, d]) => [n, d, 'imported']));
    // containerd itself, asked independently, holds the same digests
    const stored = await ctrImages();
    for (const [name, digest] of Object.entries(expected)) expect(stored.get(name)).toBe(digest);
    // every pull went through tinyproxy
    const proxyLog = await readFile(lab.env.LAB_PROXY_LOG, 'utf8');
    expect(proxyLog).toContain(`http://${lab.env.UNIDESK_CI_REGISTRY}/v2/oven/bun/manifests/1-debian`);
    expect(proxyLog).toContain(`http://${lab.env.UNIDESK_CI_REGISTRY}/v2/library/unidesk-code-queue/manifests/dev`);
  });

  test('a second prewarm finds everything present and pulls nothing', async () => {
    const before = (await readFile(lab.env.LAB_PROXY_LOG, 'utf8')).length;
    const results = await prewarmFromConfig(loadConfig({ ...process.env, ...lab.env }), () => undefined, undefined, await mirroredImages());
    expect(results.every((r) => r.action === 'present')).toBe(true);
    expect((await readFile(lab.env.LAB_PROXY_LOG, 'utf8')).slice(before)).not.toMatch(/GET http:\/\/.*\/v2\//);
  });

  test('a pull throttled below 1 MB/s is infra.network (provider/main-server network or proxy degradation)', async () => {
    const images = parsePrewarmList(listOf('unidesk-lab/slow:1'));
    const env = { ...process.env, ...lab.env };
    await seedPrewarmMirror(images, { registry: lab.env.UNIDESK_CI_REGISTRY, env, dir: lab.dir, payloadBytes: 3_000_000 });
    await using throttle = await startThrottle(Number(lab.env.UNIDESK_CI_REGISTRY.split(':')[1]), 250_000);
    const started = performance.now();
    const lines: string[] = [];
    const error = await prewarmImages({
      images,
      containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
      proxyUrl: lab.env.UNIDESK_CI_PROXY_URL,
      mirror: `127.0.0.1:${throttle.port}`,
      minBytesPerSec: 1_000_000,
      windowMs: 2_000,
      progressEveryMs: 500,
      log: (l) => lines.push(l),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CiError);
    expect((error as CiError).failureClass).toBe('infra.network');
    expect((error as CiError).message).toContain('provider/main-server network or proxy degradation');
    // judged on the sustained window, not by waiting for the whole 3 MB (12 s at this rate)
    expect(performance.now() - started).toBeLessThan(9_000);
    // the wait was visible while it lasted
    expect(
      lines.some((l) => /^prewarm: docker\.io\/unidesk-lab\/slow:1: [\d.]+ MB so far, \d+ kB\/s$/.test(l)),
      lines.join('\n'),
    ).toBe(true);
    expect((await ctrImages()).has('docker.io/unidesk-lab/slow:1')).toBe(false);

    // the same image unthrottled is fine: the throttle, not the image, made the difference
    const ok = await prewarmImages({
      images,
      containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
      proxyUrl: lab.env.UNIDESK_CI_PROXY_URL,
      mirror: lab.env.UNIDESK_CI_REGISTRY,
      minBytesPerSec: 1_000_000,
      windowMs: 2_000,
      log: () => undefined,
    });
    expect(ok[0].action).toBe('imported');
  });

  test('an unreachable containerd is infra.cluster, named by its socket', async () => {
    const error = await prewarmImages({ images: parsePrewarmList(listOf('alpine/git:2.45.2')), containerdAddress: `${lab.dir}/no-such.sock`, minBytesPerSec: 1, log: () => undefined }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as CiError).failureClass).toBe('infra.cluster');
    expect((error as CiError).message).toContain('no-such.sock');
  });

  test('an image missing from the source registry is infra.registry, nothing imported', async () => {
    const images = parsePrewarmList(listOf('unidesk-lab/absent:1'));
    const error = await prewarmImages({
      images,
      containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
      proxyUrl: lab.env.UNIDESK_CI_PROXY_URL,
      mirror: lab.env.UNIDESK_CI_REGISTRY,
      minBytesPerSec: 1,
      log: () => undefined,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as CiError).failureClass).toBe('infra.registry');
    expect((error as CiError).message).toMatch(/unidesk-lab\/absent:1 does not exist/);
  });
});

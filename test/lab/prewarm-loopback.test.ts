// An image of the node's loopback registry (127.0.0.1:5000, where the step image lives): prewarm
// pulls it directly, not through the egress proxy (which runs elsewhere and would reach its own
// loopback). Under the lab's mirror the same image does go through the proxy, as the public ones do.
// (A small image under its own name: the real step image is what install builds, see test/lab/step-image.test.ts.)
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { prewarmListYaml, useLab } from '../support/lab.ts';
import { seedPrewarmMirror } from '../../fixtures/lab/registry/prewarm-mirror.ts';
import { prewarmImages } from '../../harness/image/prewarm/index.ts';
import { parsePrewarmList } from '../../harness/image/prewarm/list.ts';

const lab = useLab(['proxy', 'registry']);

const HARNESS_IMAGE = '127.0.0.1:5000/unidesk-lab/loopback:1';
let served: Map<string, string>;
beforeAll(async () => {
  served = await seedPrewarmMirror(parsePrewarmList(prewarmListYaml(HARNESS_IMAGE)), { registry: lab.env.UNIDESK_CI_REGISTRY, env: { ...process.env, ...lab.env }, dir: lab.dir });
});
const listOf = prewarmListYaml;
const proxyLog = async () => readFile(lab.env.LAB_PROXY_LOG, 'utf8');
const prewarm = (image: string, mirror?: string, log: string[] = []) =>
  prewarmImages({
    images: parsePrewarmList(listOf(image)),
    containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
    proxyUrl: lab.env.UNIDESK_CI_PROXY_URL,
    mirror,
    minBytesPerSec: 1_000_000,
    log: (l) => log.push(l),
  });

describe('prewarm of the loopback registry image', () => {
  test('the lab mirror does not stand in for the step image (install pushes the real one)', () => {
    expect(Object.keys(JSON.parse(lab.env.LAB_PREWARM_DIGESTS)).filter((n) => n.includes('unidesk/unidesk-ci'))).toEqual([]);
    expect(served.get(HARNESS_IMAGE)).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  test('mirrored: pulled through the proxy; own loopback registry: pulled directly, same digest', async () => {
    const expected = served.get(HARNESS_IMAGE)!;
    const path = '/v2/unidesk-lab/loopback/manifests/1';
    const mirrored = await prewarm(HARNESS_IMAGE, lab.env.UNIDESK_CI_REGISTRY);
    expect(mirrored).toEqual([expect.objectContaining({ image: HARNESS_IMAGE, digest: expected, action: 'imported' })]);
    expect(await proxyLog()).toContain(`http://${lab.env.UNIDESK_CI_REGISTRY}${path}`);

    const before = (await proxyLog()).length;
    const direct = `${lab.env.UNIDESK_CI_REGISTRY}/unidesk-lab/loopback:1`;
    const lines: string[] = [];
    const results = await prewarm(direct, undefined, lines);
    expect(results).toEqual([expect.objectContaining({ image: direct, digest: expected, action: 'imported' })]);
    expect(lines).toContain(`prewarm: pulling ${direct} from ${lab.env.UNIDESK_CI_REGISTRY} directly (loopback registry)`);
    expect((await proxyLog()).slice(before)).not.toContain(path);
  });
});

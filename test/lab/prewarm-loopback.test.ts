// The harness's own step image lives in the node's loopback registry (127.0.0.1:5000): prewarm
// pulls it directly, not through the egress proxy (which runs elsewhere and would reach its own
// loopback). Under the lab's mirror the same image does go through the proxy, as the public ones do.
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { prewarmListYaml, useLab } from '../support/lab.ts';
import { prewarmImages } from '../../harness/image/prewarm/index.ts';
import { parsePrewarmList } from '../../harness/image/prewarm/list.ts';

const lab = useLab(['proxy', 'registry']);

const HARNESS_IMAGE = '127.0.0.1:5000/unidesk/unidesk-ci:0.1.0';
const listOf = prewarmListYaml;
const proxyLog = async () => readFile(lab.env.LAB_PROXY_LOG, 'utf8');
const prewarm = (image: string, mirror?: string, log: string[] = []) =>
  prewarmImages({ images: parsePrewarmList(listOf(image)), containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS, proxyUrl: lab.env.UNIDESK_CI_PROXY_URL, mirror, minBytesPerSec: 1_000_000, log: (l) => log.push(l) });

describe('prewarm of the loopback registry image', () => {
  test('the lab mirror holds the harness step image of k3s/ci/prewarm-images.yaml', () => {
    expect(JSON.parse(lab.env.LAB_PREWARM_DIGESTS)[HARNESS_IMAGE]).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  test('mirrored: pulled through the proxy; own loopback registry: pulled directly, same digest', async () => {
    const expected = JSON.parse(lab.env.LAB_PREWARM_DIGESTS)[HARNESS_IMAGE] as string;
    const path = '/v2/unidesk/unidesk-ci/manifests/0.1.0';
    const mirrored = await prewarm(HARNESS_IMAGE, lab.env.UNIDESK_CI_REGISTRY);
    expect(mirrored).toEqual([expect.objectContaining({ image: HARNESS_IMAGE, digest: expected, action: 'imported' })]);
    expect(await proxyLog()).toContain(`http://${lab.env.UNIDESK_CI_REGISTRY}${path}`);

    const before = (await proxyLog()).length;
    const direct = `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/unidesk-ci:0.1.0`;
    const lines: string[] = [];
    const results = await prewarm(direct, undefined, lines);
    expect(results).toEqual([expect.objectContaining({ image: direct, digest: expected, action: 'imported' })]);
    expect(lines).toContain(`prewarm: pulling ${direct} from ${lab.env.UNIDESK_CI_REGISTRY} directly (loopback registry)`);
    expect((await proxyLog()).slice(before)).not.toContain(path);
  });
});

// Upstream images are multi-platform indexes: prewarm pulls the host platform's manifest and
// blobs only, and containerd records the index digest — the digest the list may pin.
import { expect, test } from 'vitest';
import { prewarmListYaml, useLab } from '../support/lab.ts';
import { pushMultiPlatform } from '../../fixtures/lab/registry/multi-platform.ts';
import { prewarmImages } from '../../harness/image/prewarm/index.ts';
import { parsePrewarmList } from '../../harness/image/prewarm/list.ts';
import { runProcess } from '../../harness/process/run.ts';

const lab = useLab(['proxy', 'registry']);

const listOf = (image: string) => parsePrewarmList(prewarmListYaml(image));
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';

test('a multi-platform index pinned by digest is imported with that digest, host platform only', async () => {
  const pushed = await pushMultiPlatform(lab.env.UNIDESK_CI_REGISTRY, { repository: 'oven/bun', tag: '1-debian' }, 'unidesk-lab/multi', '1', arch);
  const [result] = await prewarmImages({
    images: listOf(`unidesk-lab/multi:1@${pushed.index}`),
    containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
    proxyUrl: lab.env.UNIDESK_CI_PROXY_URL,
    mirror: lab.env.UNIDESK_CI_REGISTRY,
    minBytesPerSec: 1,
    log: () => undefined,
  });
  expect(result).toMatchObject({ action: 'imported', digest: pushed.index });
  const ls = await runProcess('ctr', ['--address', lab.env.UNIDESK_CI_CONTAINERD_ADDRESS, '-n', 'k8s.io', 'images', 'ls']);
  expect(ls.stdout).toMatch(new RegExp(`docker\\.io/unidesk-lab/multi:1@${pushed.index}\\s+application/vnd\\.oci\\.image\\.index\\.v1\\+json\\s+${pushed.index}`));
  // the other platform's manifest was never fetched
  const content = await runProcess('ctr', ['--address', lab.env.UNIDESK_CI_CONTAINERD_ADDRESS, '-n', 'k8s.io', 'content', 'ls', '-q']);
  expect(content.stdout).toContain(pushed.host.slice(7));
  expect(content.stdout).not.toContain(pushed.other.slice(7));
});

test('a list pinned to a digest the source no longer serves is refused, nothing imported', async () => {
  const stale = `sha256:${'e'.repeat(64)}`;
  const error = await prewarmImages({
    images: listOf(`unidesk-lab/multi:1@${stale}`),
    containerdAddress: lab.env.UNIDESK_CI_CONTAINERD_ADDRESS,
    proxyUrl: lab.env.UNIDESK_CI_PROXY_URL,
    mirror: lab.env.UNIDESK_CI_REGISTRY,
    minBytesPerSec: 1,
    log: () => undefined,
  }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(/does not exist in the source registry|not the pinned digest/);
});

// Prewarm as the run configuration describes it: the list file, the node's containerd socket,
// the egress proxy, the optional mirror (the lab), the throughput floor and its window.
import type { RunConfig } from '../../config.ts';
import { prewarmImages, type PrewarmResult } from './index.ts';
import { readPrewarmList } from './list.ts';

export async function prewarmFromConfig(config: RunConfig, log: (line: string) => void, signal?: AbortSignal): Promise<PrewarmResult[]> {
  const images = await readPrewarmList(config.raw.UNIDESK_CI_PREWARM_IMAGES_FILE);
  return prewarmImages({
    images,
    containerdAddress: config.raw.UNIDESK_CI_CONTAINERD_ADDRESS,
    proxyUrl: config.proxy.url,
    mirror: config.raw.UNIDESK_CI_PREWARM_MIRROR,
    minBytesPerSec: config.raw.UNIDESK_CI_MIN_PULL_BYTES_PER_SEC,
    windowMs: config.raw.UNIDESK_CI_PULL_WINDOW_MS,
    signal: signal ?? AbortSignal.timeout(config.waitMs),
    log,
  });
}

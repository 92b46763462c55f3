// Prewarm as the run configuration describes it: the list file (plus what install adds: the
// Tekton helper images and the step image), the node's containerd socket, the egress proxy, the
// optional mirror (the lab) with its stand-in digests, the throughput floor and its window.
import { z } from 'zod';
import type { RunConfig } from '../../config.ts';
import { CiError } from '../../failure.ts';
import { throughMirror } from './compose.ts';
import { prewarmImages, type PrewarmResult } from './index.ts';
import { readPrewarmList, type PrewarmImage } from './list.ts';

const standIns = z.record(z.string().regex(/^sha256:[a-f0-9]{64}$/), z.string().regex(/^sha256:[a-f0-9]{64}$/));

export function mirrorStandIns(config: RunConfig): Record<string, string> {
  const raw = config.prewarm.mirrorDigests;
  if (!raw) return {};
  const parsed = standIns.safeParse(
    (() => {
      try {
        return JSON.parse(raw);
      } catch {
        return undefined;
      }
    })(),
  );
  if (!parsed.success) throw new CiError('input', 'UNIDESK_CI_PREWARM_MIRROR_DIGESTS: expected a JSON object of sha256 digests (pinned → stand-in)');
  return parsed.data;
}

/** `images` replaces the list file's entries (install passes the composed list). */
export async function prewarmFromConfig(config: RunConfig, log: (line: string) => void, signal?: AbortSignal, images?: readonly PrewarmImage[]): Promise<PrewarmResult[]> {
  const list = images ?? (await readPrewarmList(config.prewarm.imagesFile));
  const mirror = config.prewarm.mirror;
  return prewarmImages({
    images: mirror ? throughMirror(list, mirrorStandIns(config)) : list,
    containerdAddress: config.prewarm.containerdAddress,
    proxyUrl: config.proxy.url,
    mirror,
    minBytesPerSec: config.prewarm.minBytesPerSec,
    windowMs: config.prewarm.windowMs,
    signal: signal ?? AbortSignal.timeout(config.waitMs),
    log,
  });
}

// Prewarm (seed: "ci install also prewarms the D601 k3s containerd runtime ..."): images the CI
// needs are checked in the node's containerd; missing ones are pulled through the egress proxy,
// imported with their digests preserved and verified by digest. Throughput is measured; sustained
// < 1 MB/s is infra.network (provider/main-server network or proxy degradation).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent } from 'undici';
import { CiError } from '../../failure.ts';
import { redact } from '../../redact.ts';
import { createRegistryClient } from '../../registry/client.ts';
import { manifestReference } from '../../registry/reference.ts';
import { containerdImages, importLayoutVerified } from './containerd.ts';
import type { PrewarmImage } from './list.ts';
import { pullToLayout } from './pull.ts';
import { formatRate, throughputMeter } from './throughput.ts';

export type PrewarmOptions = {
  images: readonly PrewarmImage[];
  containerdAddress: string;
  /** Egress proxy every pull goes through (http://host:port). */
  proxyUrl?: string;
  /** Pull from this loopback registry instead of each image's own (the lab's mirror). */
  mirror?: string;
  minBytesPerSec: number;
  windowMs?: number;
  /** How often a running pull prints a progress line (default 5 s). */
  progressEveryMs?: number;
  signal?: AbortSignal;
  log: (line: string) => void;
};

/**
 * A registry on loopback (the harness's own step image at 127.0.0.1:5000) is local to wherever
 * prewarm runs; the egress proxy runs elsewhere and would reach its own loopback, so such an image
 * is pulled directly (NO_PROXY lists 127.0.0.1 for the same reason). The lab's mirror stands in for
 * the public registries, so mirrored pulls keep going through the proxy like theirs would.
 */
const LOOPBACK_REGISTRY = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/;

export function pullsThroughProxy(registry: string, mirror: string | undefined): boolean {
  return mirror !== undefined || !LOOPBACK_REGISTRY.test(registry);
}

/** The progress line of a pull; the proxy URL may carry credentials, so it is redacted. */
export function pullingLine(name: string, source: string, via: 'proxy' | 'direct' | 'none', proxyUrl?: string): string {
  const how = via === 'proxy' ? ` through ${redact(proxyUrl ?? '')}` : via === 'direct' ? ' directly (loopback registry)' : '';
  return `prewarm: pulling ${name} from ${source}${how}`;
}

export type PrewarmResult = { image: string; digest: string; action: 'present' | 'imported'; bytes?: number; bytesPerSec?: number };

export async function prewarmImages(o: PrewarmOptions): Promise<PrewarmResult[]> {
  const dispatcher = o.proxyUrl ? new ProxyAgent({ uri: o.proxyUrl, proxyTunnel: false }) : undefined;
  const work = await mkdtemp(join(tmpdir(), 'unidesk-ci-prewarm-'));
  try {
    const results: PrewarmResult[] = [];
    const have = await containerdImages(o.containerdAddress, o.signal);
    for (const image of o.images) {
      const present = have.get(image.name);
      if (present && (!image.digest || present === image.digest)) {
        o.log(`prewarm: ${image.name} present (${present})`);
        results.push({ image: image.name, digest: present, action: 'present' });
        continue;
      }
      results.push(await pullAndImport(image, o, work, dispatcher));
    }
    return results;
  } finally {
    await dispatcher?.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function pullAndImport(image: PrewarmImage, o: PrewarmOptions, work: string, dispatcher?: ProxyAgent): Promise<PrewarmResult> {
  const source = o.mirror ?? image.registry;
  const proxied = dispatcher && pullsThroughProxy(image.registry, o.mirror) ? dispatcher : undefined;
  const client = createRegistryClient({ registry: source, dispatcher: proxied, transportFailure: 'infra.network', timeoutMs: 60_000 });
  const meter = throughputMeter(image.name, { minBytesPerSec: o.minBytesPerSec, windowMs: o.windowMs ?? 10_000 });
  const dir = join(work, String(Math.random()).slice(2));
  o.log(pullingLine(image.name, source, proxied ? 'proxy' : o.proxyUrl ? 'direct' : 'none', o.proxyUrl));
  const pulled = await pullToLayout({
    client,
    repository: image.repository,
    reference: manifestReference(image),
    dir,
    imageName: image.name,
    tag: image.tag,
    meter,
    signal: o.signal,
    onProgress: o.log,
    progressEveryMs: o.progressEveryMs,
  });
  if (image.digest && pulled.digest !== image.digest) {
    throw new CiError('infra.registry', `${image.name}: ${source} served ${pulled.digest}, not the pinned digest`);
  }
  const { bytes, bytesPerSec } = meter.summary();
  o.log(`prewarm: ${image.name} ${pulled.digest} pulled, ${bytes} bytes at ${formatRate(bytesPerSec)}`);
  await importLayoutVerified(o.containerdAddress, dir, image.name, pulled.digest, o.signal);
  o.log(`prewarm: ${image.name} imported into containerd with digest ${pulled.digest}`);
  return { image: image.name, digest: pulled.digest, action: 'imported', bytes, bytesPerSec };
}

// Pull one image into an OCI layout: the manifest (and the platform's manifest under an index),
// the config and the layers, every blob hash-checked, layer bytes metered. A watchdog aborts the
// pull as soon as the meter says the transfer is degraded, instead of waiting out the timeout.
import { CiError } from '../../failure.ts';
import type { RegistryClient } from '../../registry/client.ts';
import { isIndex } from '../../registry/media-types.ts';
import { imageIndex, imageManifest, type Descriptor } from '../../registry/schemas.ts';
import { initLayout, streamBlob, writeBlob, writeIndex } from './layout.ts';
import { formatRate, type ThroughputMeter } from './throughput.ts';

export type PullOptions = {
  client: RegistryClient;
  repository: string;
  /** Tag or digest. */
  reference: string;
  dir: string;
  /** The name containerd gets (e.g. docker.io/oven/bun:1-debian). */
  imageName: string;
  tag?: string;
  meter: ThroughputMeter;
  signal?: AbortSignal;
  checkEveryMs?: number;
  /** Progress line every `progressEveryMs` (default 5 s) while bytes are flowing. */
  onProgress?: (line: string) => void;
  progressEveryMs?: number;
};

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export async function pullToLayout(o: PullOptions): Promise<{ digest: string; mediaType: string; size: number }> {
  const watchdog = new AbortController();
  const every = o.checkEveryMs ?? 250;
  let sinceProgress = 0;
  const timer = setInterval(() => {
    const degraded = o.meter.verdict();
    if (degraded) watchdog.abort(degraded);
    sinceProgress += every;
    if (o.onProgress && sinceProgress >= (o.progressEveryMs ?? 5_000)) {
      sinceProgress = 0;
      const s = o.meter.summary();
      o.onProgress(`prewarm: ${o.imageName}: ${(s.bytes / 1e6).toFixed(1)} MB so far, ${formatRate(s.bytesPerSec)}`);
    }
  }, every);
  const signal = o.signal ? AbortSignal.any([o.signal, watchdog.signal]) : watchdog.signal;
  try {
    return await pull(o, signal);
  } catch (e) {
    if (watchdog.signal.aborted) throw watchdog.signal.reason as CiError;
    if (e instanceof CiError || o.signal?.aborted) throw e;
    // a connection dropped mid-transfer: the path to the registry, not the image
    throw new CiError('infra.network', `pulling ${o.imageName} from ${o.client.registry} broke off: ${(e as Error).message}`);
  } finally {
    clearInterval(timer);
  }
}

async function pull(o: PullOptions, signal: AbortSignal) {
  await initLayout(o.dir);
  const where = `${o.client.registry}/${o.repository}:${o.reference}`;
  const top = await o.client.manifest(o.repository, o.reference, signal);
  if (!top) throw new CiError('infra.registry', `${where} does not exist in the source registry`);
  await writeBlob(o.dir, top.digest, top.body);
  let manifestBody = top.body;
  if (isIndex(top.mediaType)) {
    const arch = ARCH[process.arch] ?? process.arch;
    const child = imageIndex.parse(JSON.parse(top.body.toString('utf8'))).manifests.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === arch);
    if (!child) throw new CiError('infra.registry', `${where} has no linux/${arch} image`);
    const m = await o.client.manifest(o.repository, child.digest, signal);
    if (!m) throw new CiError('infra.registry', `${where}: platform manifest ${child.digest} is missing`);
    await writeBlob(o.dir, m.digest, m.body);
    manifestBody = m.body;
  }
  const manifest = imageManifest.parse(JSON.parse(manifestBody.toString('utf8')));
  await writeBlob(o.dir, manifest.config.digest, await o.client.blob(o.repository, manifest.config.digest, signal));
  for (const layer of manifest.layers) await pullLayer(o, layer, signal);
  const descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.body.length };
  await writeIndex(o.dir, descriptor as Descriptor, o.imageName, o.tag);
  return descriptor;
}

async function pullLayer(o: PullOptions, layer: Descriptor, signal: AbortSignal): Promise<void> {
  const body = await o.client.blobStream(o.repository, layer.digest, signal);
  await streamBlob(o.dir, layer.digest, body, (n) => o.meter.add(n), signal);
}

// One published image from the loopback registry into the node's containerd (namespace k8s.io,
// where the kubelet looks), the prewarm way: pulled by its digest into an OCI layout, imported with
// digests preserved and verified by digest. The node then runs pods of `imageRef` without a pull.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiError } from '../failure.ts';
import { createRegistryClient } from '../registry/client.ts';
import { formatImageRef, isDigest, parseImageRef } from '../registry/reference.ts';
import { containerdImages, importLayoutVerified } from './prewarm/containerd.ts';
import { pullToLayout } from './prewarm/pull.ts';
import { throughputMeter } from './prewarm/throughput.ts';

export type NodeImportOptions = {
  /** <registry>/<repository>:<tag> as the pods name it (a digest-only ref is named by its digest). */
  imageRef: string;
  /** The manifest digest the publication verified: what is pulled and what containerd must hold. */
  digest: string;
  /** The loopback registry host:port the image is served from. */
  registry: string;
  containerdAddress: string;
  signal?: AbortSignal;
  log: (line: string) => void;
};

export type NodeImport = { image: string; digest: string; action: 'present' | 'imported' };

/** The name containerd keeps the image under: the reference without a digest when it has a tag. */
export function nodeImageName(imageRef: string): string {
  const r = parseImageRef(imageRef);
  return formatImageRef(r.tag ? { ...r, digest: undefined } : r);
}

export async function importToNode(o: NodeImportOptions): Promise<NodeImport> {
  const ref = parseImageRef(o.imageRef);
  if (ref.registry !== o.registry) throw new CiError('input', `${o.imageRef} is not in the loopback registry ${o.registry}: the node imports only what CI published there`);
  if (!isDigest(o.digest)) throw new CiError('input', `importing ${o.imageRef}: ${JSON.stringify(o.digest)} is not a sha256 digest`);
  if (ref.digest && ref.digest !== o.digest) throw new CiError('input', `${o.imageRef} names digest ${ref.digest}, not ${o.digest}`);
  const name = nodeImageName(o.imageRef);
  const held = (await containerdImages(o.containerdAddress, o.signal)).get(name);
  if (held === o.digest) {
    o.log(`node import: ${name} already in containerd with digest ${held}`);
    return { image: name, digest: held, action: 'present' };
  }
  const work = await mkdtemp(join(tmpdir(), 'unidesk-ci-node-import-'));
  try {
    const client = createRegistryClient({ registry: o.registry, transportFailure: 'infra.registry', timeoutMs: 60_000 });
    // loopback: no network between registry and node, so no throughput floor
    const meter = throughputMeter(name, { minBytesPerSec: 0, windowMs: 60_000 });
    const dir = join(work, 'layout');
    o.log(`node import: pulling ${ref.registry}/${ref.repository}@${o.digest}${held ? ` (containerd held ${held})` : ''}`);
    const pulled = await pullToLayout({ client, repository: ref.repository, reference: o.digest, dir, imageName: name, tag: ref.tag, meter, signal: o.signal });
    if (pulled.digest !== o.digest) throw new CiError('infra.registry', `${name}: the registry served ${pulled.digest} for ${o.digest}`);
    await importLayoutVerified(o.containerdAddress, dir, name, o.digest, o.signal);
    o.log(`node import: ${name} imported into containerd with digest ${o.digest} (${meter.summary().bytes} layer bytes)`);
    return { image: name, digest: o.digest, action: 'imported' };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

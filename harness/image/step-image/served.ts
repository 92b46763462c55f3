// Is the step image served? Asked over the registry's HTTP API (never buildah's local storage):
// the tag resolves to a single image whose labels carry the content hash. Used by reuse
// (ensure.ts) and by the lab's step runner, which runs a step only for the checkout's own image.
import { createRegistryClient, type RegistryClient } from '../../registry/client.ts';
import { assertRegistryHealthy } from '../../registry/health.ts';
import { readRemoteImage } from '../../registry/labels.ts';
import { parseImageRef } from '../../registry/reference.ts';
import { BASE_IMAGE_LABEL, CONTENT_HASH_LABEL } from './reference.ts';

export type ServedStepImage = { digest: string; contentHash?: string; baseImage?: string; labels: Record<string, string> };

/**
 * The image behind `ref`'s repository and tag, read from `registry` (the ref's own host may be
 * the node's view of the same registry). undefined when the tag does not exist; infra.registry
 * when the registry is unhealthy.
 */
export async function servedStepImage(registry: string, ref: string, signal?: AbortSignal, client?: RegistryClient): Promise<ServedStepImage | undefined> {
  const parsed = parseImageRef(ref);
  const c = client ?? createRegistryClient({ registry, transportFailure: 'infra.registry', timeoutMs: 30_000 });
  await assertRegistryHealthy(c, signal);
  const image = await readRemoteImage(c, parsed.repository, parsed.digest ?? parsed.tag ?? '', signal);
  if (!image) return undefined;
  return { digest: image.digest, contentHash: image.labels[CONTENT_HASH_LABEL], baseImage: image.labels[BASE_IMAGE_LABEL], labels: image.labels };
}

export type ReuseDecision = { reuse: true; digest: string } | { reuse: false; why: string };

/** Pure: may a served image stand for this checkout? Only with the same content hash and base. */
export function reuseDecision(served: ServedStepImage | undefined, want: { contentHash: string; baseImage: string }): ReuseDecision {
  if (!served) return { reuse: false, why: 'the registry does not have that tag' };
  if (served.contentHash !== want.contentHash) return { reuse: false, why: `the served image's ${CONTENT_HASH_LABEL} is ${served.contentHash ?? '(missing)'}, not ${want.contentHash}` };
  if (served.baseImage !== want.baseImage) return { reuse: false, why: `the served image was built FROM ${served.baseImage ?? '(unknown)'}, not ${want.baseImage}` };
  return { reuse: true, digest: served.digest };
}

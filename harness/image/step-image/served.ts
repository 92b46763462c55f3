// Is the step image served? Asked over the registry's HTTP API (never buildah's local storage):
// the tag resolves to a single image whose labels carry the content hash. Used by reuse
// (ensure.ts); checkoutStepImage is the one answer to "is this checkout's step image served" that
// install (as a check), `unidesk-ci status` and the lab's step runner give.
import { createRegistryClient, type RegistryClient } from '../../registry/client.ts';
import { assertRegistryHealthy } from '../../registry/health.ts';
import { readRemoteImage } from '../../registry/labels.ts';
import { parseImageRef } from '../../registry/reference.ts';
import { REPO_ROOT } from '../../tekton/crd-files.ts';
import { BASE_IMAGE_LABEL, CONTENT_HASH_LABEL } from './reference.ts';
import { stepImageTag } from './tag.ts';

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
export type CheckoutStepImage = { state: 'served'; digest: string } | { state: 'missing' | 'other-content'; why: string };

/** Pure: is `served` built from the content whose hash is `own`? The one answer for reuse, install's check, status and the lab. */
export function checkoutVerdict(served: ServedStepImage | undefined, own: string): CheckoutStepImage {
  if (!served) return { state: 'missing', why: 'the registry does not have that tag' };
  if (served.contentHash !== own) return { state: 'other-content', why: `the served image's ${CONTENT_HASH_LABEL} is ${served.contentHash ?? '(missing)'}, not ${own}` };
  return { state: 'served', digest: served.digest };
}

/** Pure: may a served image stand for this checkout? Only with the same content hash and base. */
export function reuseDecision(served: ServedStepImage | undefined, want: { contentHash: string; baseImage: string }): ReuseDecision {
  const v = checkoutVerdict(served, want.contentHash);
  if (v.state !== 'served') return { reuse: false, why: v.why };
  if (served!.baseImage !== want.baseImage) return { reuse: false, why: `the served image was built FROM ${served!.baseImage ?? '(unknown)'}, not ${want.baseImage}` };
  return { reuse: true, digest: v.digest };
}

/** Is the step image `ref` served by `registry` and built from this checkout (`why` names the fix)? infra.registry when the registry is unhealthy. */
export async function checkoutStepImage(registry: string, ref: string, signal?: AbortSignal): Promise<CheckoutStepImage> {
  const v = checkoutVerdict(await servedStepImage(registry, ref, signal), (await stepImageTag(REPO_ROOT)).contentHash);
  return v.state === 'served' ? v : { ...v, why: `${ref} on ${registry}: ${v.why} (unidesk-ci install builds and pushes this checkout's)` };
}

// Service image publication as one call (CLI, benchmark, dev-e2e), in the order the gates run it.
import type { ArtifactRecord } from '../results.ts';
import type { ServiceImage } from '../service-image.ts';
import { buildFromFreshClone, pushBuiltImage } from './build.ts';
import { findExisting } from './existing.ts';
import { verifyInRegistry, writeOutputs } from './outputs.ts';
import { resolveSource } from './source.ts';
import { need, startPublication, type PublishContext, type Publication } from './state.ts';
import { checkRegistryHealth, checkRequestedTarget } from './target.ts';

export { startPublication, type PublishContext, type Publication } from './state.ts';
export { checkRequestedTarget, checkRegistryHealth } from './target.ts';
export { resolveSource } from './source.ts';
export { findExisting } from './existing.ts';
export { buildFromFreshClone, pushBuiltImage } from './build.ts';
export { verifyInRegistry, writeOutputs } from './outputs.ts';
export { BACKEND_CORE_IMAGE, CODE_QUEUE_IMAGE, type ServiceImage } from '../service-image.ts';

export type PublishStep = readonly [name: string, run: (p: Publication) => Promise<void> | void];

export const PUBLISH_STEPS: ReadonlyArray<PublishStep> = [
  ['target', checkRequestedTarget],
  ['registry health', checkRegistryHealth],
  ['source', resolveSource],
  ['existing', findExisting],
  ['build', buildFromFreshClone],
  ['push', pushBuiltImage],
  ['verify', verifyInRegistry],
];

/**
 * The steps of a publication whose commit the caller already resolved (dev-e2e: the dev environment's pin).
 * `source` only checks that the remote has the commit on a branch (unless the caller found it there); `build` and `push` do nothing
 * when `existing` found the tag with this commit's identity labels.
 */
export const SERVICE_PUBLISH_STEPS: ReadonlyArray<PublishStep> = PUBLISH_STEPS.filter(([name]) => name !== 'target');

export async function publishBackendCoreImage(ctx: PublishContext): Promise<ArtifactRecord & { recordFile: string }> {
  const p = startPublication(ctx);
  for (const [, step] of PUBLISH_STEPS) await step(p);
  return writeOutputs(p);
}

export type ServicePublication = { commit: string; imageRef: string; digest: string; built: boolean; labels: Record<string, string> };

export function publicationResult(p: Publication): ServicePublication {
  return { commit: need(p.commit, 'the commit'), imageRef: need(p.imageRef, 'the image reference'), digest: need(p.digest, 'the digest'), built: p.built, labels: need(p.labels, 'the labels') };
}

/** Build or reuse the image of `image` at `commit` in the loopback registry, verified through the registry API. */
export async function publishServiceImage(ctx: PublishContext, o: { image: ServiceImage; commit: string; branches?: readonly string[] }): Promise<ServicePublication> {
  const p = startPublication(ctx, o);
  for (const [, step] of SERVICE_PUBLISH_STEPS) await step(p);
  return publicationResult(p);
}

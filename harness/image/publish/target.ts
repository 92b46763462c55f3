// Where the image may go, decided before anything is resolved, built or pushed:
// the requested target (if any) must pass the tag policy; the registry must be healthy.
import { assertRegistryHealthy } from '../../registry/health.ts';
import { assertPublishRef } from '../../registry/tag-policy.ts';
import type { Publication } from './state.ts';

/** UNIDESK_CI_IMAGE_REF, when given, is checked now (registry, repository, no latest, 40-hex tag). */
export function checkRequestedTarget(p: Publication): void {
  const requested = p.config.source.imageRef;
  if (requested) assertPublishRef(requested, p.config.registry);
}

export async function checkRegistryHealth(p: Publication): Promise<void> {
  p.log(`artifact: checking registry ${p.registry.baseUrl}/v2/`);
  await assertRegistryHealthy(p.registry, p.signal);
}

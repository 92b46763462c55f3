// The labels every service image carries (seed: "The image must carry at least ..."),
// plus the standard OCI revision/source/created annotations as labels.
import { BACKEND_CORE_IMAGE, type ServiceImage } from './service-image.ts';

export const BACKEND_CORE_SERVICE_ID = BACKEND_CORE_IMAGE.serviceId;
export const BACKEND_CORE_DOCKERFILE = BACKEND_CORE_IMAGE.dockerfile;
/** Build context of the Dockerfile: the repository root. */
export const BACKEND_CORE_CONTEXT = '.';

export type LabelInput = { commit: string; sourceRepo: string; created: string };

export function serviceLabels(image: ServiceImage, i: LabelInput): Record<string, string> {
  return {
    'unidesk.ai/service-id': image.serviceId,
    'unidesk.ai/source-repo': i.sourceRepo,
    'unidesk.ai/source-commit': i.commit,
    'unidesk.ai/dockerfile': image.dockerfile,
    'org.opencontainers.image.revision': i.commit,
    'org.opencontainers.image.source': i.sourceRepo,
    'org.opencontainers.image.created': i.created,
  };
}

/** The labels that identify the source; `created` is excluded so a republish can be recognised. */
export function serviceIdentityLabels(image: ServiceImage, i: Omit<LabelInput, 'created'>): Record<string, string> {
  const { 'org.opencontainers.image.created': _created, ...rest } = serviceLabels(image, { ...i, created: '' });
  return rest;
}

export const backendCoreLabels = (i: LabelInput) => serviceLabels(BACKEND_CORE_IMAGE, i);
export const identityLabels = (i: Omit<LabelInput, 'created'>) => serviceIdentityLabels(BACKEND_CORE_IMAGE, i);

// The labels every backend-core image carries (seed: "The image must carry at least ..."),
// plus the standard OCI revision/source/created annotations as labels.
export const BACKEND_CORE_SERVICE_ID = 'backend-core';
export const BACKEND_CORE_DOCKERFILE = 'src/components/backend-core/Dockerfile';
/** Build context of the Dockerfile: the repository root. */
export const BACKEND_CORE_CONTEXT = '.';

export type LabelInput = { commit: string; sourceRepo: string; created: string };

export function backendCoreLabels(i: LabelInput): Record<string, string> {
  return {
    'unidesk.ai/service-id': BACKEND_CORE_SERVICE_ID,
    'unidesk.ai/source-repo': i.sourceRepo,
    'unidesk.ai/source-commit': i.commit,
    'unidesk.ai/dockerfile': BACKEND_CORE_DOCKERFILE,
    'org.opencontainers.image.revision': i.commit,
    'org.opencontainers.image.source': i.sourceRepo,
    'org.opencontainers.image.created': i.created,
  };
}

/** The labels that identify the source; `created` is excluded so a republish can be recognised. */
export function identityLabels(i: Omit<LabelInput, 'created'>): Record<string, string> {
  const { 'org.opencontainers.image.created': _created, ...rest } = backendCoreLabels({ ...i, created: '' });
  return rest;
}

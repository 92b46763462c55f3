// Where the step image lives: `<registry>/unidesk/unidesk-ci:<tag>`, the registry being the
// node's loopback one (UNIDESK_CI_REGISTRY). The labels that identify it: the content hash is
// what reuse and the lab's step runner compare with the checkout's own.
export const STEP_IMAGE_REPOSITORY = 'unidesk/unidesk-ci';
export const STEP_IMAGE_SERVICE_ID = 'unidesk-ci';
export const CONTENT_HASH_LABEL = 'unidesk.ai/content-hash';
export const BASE_IMAGE_LABEL = 'unidesk.ai/base-image';
export const SOURCE_COMMIT_LABEL = 'unidesk.ai/source-commit';
export const SERVICE_ID_LABEL = 'unidesk.ai/service-id';

export function stepImageRefFor(registry: string, tag: string): string {
  return `${registry}/${STEP_IMAGE_REPOSITORY}:${tag}`;
}

export type StepImageLabelInput = { contentHash: string; baseImage: string; commit?: string };

export function stepImageLabels(i: StepImageLabelInput): Record<string, string> {
  return {
    [SERVICE_ID_LABEL]: STEP_IMAGE_SERVICE_ID,
    [CONTENT_HASH_LABEL]: i.contentHash,
    [BASE_IMAGE_LABEL]: i.baseImage,
    ...(i.commit ? { [SOURCE_COMMIT_LABEL]: i.commit } : {}),
  };
}

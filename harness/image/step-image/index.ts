// The harness step image (k3s/image/Containerfile): every k3s/ci Task step runs it.
//   stepImageTag(root)              `<version>-<content hash>` of a checkout (memoised)
//   stepImageRef(registry, root?)   `<registry>/unidesk/unidesk-ci:<tag>`
//   ensureStepImage({registry,...}) reuse or build + push + verify by digest
//   servedStepImage(registry, ref)  what the registry serves under that tag: digest, content hash
//   checkoutStepImage(registry, ref) served and built from this checkout, or missing / other content
export { stepImageTag, computeStepImageTag, hashEntries, projectFiles, FILE_LIST, type StepImageTag } from './tag.ts';
export { CONTENT_HASH_LABEL, BASE_IMAGE_LABEL, SOURCE_COMMIT_LABEL, STEP_IMAGE_REPOSITORY, stepImageLabels, stepImageRefFor } from './reference.ts';
export { servedStepImage, reuseDecision, checkoutStepImage, type ServedStepImage, type ReuseDecision, type CheckoutStepImage } from './served.ts';
export { ensureStepImage, type EnsureOptions, type EnsuredStepImage } from './ensure.ts';
export { DEFAULT_STEP_BASE_IMAGE, basePinProblem, stepBaseImage } from './base.ts';
export { buildCacheDir, stepImageBuildEnv } from './storage.ts';
import { REPO_ROOT } from '../../tekton/crd-files.ts';
import { stepImageRefFor } from './reference.ts';
import { stepImageTag } from './tag.ts';

export async function stepImageRef(registry: string, root: string = REPO_ROOT): Promise<string> {
  return stepImageRefFor(registry, (await stepImageTag(root)).tag);
}

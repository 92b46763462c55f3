// Applying k3s/ci (or UNIDESK_CI_MANIFESTS_DIR): the policies run on the loaded manifests first, so
// a `latest` image, a NodePort listener or a wildcard Role is refused before the first request to
// the API server — not reported afterwards by the install gate. What is checked and applied is
// the rendered k3s/ci (render.ts): the step image named by this checkout's tag.
import { CiError } from '../failure.ts';
import { applyObjects, type ApplyResult } from './apply.ts';
import type { Kube } from './kube.ts';
import { stepImageTag } from '../image/step-image/tag.ts';
import { REPO_ROOT } from '../tekton/crd-files.ts';
import { kustomizationImages, loadManifests } from './manifests.ts';
import type { Manifest } from './objects.ts';
import { policyViolations, type Violation } from './policy.ts';
import { renderImages, withStepImageTag } from './render.ts';

export function policyError(violations: readonly Violation[], source: string): CiError {
  const n = violations.length;
  return new CiError('input', `${source} violates ${n} polic${n === 1 ? 'y' : 'ies'}:\n  ${violations.map((v) => `${v.object}: ${v.rule}: ${v.message}`).join('\n  ')}`, {
    hint: 'fix the manifests (docs/manifests.md lists the policies); nothing was applied',
  });
}

/** The manifests of `dir` rendered for the checkout at `root` (its step image tag), unchecked. */
export async function loadRenderedManifests(dir: string, root: string = REPO_ROOT): Promise<Manifest[]> {
  const objects = (await loadManifests(dir)).map((m) => m.object);
  const images = await kustomizationImages(dir);
  if (!images.length) return objects; // a plain directory (tests' own manifests): nothing to render
  return renderImages(objects, withStepImageTag(images, (await stepImageTag(root)).tag));
}

/** The rendered manifests of `dir`, refused with an `input` CiError if any policy is violated. */
export async function loadCheckedManifests(dir: string): Promise<Manifest[]> {
  const objects = await loadRenderedManifests(dir);
  const violations = policyViolations(objects);
  if (violations.length) throw policyError(violations, `k3s/ci (${dir})`);
  return objects;
}

/** Policy check, then server-side apply; a violation means no request at all. */
export async function applyCiManifests(kube: Kube, dir: string): Promise<ApplyResult[]> {
  return applyObjects(kube, await loadCheckedManifests(dir));
}

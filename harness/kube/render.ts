// Rendering k3s/ci before server-side apply: the kustomization's `images:` transform (kustomize
// semantics: an image whose name equals `name` gets `newName`, `newTag` and/or `digest`) applied to
// every Task/Pipeline step, sidecar and stepTemplate image and every pod container image — the
// fields k3s/ci/kustomizeconfig.yaml names for `kubectl kustomize`. The step image's mapping gets
// this checkout's tag, so the Tasks run exactly the image built from the same files; its reference
// is added to the prewarm ConfigMap, which then lists everything a step runs.
import { loopbackRegistry } from '../config.ts';
import { CiError } from '../failure.ts';
import { PREWARM_CONFIGMAP_NAME } from './prewarm-coverage.ts';
import { stepsOf } from './task-steps.ts';
import type { Manifest } from './objects.ts';

/** The symbolic name every k3s/ci step uses for the harness step image. */
export const STEP_IMAGE_NAME = 'unidesk-ci-step';

export type ImageMapping = { name: string; newName?: string; newTag?: string; digest?: string };

type Any = Record<string, any>; // free-form manifests, as in policy.ts

/** The name part of a reference (no tag, no digest), as kustomize matches it. */
export function imageName(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/** Pure: one reference through the mappings (first match wins, as in kustomize). */
export function mapImage(ref: string, mappings: readonly ImageMapping[]): string {
  const m = mappings.find((x) => x.name === imageName(ref));
  if (!m) return ref;
  const [noDigest, oldDigest] = ref.split('@') as [string, string | undefined];
  const colon = noDigest.lastIndexOf(':');
  const oldTag = colon > noDigest.lastIndexOf('/') ? noDigest.slice(colon + 1) : undefined;
  const tag = m.digest ? undefined : (m.newTag ?? oldTag);
  const digest = m.digest ?? (m.newTag ? undefined : oldDigest);
  return `${m.newName ?? m.name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/** The step image mapping with this checkout's tag (refused when the kustomization lacks one). */
export function withStepImageTag(mappings: readonly ImageMapping[], tag: string): ImageMapping[] {
  const step = mappings.find((m) => m.name === STEP_IMAGE_NAME);
  if (!step) throw new CiError('input', `k3s/ci/kustomization.yaml: images has no entry for ${STEP_IMAGE_NAME} (the step image every Task names)`);
  // the step image is pushed to and pulled from the node's loopback registry only
  const registry = (step.newName ?? '').split('/')[0]!;
  if (!loopbackRegistry.safeParse(registry).success)
    throw new CiError('input', `k3s/ci/kustomization.yaml: ${STEP_IMAGE_NAME} maps to ${step.newName ?? '(no newName)'}, which is not on a loopback registry (127.0.0.1:<port>)`);
  return mappings.map((m) => (m.name === STEP_IMAGE_NAME ? { ...m, newTag: tag } : m));
}

/** Pure: rendered copies of the objects; the inputs are left untouched. */
export function renderImages(objects: readonly Manifest[], mappings: readonly ImageMapping[]): Manifest[] {
  const out = objects.map((o) => structuredClone(o) as Any);
  const used = new Set<string>();
  const map = (holder: Any) => {
    if (typeof holder?.image !== 'string') return;
    const rendered = mapImage(holder.image, mappings);
    if (rendered !== holder.image) used.add(rendered);
    holder.image = rendered;
  };
  for (const o of out) {
    for (const { step } of stepsOf(o)) map(step.name === 'stepTemplate' ? stepTemplateOf(o, step) : step);
    for (const c of [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])]) map(c);
  }
  const list = out.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === PREWARM_CONFIGMAP_NAME);
  if (list && typeof list.data?.images === 'string') {
    const lines = (list.data.images as string).split('\n').map((l) => l.trim());
    const missing = [...used].filter((u) => !lines.includes(u));
    if (missing.length) list.data.images = `${(list.data.images as string).replace(/\n*$/, '\n')}${missing.join('\n')}\n`;
  }
  return out as Manifest[];
}

/** stepsOf() hands out a copy for stepTemplates; the real one is in the spec. */
function stepTemplateOf(o: Any, copy: Any): Any {
  const specs = o.kind === 'Task' ? [o.spec] : [...(o.spec?.tasks ?? []), ...(o.spec?.finally ?? [])].map((t: Any) => t.taskSpec);
  return specs.find((s: Any) => s?.stepTemplate && s.stepTemplate.image === copy.image)?.stepTemplate ?? copy;
}

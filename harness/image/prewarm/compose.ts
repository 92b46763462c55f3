// The full prewarm list `install` works through: the ConfigMap file's third-party images, the
// Tekton helper images the installed controller injects (tekton-helpers.ts) and the step image
// of this checkout, in that order, each once.
import type { HelperImage } from './tekton-helpers.ts';
import { pinnedImage, type PrewarmImage } from './list.ts';

export function composePrewarmList(listed: readonly PrewarmImage[], helpers: readonly HelperImage[], stepImage?: string): PrewarmImage[] {
  const out = [...listed];
  const seen = new Set(out.map((i) => i.name));
  const add = (i: PrewarmImage) => {
    if (seen.has(i.name)) return;
    seen.add(i.name);
    out.push(i);
  };
  for (const h of helpers) add(pinnedImage(h.image, `tekton-pipelines-controller -${h.flag}`));
  if (stepImage) add(pinnedImage(stepImage, 'the step image'));
  return out;
}

/**
 * The lab's mirror cannot hold upstream's bytes, so for an image pinned by digest it serves a
 * stand-in and says which (UNIDESK_CI_PREWARM_MIRROR_DIGESTS, pinned digest → stand-in digest).
 * Pure: the entries as pulled from that mirror; every other entry is unchanged. Prewarm still
 * verifies the stand-in's digest end to end.
 */
export function throughMirror(images: readonly PrewarmImage[], standIns: Readonly<Record<string, string>>): PrewarmImage[] {
  return images.map((i) => (i.digest && standIns[i.digest] ? { ...i, digest: standIns[i.digest] } : i));
}

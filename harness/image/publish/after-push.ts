// The tag after our push: between "the tag is free" (existing.ts) and the push, a concurrent
// publisher may have pushed the same tag. Read it back at once and settle (docs/artifact-registry.md):
// our digest → done; another build of this commit (same labels) → the tag's image is the commit's
// image, reported instead of ours; anything else → infra.registry naming both digests.
import { CiError } from '../../failure.ts';
import { labelMismatches, readRemoteImage } from '../../registry/labels.ts';
import { need, type Publication } from './state.ts';

export async function settleTagAfterPush(p: Publication, pushed: string): Promise<string> {
  const imageRef = need(p.imageRef, 'the image reference');
  const image = await readRemoteImage(p.registry, p.image.repository, need(p.commit, 'the commit'), p.signal);
  if (!image) throw new CiError('infra.registry', `${imageRef} does not resolve after the push of ${pushed} (the registry lost or never stored it)`);
  if (image.digest === pushed) return pushed;
  const wrong = labelMismatches(image.labels, need(p.labels, 'the labels'));
  if (wrong.length) {
    throw new CiError(
      'infra.registry',
      `${imageRef} was pushed concurrently by another publisher: the tag holds ${image.digest}, not the ${pushed} this run pushed, and it is not this commit's ${p.image.serviceId} image:\n  ${wrong.join('\n  ')}`,
      {
        hint: `find who else publishes to ${imageRef}; commit tags are immutable here: delete it deliberately, then publish again`,
      },
    );
  }
  p.log(`artifact: ${imageRef} was pushed concurrently by another publisher of this commit: the tag holds ${image.digest} (this run pushed ${pushed}, now untagged); reporting the tag's digest`);
  p.labels = image.labels;
  return image.digest;
}

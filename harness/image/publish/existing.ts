// Republishing a commit is idempotent: when its tag already holds an image with this commit's
// identity labels, that image's digest is reported and nothing is cloned, built or pushed.
// A tag holding anything else is a registry inconsistency, never silently overwritten.
import { CiError } from '../../failure.ts';
import { labelMismatches, readRemoteImage } from '../../registry/labels.ts';
import { need, type Publication } from './state.ts';

export async function findExisting(p: Publication): Promise<void> {
  const commit = need(p.commit, 'the commit');
  const image = await readRemoteImage(p.registry, p.image.repository, commit, p.signal);
  if (!image) return;
  const wrong = labelMismatches(image.labels, need(p.labels, 'the labels'));
  if (wrong.length) {
    throw new CiError('infra.registry', `${p.imageRef} already exists but is not this commit's ${p.image.serviceId} image:\n  ${wrong.join('\n  ')}`, {
      hint: `commit tags are immutable here: delete ${p.imageRef} from the registry deliberately, then publish again`,
    });
  }
  p.log(`artifact: ${p.imageRef} already published as ${image.digest}; reusing it (no rebuild)`);
  p.existing = image;
  p.digest = image.digest;
  p.labels = image.labels;
}

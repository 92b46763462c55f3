// Verify through the registry API, then hand the ref and digest on as deployment input.
// CI is only the producer: nothing here restarts, applies or edits deploy.json.
import { verifyPublishedImage } from '../../registry/labels.ts';
import { writeArtifactRecord, writeTektonResults, type ArtifactRecord } from '../results.ts';
import { need, type Publication } from './state.ts';

export async function verifyInRegistry(p: Publication): Promise<void> {
  const commit = need(p.commit, 'the commit');
  await verifyPublishedImage(p.registry, p.image.repository, commit, { digest: need(p.digest, 'the digest'), labels: need(p.labels, 'the labels') }, p.signal);
  p.log(`artifact: verified ${p.imageRef}@${p.digest} and its labels through ${p.registry.baseUrl}`);
}

/** The artifact gate's outputs (its record is backend-core's); other services hand on publicationResult(). */
export async function writeOutputs(p: Publication): Promise<ArtifactRecord & { recordFile: string }> {
  // unclassified: a harness bug (only backend-core's record reaches here)
  if (p.image.serviceId !== 'backend-core') throw new Error(`writeOutputs: the artifact record is backend-core's, not ${p.image.serviceId}'s`);
  const imageRef = need(p.imageRef, 'the image reference');
  const digest = need(p.digest, 'the digest');
  const record: ArtifactRecord = {
    serviceId: 'backend-core',
    commit: need(p.commit, 'the commit'),
    imageRef,
    imageDigest: digest,
    pinnedRef: `${imageRef}@${digest}`,
    sourceRepo: p.remote,
    labels: need(p.labels, 'the labels'),
    built: p.built,
    publishedAt: new Date().toISOString(),
  };
  await writeTektonResults(p.resultsDir, { IMAGE_URL: imageRef, IMAGE_DIGEST: digest });
  const recordFile = await writeArtifactRecord(p.config.reportDir, record);
  return { ...record, recordFile };
}

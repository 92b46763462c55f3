// The publication's outputs, the deployment input CD consumes: Tekton-style result files
// (IMAGE_URL, IMAGE_DIGEST; no trailing newline, as Tekton reads them verbatim) and a JSON record.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const artifactRecord = z.object({
  serviceId: z.literal('backend-core'),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  imageRef: z.string(),
  imageDigest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
  /** imageRef@imageDigest: what a deploy pins. */
  pinnedRef: z.string(),
  sourceRepo: z.string(),
  labels: z.record(z.string(), z.string()),
  /** false when the tag already held this commit's image and nothing was rebuilt. */
  built: z.boolean(),
  publishedAt: z.string(),
});
export type ArtifactRecord = z.infer<typeof artifactRecord>;

export async function writeTektonResults(dir: string, results: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, value] of Object.entries(results)) await writeFile(join(dir, name), value);
}

export function artifactRecordPath(reportDir: string, commit: string): string {
  return join(reportDir, 'artifact', `backend-core-${commit}.json`);
}

export async function writeArtifactRecord(reportDir: string, record: ArtifactRecord): Promise<string> {
  const file = artifactRecordPath(reportDir, record.commit);
  await mkdir(join(reportDir, 'artifact'), { recursive: true });
  await writeFile(file, `${JSON.stringify(artifactRecord.parse(record), null, 2)}\n`);
  return file;
}

// The prewarm list: ConfigMap unidesk-ci-prewarm-images, data key `images`, one image per line,
// each pinned by tag or digest. `latest` (written or implied) is refused before anything is pulled.
// The file holds the third-party images; install adds the Tekton helpers (read from the
// controller Deployment) and the step image (computed): see compose.ts.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { CiError } from '../../failure.ts';
import { formatImageRef, parseImageRef, type ImageRef } from '../../registry/reference.ts';

export const PREWARM_CONFIGMAP = 'unidesk-ci-prewarm-images';

const configMap = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata: z.object({ name: z.literal(PREWARM_CONFIGMAP) }).passthrough(),
  data: z.object({ images: z.string() }).passthrough(),
});

export type PrewarmImage = ImageRef & { name: string; line: string };

export function parsePrewarmList(yamlText: string, source = 'prewarm list'): PrewarmImage[] {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (e) {
    throw new CiError('input', `${source}: not YAML (${(e as Error).message})`);
  }
  const cm = configMap.safeParse(doc);
  if (!cm.success) {
    const i = cm.error.issues[0];
    throw new CiError('input', `${source}: expected ConfigMap ${PREWARM_CONFIGMAP} with data.images (${i.path.join('.') || '(root)'}: ${i.message})`);
  }
  const lines = cm.data.data.images
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (!lines.length) throw new CiError('input', `${source}: data.images lists no image`);
  return lines.map((line) => pinnedImage(line, source));
}

/** One prewarm entry: pinned by tag or digest, never `latest` (written or implied). */
export function pinnedImage(line: string, source: string): PrewarmImage {
  const ref = parseImageRef(line);
  if (!ref.tag && !ref.digest) throw new CiError('input', `${source}: ${line} is not pinned (an untagged image means latest); pin it by tag or digest`);
  if (ref.tag === 'latest' && !ref.digest) throw new CiError('input', `${source}: ${line} uses the mutable tag latest; pin it by a version tag or digest`);
  return { ...ref, line, name: formatImageRef(ref) };
}

export async function readPrewarmList(file: string): Promise<PrewarmImage[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CiError('input', `prewarm list ${file} cannot be read (${(e as NodeJS.ErrnoException).code}); set UNIDESK_CI_PREWARM_IMAGES_FILE`);
  }
  return parsePrewarmList(text, file);
}

// An image that is not what a tag claims: built from the lab's base with other identity labels and
// pushed under <registry>/<repository>:<tag> with the real buildah, so a publication that finds the
// tag must refuse to reuse it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, pushImage } from '../../harness/image/buildah.ts';

export const IMPOSTOR_LABELS = { 'unidesk.ai/service-id': 'impostor', 'unidesk.ai/dockerfile': 'Dockerfile.impostor' };

/** Returns the pushed digest. `env` carries the lab's buildah configuration (lab.env). */
export async function pushImpostorImage(o: { registry: string; repository: string; tag: string; env: NodeJS.ProcessEnv; labels?: Record<string, string> }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'impostor-'));
  try {
    await writeFile(join(dir, 'Dockerfile'), 'FROM docker.io/library/busybox:1.36.1\nRUN echo impostor > /IMPOSTOR\n');
    const local = `localhost/impostor:${o.tag}`;
    await buildImage({ contextDir: dir, dockerfile: 'Dockerfile', tag: local, labels: o.labels ?? IMPOSTOR_LABELS }, { env: o.env, timeoutMs: 120_000 });
    return await pushImage(local, `${o.registry}/${o.repository}:${o.tag}`, { env: o.env, timeoutMs: 120_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Build from a fresh clone of the resolved commit (never the caller's tree), in a temp dir that
// is removed afterwards; then push with --digestfile.
import { git } from '../../git/exec.ts';
import { gitAccessFrom } from '../../git/access.ts';
import { freshClone } from '../../git/clone.ts';
import { buildImage, pushImage } from '../buildah.ts';
import { buildCacheRepository } from '../build-cache.ts';
import { serviceLabels } from '../labels.ts';
import { settleTagAfterPush } from './after-push.ts';
import { need, type Publication } from './state.ts';

export async function buildFromFreshClone(p: Publication): Promise<void> {
  if (p.existing) return;
  const commit = need(p.commit, 'the commit');
  p.log(`artifact: cloning ${p.remote} at ${commit}`);
  await using src = await freshClone({ ...gitAccessFrom(p.config), remote: p.remote, signal: p.signal, commit, purpose: 'artifact', name: 'src' });
  // created = the commit's time: the same commit always gets the same label set
  const created = (await git(['show', '-s', '--format=%cI', commit], { cwd: src.dir, fallback: 'input' })).stdout.trim();
  const labels = serviceLabels(p.image, { commit, sourceRepo: p.remote, created: new Date(created).toISOString() });
  const localImage = `localhost/${p.image.repository}:${commit}`;
  // the layers of earlier runs (the build storage is an emptyDir): build-cache.ts
  const cacheRepository = buildCacheRepository(p.config.registry, p.image);
  p.log(`artifact: buildah build ${p.image.dockerfile} → ${localImage} (layer cache ${cacheRepository})`);
  await buildImage(
    { contextDir: src.dir, dockerfile: p.image.dockerfile, tag: localImage, labels, cacheRepository },
    {
      env: p.env,
      signal: p.signal,
      timeoutMs: p.config.waitMs,
      onLine: (l) => p.log(`buildah: ${l}`),
    },
  );
  p.labels = labels;
  p.localImage = localImage;
  p.built = true;
}

export async function pushBuiltImage(p: Publication): Promise<void> {
  if (p.existing) return;
  const imageRef = need(p.imageRef, 'the image reference');
  p.log(`artifact: buildah push → ${imageRef}`);
  const pushed = await pushImage(need(p.localImage, 'the built image'), imageRef, { env: p.env, signal: p.signal, timeoutMs: p.config.waitMs });
  p.log(`artifact: pushed ${imageRef} as ${pushed}`);
  p.digest = await settleTagAfterPush(p, pushed);
}

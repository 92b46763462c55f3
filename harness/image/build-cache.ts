// The build cache across runs (seed: "Docker build cache" on D601). The build storage is an
// emptyDir, so every run starts empty; buildah's intermediate layers are kept in the loopback
// registry instead: `--layers --cache-to/--cache-from <registry>/<repository>-cache`. buildah tags
// each cached layer with its 64-hex cache key (never `latest`, never a commit tag), so the cache
// repository never holds a deployable name. Why not a PVC: a ReadWriteOnce volume serialises
// concurrent publishers and hands one untrusted build's writable storage to the next
// (docs/build-isolation.md).
import { loopbackRegistry } from '../config.ts';
import { CiError } from '../failure.ts';
import type { ServiceImage } from './service-image.ts';

/** `<registry>/<service repository>-cache`: a repository (no tag), as --cache-to/--cache-from take it. */
export function buildCacheRepository(registry: string, image: ServiceImage): string {
  if (!loopbackRegistry.safeParse(registry).success) {
    throw new CiError('input', `refusing the build cache in ${JSON.stringify(registry)}: the cache lives only in the loopback artifact registry`);
  }
  return `${registry}/${image.repository}-cache`;
}

/** buildah build arguments that read and write the layer cache in `repository`. */
export function buildCacheArgs(repository: string | undefined): string[] {
  return repository ? ['--cache-from', repository, '--cache-to', repository] : [];
}

// A persistent buildah storage for the step image (and the lab's Debian base), under the build
// cache dir: the apt layer and the node_modules layer survive between installs, lab starts and CI
// runs on the same machine, so a new commit rebuilds only the project layer. overlay (not vfs):
// vfs copies every layer whole on each RUN/COPY, which costs minutes with a 1 GB image.
import { writeStorageConf } from '../storage-conf.ts';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${XDG_CACHE_HOME:-~/.cache}/unidesk-ci` unless UNIDESK_CI_BUILD_CACHE_DIR says otherwise. */
export function buildCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.UNIDESK_CI_BUILD_CACHE_DIR) return env.UNIDESK_CI_BUILD_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'unidesk-ci');
}

/** The buildah environment of the step image build: the caller's, with the persistent storage. */
export async function stepImageBuildEnv(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  return { ...env, CONTAINERS_STORAGE_CONF: await writeStorageConf(join(buildCacheDir(env), 'containers'), 'overlay') };
}

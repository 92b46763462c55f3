// A buildah storage of its own under `dir` (images in dir/storage, runtime state in dir/run),
// described by the containers-storage.conf this writes; CONTAINERS_STORAGE_CONF points at it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** overlay is fast for big images; vfs leaves no mounts behind. Returns the file's path. */
export async function writeStorageConf(dir: string, driver: 'overlay' | 'vfs'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'storage.conf');
  await writeFile(conf, `[storage]\ndriver = "${driver}"\nrunroot = "${join(dir, 'run')}"\ngraphroot = "${join(dir, 'storage')}"\n`);
  return conf;
}

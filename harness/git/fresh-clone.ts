// A fresh clone of one resolved commit in a temporary directory of its own, removed on dispose
// and when the clone itself fails: the commit gate's checkout and an image build's context.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneAt, type CloneOptions } from './clone.ts';

export type FreshClone = AsyncDisposable & { dir: string };

/** Clones into <tmp>/unidesk-ci-<purpose>-*\/<name>; the temporary root is the caller's to use too (the commit sandbox's HOME). */
export async function freshClone({ purpose, name, ...o }: Omit<CloneOptions, 'dir'> & { purpose: string; name: string }): Promise<FreshClone> {
  const root = await mkdtemp(join(tmpdir(), `unidesk-ci-${purpose}-`));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    const dir = join(root, name);
    await cloneAt({ ...o, dir });
    return { dir, [Symbol.asyncDispose]: dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

// A fresh clone of the remote checked out (detached) at one resolved commit; freshClone's in a
// temporary directory of its own (the commit gate's checkout, an image build's context).
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiError } from '../failure.ts';
import { git } from './exec.ts';
import { checkRemote, type RemoteOptions } from './remote.ts';
import { FULL_SHA } from './revision.ts';

export type CloneOptions = RemoteOptions & { commit: string; dir: string };

export async function cloneAt(o: CloneOptions): Promise<void> {
  checkRemote(o.remote, o.allowFileRemote);
  if (!FULL_SHA.test(o.commit)) throw new CiError('input', `cloneAt needs a full 40-character commit, got ${JSON.stringify(o.commit)}: resolve the revision first`);
  await mkdir(o.dir, { recursive: true });
  if ((await readdir(o.dir)).length > 0) throw new CiError('input', `clone target ${o.dir} is not empty: a CI checkout always starts fresh`);
  await git(['clone', '--no-checkout', '--', o.remote, o.dir], o);
  const co = await git(['checkout', '--quiet', '--detach', o.commit, '--'], { cwd: o.dir, signal: o.signal, allowFailure: true });
  if (co.exitCode !== 0) {
    throw new CiError('input', `commit ${o.commit} is not in the clone of ${o.remote}: it was never pushed (or was force-pushed away)`, {
      command: co.command,
      exitCode: co.exitCode,
      outputTail: co.tail,
    });
  }
  const head = (await git(['rev-parse', 'HEAD'], { cwd: o.dir, fallback: 'input' })).stdout.trim();
  if (head !== o.commit) throw new CiError('input', `checkout ended at ${head}, not ${o.commit}`);
}

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

// Which of the remote's branches contain a commit — asked of the remote itself, not of a local clone.
import { CiError } from '../failure.ts';
import { git } from './exec.ts';
import { openMirror, type RemoteOptions } from './remote.ts';
import { FULL_SHA } from './revision.ts';

/** The remote branches containing `commit`; none (or a commit the remote lacks) → `input`. */
export async function remoteContains(o: RemoteOptions & { commit: string }): Promise<string[]> {
  if (!FULL_SHA.test(o.commit)) throw new CiError('input', `remoteContains needs a full 40-character commit, got ${JSON.stringify(o.commit)}`);
  await using mirror = await openMirror(o);
  const known = await git(['cat-file', '-e', `${o.commit}^{commit}`], { cwd: mirror.dir, allowFailure: true });
  const branches =
    known.exitCode === 0
      ? (await git(['for-each-ref', '--format=%(refname:short)', '--contains', o.commit, 'refs/heads'], { cwd: mirror.dir, fallback: 'input' })).stdout.split('\n').filter(Boolean)
      : [];
  if (!branches.length) {
    throw new CiError('input', `commit ${o.commit} is on no branch of ${o.remote}: only pushed commits may be built; push it first`);
  }
  return branches;
}

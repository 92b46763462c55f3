// Guards for "the image source is pushed Git": a dirty worktree or a commit that no remote-tracking
// branch contains is refused. These read the worktree's own remote-tracking refs (as last fetched);
// remoteContains() asks the remote itself.
import { CiError } from '../failure.ts';
import { git } from './exec.ts';
import { FULL_SHA } from './revision.ts';

async function headOf(dir: string, commit = 'HEAD'): Promise<string> {
  const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}^{commit}`], { cwd: dir, fallback: 'input', allowFailure: true });
  const sha = r.stdout.trim();
  if (r.exitCode !== 0 || !FULL_SHA.test(sha)) throw new CiError('input', `${commit} is not a commit in ${dir}`, { command: r.command, exitCode: r.exitCode, outputTail: r.tail });
  return sha;
}

export async function assertClean(dir: string): Promise<void> {
  const r = await git(['status', '--porcelain=v1', '--untracked-files=normal'], { cwd: dir, fallback: 'input' });
  const changed = r.stdout.split('\n').filter(Boolean);
  if (changed.length) {
    const shown =
      changed
        .slice(0, 10)
        .map((l) => l.trim())
        .join(', ') + (changed.length > 10 ? `, ... (${changed.length} in all)` : '');
    throw new CiError('input', `worktree ${dir} is dirty (${shown}): a dirty worktree is never an image source; commit and push, then give the pushed revision`);
  }
}

/** Clean worktree and the commit (default HEAD) contained in a remote-tracking branch; returns the commit. */
export async function assertPushed(dir: string, commit?: string): Promise<string> {
  await assertClean(dir);
  const sha = await headOf(dir, commit);
  const r = await git(['for-each-ref', '--format=%(refname:short)', '--contains', sha, 'refs/remotes'], { cwd: dir, fallback: 'input' });
  const branches = r.stdout.split('\n').filter((b) => b && !b.endsWith('/HEAD'));
  if (!branches.length) {
    throw new CiError('input', `commit ${sha} is not on any remote branch: unpushed local commits are never an image source; push it first`);
  }
  return sha;
}

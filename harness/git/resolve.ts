// A requested revision (branch, tag, short or full SHA) → the full 40-character commit on the remote.
// Refs are answered by ls-remote alone; SHAs are looked up in the fetched history, so a commit that
// exists only in someone's local clone is unknown here.
import { CiError } from '../failure.ts';
import { git } from './exec.ts';
import { lsRemote, openMirror, type RemoteOptions } from './remote.ts';
import { FULL_SHA, matchRevision, unknownRevision } from './revision.ts';

export type ResolveOptions = RemoteOptions & { revision: string };

export type Resolved = { commit: string; ref?: string };

export async function resolveRevisionDetailed(o: ResolveOptions): Promise<Resolved> {
  const refs = await lsRemote(o);
  const m = matchRevision(refs, o.revision);
  if (m && 'commit' in m) return m;
  if (!m) throw unknownRevision(o.revision, refs);
  await using mirror = await openMirror(o);
  const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${o.revision}^{commit}`], { cwd: mirror.dir, allowFailure: true });
  if (r.exitCode !== 0) {
    // `--quiet` hides git's own "is ambiguous": ask which commits the prefix matches
    const commits = await commitsWithPrefix(mirror.dir, o.revision.toLowerCase());
    if (commits.length > 1) {
      const shown = commits.slice(0, 5).join(', ') + (commits.length > 5 ? `, ... (${commits.length} commits)` : '');
      throw new CiError('input', `short SHA ${o.revision} is ambiguous: matches ${shown}; give more characters or the full 40-character commit`);
    }
    throw unknownRevision(o.revision, refs);
  }
  const commit = r.stdout.trim();
  if (!FULL_SHA.test(commit)) throw new CiError('input', `git resolved ${o.revision} to ${JSON.stringify(commit)}, not a commit`);
  return { commit };
}

/** The commits (not trees) of the mirror whose names start with `prefix`. */
async function commitsWithPrefix(dir: string, prefix: string): Promise<string[]> {
  const r = await git(['rev-parse', `--disambiguate=${prefix}`], { cwd: dir, allowFailure: true });
  const objects = r.stdout.split('\n').filter((l) => FULL_SHA.test(l));
  const commits: string[] = [];
  for (const sha of objects) {
    const t = await git(['cat-file', '-t', sha], { cwd: dir, allowFailure: true });
    if (t.stdout.trim() === 'commit') commits.push(sha);
  }
  return commits.sort();
}

export async function resolveRevision(o: ResolveOptions): Promise<string> {
  return (await resolveRevisionDetailed(o)).commit;
}

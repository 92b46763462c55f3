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
    if (/ambiguous/i.test(r.stderr)) {
      throw new CiError('input', `short SHA ${o.revision} is ambiguous on the remote: give more characters or the full 40-character commit`);
    }
    throw unknownRevision(o.revision, refs);
  }
  const commit = r.stdout.trim();
  if (!FULL_SHA.test(commit)) throw new CiError('input', `git resolved ${o.revision} to ${JSON.stringify(commit)}, not a commit`);
  return { commit };
}

export async function resolveRevision(o: ResolveOptions): Promise<string> {
  return (await resolveRevisionDetailed(o)).commit;
}

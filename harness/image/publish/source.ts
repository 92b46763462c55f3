// The image source is pushed Git: the revision resolves on the remote to a full commit that a
// remote branch contains. A caller's worktree, if named, must be clean and pushed, and is still
// never built from: the build uses a fresh clone of the commit.
import { gitAccessFrom } from '../../git/access.ts';
import { assertPushed } from '../../git/worktree.ts';
import { resolveRevisionDetailed } from '../../git/resolve.ts';
import { remoteContains } from '../../git/contains.ts';
import { FULL_SHA } from '../../git/revision.ts';
import { CiError } from '../../failure.ts';
import { assertServicePublishRef, serviceImageRef } from '../../registry/tag-policy.ts';
import { serviceIdentityLabels } from '../labels.ts';
import type { Publication } from './state.ts';

export async function resolveSource(p: Publication): Promise<void> {
  const access = { ...gitAccessFrom(p.config), remote: p.remote, signal: p.signal, onLine: (l: string) => p.log(`git: ${l}`) };
  if (p.pinnedCommit !== undefined) return checkPinnedCommit(p, access);
  const worktree = p.config.source.worktree;
  const revision = worktree ? await assertPushed(worktree) : p.config.revision;
  p.log(`artifact: resolving ${revision} on ${p.remote}`);
  const { commit, ref } = await resolveRevisionDetailed({ ...access, revision });
  // a branch head is on that branch by definition; anything else (tag, SHA) is asked of the remote
  const branches = ref?.startsWith('refs/heads/') ? [ref.slice('refs/heads/'.length)] : await remoteContains({ ...access, commit });
  p.log(`artifact: ${revision} → ${commit} (on ${branches.join(', ')})`);
  p.commit = commit;
  p.imageRef = serviceImageRef(p.image, p.config.registry, commit);
  const requested = p.config.source.imageRef;
  if (requested) assertServicePublishRef(p.image, requested, p.config.registry, commit);
  p.labels = serviceIdentityLabels(p.image, { commit, sourceRepo: p.remote });
}

/** A commit the caller resolved (the dev environment's pin): full 40 hex and on a branch of the remote (as the caller found it, else asked), or `input`. */
async function checkPinnedCommit(p: Publication, access: Omit<Parameters<typeof remoteContains>[0], 'commit'>): Promise<void> {
  const commit = p.pinnedCommit!;
  if (!FULL_SHA.test(commit)) throw new CiError('input', `the ${p.image.serviceId} commit ${JSON.stringify(commit)} is not a full 40-character lowercase SHA`);
  const branches = p.pinnedOn?.length ? p.pinnedOn : await remoteContains({ ...access, commit });
  p.log(`artifact: ${p.image.serviceId} commit ${commit} is on ${branches.join(', ')} of ${p.remote}`);
  p.commit = commit;
  p.imageRef = serviceImageRef(p.image, p.config.registry, commit);
  p.labels = serviceIdentityLabels(p.image, { commit, sourceRepo: p.remote });
}

// The image source is pushed Git: the revision resolves on the remote to a full commit that a
// remote branch contains. A caller's worktree, if named, must be clean and pushed, and is still
// never built from: the build uses a fresh clone of the commit.
import { gitAccessFrom } from '../../git/access.ts';
import { assertPushed } from '../../git/worktree.ts';
import { resolveRevisionDetailed } from '../../git/resolve.ts';
import { remoteContains } from '../../git/contains.ts';
import { assertPublishRef, backendCoreRef } from '../../registry/tag-policy.ts';
import { identityLabels } from '../labels.ts';
import type { Publication } from './state.ts';

export async function resolveSource(p: Publication): Promise<void> {
  const access = { ...gitAccessFrom(p.config), remote: p.remote, signal: p.signal, onLine: (l: string) => p.log(`git: ${l}`) };
  const worktree = p.config.raw.UNIDESK_CI_SOURCE_WORKTREE;
  const revision = worktree ? await assertPushed(worktree) : p.config.revision;
  p.log(`artifact: resolving ${revision} on ${p.remote}`);
  const { commit, ref } = await resolveRevisionDetailed({ ...access, revision });
  // a branch head is on that branch by definition; anything else (tag, SHA) is asked of the remote
  const branches = ref?.startsWith('refs/heads/') ? [ref.slice('refs/heads/'.length)] : await remoteContains({ ...access, commit });
  p.log(`artifact: ${revision} → ${commit} (on ${branches.join(', ')})`);
  p.commit = commit;
  p.imageRef = backendCoreRef(p.config.registry, commit);
  const requested = p.config.raw.UNIDESK_CI_IMAGE_REF;
  if (requested) assertPublishRef(requested, p.config.registry, commit);
  p.labels = identityLabels({ commit, sourceRepo: p.remote });
}

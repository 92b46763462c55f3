// Step 1 mechanics: resolve the requested revision on the remote and clone it into a fresh
// workspace that the gate removes afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { required, type RunConfig } from '../../harness/config.ts';
import { cloneAt, gitAccessFrom, resolveRevisionDetailed } from '../../harness/git/index.ts';
import { redact } from '../../harness/redact.ts';

export type Checkout = { dir: string; commit: string; ref?: string; [Symbol.asyncDispose]: () => Promise<void> };

/** `onResolved` learns the commit before the clone, so a failing clone is still reported against it. */
export async function checkoutRevision(config: RunConfig, signal?: AbortSignal, onResolved?: (commit: string) => void): Promise<Checkout> {
  const remote = required(config.repoUrl, 'UNIDESK_CI_REPO_URL', 'the git remote of the UniDesk repository (http/https, no credentials in it)');
  const access = gitAccessFrom(config);
  const onLine = (l: string) => console.log(`[commit : clone] ${l}`);
  // the proxy URL may carry credentials
  console.log(redact(`[commit : clone] resolving ${config.revision} on ${remote}${access.proxy.url ? ` via ${access.proxy.url}` : ''}`));
  const resolved = await resolveRevisionDetailed({ remote, revision: config.revision, ...access, signal });
  onResolved?.(resolved.commit);
  const root = await mkdtemp(join(tmpdir(), 'unidesk-ci-commit-'));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    const dir = join(root, 'unidesk');
    console.log(`[commit : clone] cloning ${resolved.commit}`);
    await cloneAt({ remote, commit: resolved.commit, dir, ...access, signal, onLine });
    return { dir, commit: resolved.commit, ref: resolved.ref, [Symbol.asyncDispose]: dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

// Step 1 mechanics: resolve the requested revision on the remote and clone it into a fresh
// workspace that the gate removes afterwards.
import { required, type RunConfig } from '../config.ts';
import { freshClone, gitAccessFrom, resolveRevisionDetailed, type FreshClone } from '../git/index.ts';
import { redact } from '../redact.ts';

export type Checkout = FreshClone & { commit: string; ref?: string };

/** `onResolved` learns the commit before the clone, so a failing clone is still reported against it. */
export async function checkoutRevision(config: RunConfig, signal?: AbortSignal, onResolved?: (commit: string) => void): Promise<Checkout> {
  const remote = required(config.repoUrl, 'UNIDESK_CI_REPO_URL', 'the git remote of the UniDesk repository (http/https, no credentials in it)');
  const access = gitAccessFrom(config);
  // the proxy URL may carry credentials
  console.log(redact(`[commit : clone] resolving ${config.revision} on ${remote}${access.proxy.url ? ` via ${access.proxy.url}` : ''}`));
  const resolved = await resolveRevisionDetailed({ remote, revision: config.revision, ...access, signal });
  onResolved?.(resolved.commit);
  console.log(`[commit : clone] cloning ${resolved.commit}`);
  const clone = await freshClone({ remote, commit: resolved.commit, ...access, signal, onLine: (l) => console.log(`[commit : clone] ${l}`), purpose: 'commit', name: 'unidesk' });
  return { ...clone, commit: resolved.commit, ref: resolved.ref };
}

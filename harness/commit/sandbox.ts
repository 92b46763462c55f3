// Before code of the commit runs (docs/commit-gate.md): the clone is done (the credentials were
// used by git alone), the checkout belongs to the sandbox uid with a HOME and TMPDIR of its own,
// and that uid can read no ServiceAccount token — else the step fails closed.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CiError } from '../failure.ts';
import { readableBy, sandboxUser, type SandboxUser } from '../process/sandbox.ts';
import { REPO_CHECK_SERVICE_ACCOUNT } from '../tekton/untrusted-accounts.ts';
import type { RepoSandbox } from './commands.ts';

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * `checkoutDir`'s parent (the checkout's own temporary root) with home/ and tmp/, handed to uid
 * `sandboxUid` when root; says who runs repository code, and fails closed when it could read a ServiceAccount token.
 */
export async function prepareSandbox(checkoutDir: string, sandboxUid: number): Promise<RepoSandbox> {
  const user = sandboxUser(sandboxUid);
  const root = dirname(checkoutDir);
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  await mkdir(home, { recursive: true });
  await mkdir(tmp, { recursive: true });
  if (user) await promisify(execFile)('chown', ['-R', `${user.uid}:${user.gid}`, root]);
  console.log(
    user
      ? `[commit : sandbox] repository commands run as uid ${user.uid}:${user.gid} (no supplementary groups, no_new_privs), HOME ${home}`
      : `[commit : sandbox] not root: repository commands run as the current user (uid ${process.getuid?.() ?? '?'}), no separate uid`,
  );
  assertNoServiceAccountToken(user);
  return { user, home, tmp };
}

/** Fail closed: a ServiceAccount token readable by repository code is a credential handed to the commit. */
export function assertNoServiceAccountToken(user: SandboxUser | undefined, token = SERVICE_ACCOUNT_TOKEN): void {
  if (!readableBy(user, token)) return;
  const who = user ? `uid ${user.uid}` : 'the current user';
  throw new CiError(
    'infra.cluster',
    `the ServiceAccount token ${token} is readable by ${who}, which runs code of the commit under test: refusing to run it (the PipelineRun must put repo-check on ServiceAccount ${REPO_CHECK_SERVICE_ACCOUNT} in taskRunSpecs)`,
    {
      hint: `create the PipelineRun with taskRunSpecs [{pipelineTaskName: repo-check, serviceAccountName: ${REPO_CHECK_SERVICE_ACCOUNT}}] (the CLI and the TriggerTemplate do); that ServiceAccount sets automountServiceAccountToken: false`,
    },
  );
}

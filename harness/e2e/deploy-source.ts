// Step 1 of the dev-e2e gate: deploy.json is read from origin/master of the remote — never from
// the revision under test or a local tree — and the dev Code Queue commit it pins must be pushed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CiError } from '../failure.ts';
import { remoteContains } from '../git/contains.ts';
import { git, gitFailure } from '../git/exec.ts';
import { checkRemote, type RemoteOptions } from '../git/remote.ts';
import { DEPLOY_FILE, devServicePin, type DevServicePin } from './deploy-json.ts';

export const DEPLOY_BRANCH = 'master';

export type DevPin = DevServicePin & { master: string; branches: string[] };

export async function readDevPin(o: RemoteOptions): Promise<DevPin> {
  checkRemote(o.remote);
  const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-deploy-'));
  try {
    await git(['init', '--bare', '--quiet', dir], { fallback: 'input' });
    const fetched = await git(['fetch', '--quiet', '--depth=1', '--', o.remote, `refs/heads/${DEPLOY_BRANCH}`], { ...o, cwd: dir, allowFailure: true });
    if (fetched.exitCode !== 0) {
      if (/couldn't find remote ref/i.test(fetched.tail)) throw new CiError('input', `${o.remote} has no ${DEPLOY_BRANCH} branch: ${DEPLOY_FILE} is read from origin/${DEPLOY_BRANCH}`);
      // the git taxonomy (auth, proxy, network) decides the class
      throw gitFailure(fetched, o);
    }
    const master = (await git(['rev-parse', 'FETCH_HEAD'], { cwd: dir, fallback: 'input' })).stdout.trim();
    const where = `origin/${DEPLOY_BRANCH} (${master.slice(0, 12)})`;
    const shown = await git(['show', `${master}:${DEPLOY_FILE}`], { cwd: dir, allowFailure: true });
    if (shown.exitCode !== 0) throw new CiError('input', `${DEPLOY_FILE} is not in ${where} of ${o.remote}`);
    const pin = devServicePin(shown.stdout, where);
    o.onLine?.(`deploy.json: ${where} pins ${pin.id} at ${pin.commit}`);
    const branches = await remoteContains({ ...o, commit: pin.commit }).catch((e: unknown) => {
      if (e instanceof CiError && e.failureClass === 'input') {
        throw new CiError('input', `${DEPLOY_FILE} on ${where}: environments.dev.services[${pin.index}].commit ${pin.commit} is not on any branch of ${o.remote} (never pushed, or force-pushed away)`);
      }
      throw e;
    });
    return { ...pin, master, branches };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

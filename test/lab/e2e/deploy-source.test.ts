// Step 1 of the dev-e2e gate against the lab's git server: deploy.json is read from origin/master
// (not from the revision under test), and each bad deploy.json is `input` naming what and where.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readDevPin } from '../../../harness/e2e/deploy-source.ts';
import { failureClassOf } from '../../../harness/failure.ts';
import { git } from '../../../harness/git/exec.ts';
import { useLab } from '../../support/lab.ts';
import { BAD_DEPLOY_JSON, pushCodeQueuePin, pushMasterDeployJson, resetMaster } from '../../support/deploy-json.ts';

const lab = useLab(['git']);
const bare = () => join(lab.env.LAB_GIT_ROOT!, 'unidesk.git');
const rev = async (ref: string) => (await git(['rev-parse', ref], { cwd: bare() })).stdout.trim();
const access = () => ({
  remote: lab.env.UNIDESK_CI_REPO_URL!,
  credentials: { username: lab.env.UNIDESK_CI_GIT_USERNAME!, password: lab.env.UNIDESK_CI_GIT_PASSWORD! },
  timeoutMs: 60_000,
});
let master: string | undefined;
afterEach(async () => {
  if (master) await resetMaster(lab.env.LAB_GIT_ROOT!, master);
});

describe('readDevPin', () => {
  test('the fixture master pins the commit that added the Code Queue component, on master', async () => {
    master = await rev('refs/heads/master');
    const pin = await readDevPin(access());
    expect(pin.master).toBe(master);
    expect(pin.commit).toBe(await rev('refs/tags/v0.1.0^{commit}'));
    expect(pin.branches).toContain('master');
  });

  test('a branch pinned on master is read from master, whatever branch is checked', async () => {
    master = await rev('refs/heads/master');
    const v2 = await rev('refs/heads/code-queue/v2');
    await pushCodeQueuePin(lab.env.LAB_GIT_ROOT!, v2);
    const pin = await readDevPin(access());
    expect(pin.commit).toBe(v2);
    expect(pin.branches).toContain('code-queue/v2');
  });

  test.each([
    ['missing file', /^deploy\.json is not in origin\/master \([0-9a-f]{12}\) of http/],
    ['invalid JSON', /^deploy\.json on origin\/master \([0-9a-f]{12}\): invalid JSON: /],
    ['no environments.dev', /no environments\.dev \(environments: prod\)/],
    ['no code-queue entry', /has no entry with id "code-queue" \(ids: backend-core\)/],
    ['non-40-hex commit', /environments\.dev\.services\[0\]\.commit is "abc1234": not a full 40-character/],
    ['unknown commit', /environments\.dev\.services\[0\]\.commit 0123456789abcdef0123456789abcdef01234567 is not on any branch of http/],
  ])('%s → input', async (what, message) => {
    master = await rev('refs/heads/master');
    await pushMasterDeployJson(lab.env.LAB_GIT_ROOT!, BAD_DEPLOY_JSON[what]!);
    const err = await readDevPin(access()).catch((e: unknown) => e);
    expect(failureClassOf(err), String(err)).toBe('input');
    expect((err as Error).message).toMatch(message);
  });

  test('a remote without master is input naming the branch', async () => {
    master = await rev('refs/heads/master');
    await git(['update-ref', '-d', 'refs/heads/master'], { cwd: bare() });
    const err = await readDevPin(access()).catch((e: unknown) => e);
    expect(failureClassOf(err)).toBe('input');
    expect((err as Error).message).toMatch(/has no master branch: deploy\.json is read from origin\/master/);
  });
});

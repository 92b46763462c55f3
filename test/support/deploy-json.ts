// Rewriting deploy.json on master of the lab's fixture repository (a new commit pushed to the bare
// repository, as a developer's push would): pin Code Queue at a given commit, or break the file in
// each way the dev-e2e gate must refuse. resetMaster() puts master back for the next test.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../harness/git/exec.ts';

const AUTHOR = ['-c', 'user.name=lab', '-c', 'user.email=lab@unidesk.invalid'];

/** deploy.json as the fixture writes it, pinning code-queue at `commit`. */
export function deployJsonPinning(commit: string): object {
  return { environments: { dev: { namespace: 'unidesk-dev', services: [{ id: 'code-queue', commit, image: `unidesk-code-queue:${commit}` }] } } };
}

/** Each bad deploy.json the gate refuses (`null` = the file is deleted), by what is wrong. */
export const BAD_DEPLOY_JSON: Record<string, string | null> = {
  'missing file': null,
  'invalid JSON': '{"environments": {"dev": ',
  'no environments.dev': JSON.stringify({ environments: { prod: { services: [] } } }),
  'no code-queue entry': JSON.stringify({ environments: { dev: { services: [{ id: 'backend-core', commit: 'a'.repeat(40) }] } } }),
  'non-40-hex commit': JSON.stringify(deployJsonPinning('abc1234')),
  'unknown commit': JSON.stringify(deployJsonPinning('0123456789abcdef0123456789abcdef01234567')),
};

/**
 * Push a new master commit whose deploy.json is `content` (an object is written as JSON, a string
 * as is, null deletes the file). Returns the new master commit and the one it replaced.
 */
export async function pushMasterDeployJson(gitRoot: string, content: object | string | null): Promise<{ commit: string; previous: string }> {
  const work = await mkdtemp(join(tmpdir(), 'deploy-json-'));
  try {
    await git(['clone', '-q', '--branch', 'master', join(gitRoot, 'unidesk.git'), work]);
    const previous = (await git(['rev-parse', 'HEAD'], { cwd: work })).stdout.trim();
    if (content === null) await git(['rm', '-q', 'deploy.json'], { cwd: work });
    else await writeFile(join(work, 'deploy.json'), typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
    await git([...AUTHOR, 'commit', '-qam', 'deploy.json: dev environment change (test)', '--allow-empty'], { cwd: work });
    await git(['push', '-q', 'origin', 'HEAD:refs/heads/master'], { cwd: work });
    return { commit: (await git(['rev-parse', 'HEAD'], { cwd: work })).stdout.trim(), previous };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Pin code-queue at `commit` in a new master commit. */
export function pushCodeQueuePin(gitRoot: string, commit: string): Promise<{ commit: string; previous: string }> {
  return pushMasterDeployJson(gitRoot, deployJsonPinning(commit));
}

/** Force master back to `commit` (what pushMasterDeployJson returned as `previous`). */
export async function resetMaster(gitRoot: string, commit: string): Promise<void> {
  await git(['update-ref', 'refs/heads/master', commit], { cwd: join(gitRoot, 'unidesk.git') });
}

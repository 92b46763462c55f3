// The fixture branch hostile/read-secrets of the lab's repository: its `scripts/cli.ts` is
// fixtures/repos/hostile/read-secrets.ts, which tries to read every secret of the CI run.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../harness/git/exec.ts';

export const HOSTILE_BRANCH = 'hostile/read-secrets';
const SCRIPT = join(import.meta.dirname, '..', '..', 'fixtures', 'repos', 'hostile', 'read-secrets.ts');

export async function pushHostileBranch(gitRoot: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'hostile-'));
  try {
    await git(['clone', '-q', join(gitRoot, 'unidesk.git'), work]);
    await copyFile(SCRIPT, join(work, 'scripts', 'cli.ts'));
    await git(['-c', 'user.name=lab', '-c', 'user.email=lab@unidesk.invalid', 'commit', '-qam', 'scripts: a check that reads every secret it can'], { cwd: work });
    await git(['push', '-q', 'origin', `HEAD:refs/heads/${HOSTILE_BRANCH}`], { cwd: work });
    return (await git(['rev-parse', 'HEAD'], { cwd: work })).stdout.trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// A branch of the lab's fixture repository whose commit check never returns by itself
// (`scripts/cli.ts` waits ten minutes): a run on it is still going when a test's cancel, timeout,
// --wait-ms or Ctrl-C comes, however fast the machine is.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../harness/git/exec.ts';

export const SLOW_CHECK_BRANCH = 'slow/check';

export async function pushSlowCheckBranch(gitRoot: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'slow-check-'));
  try {
    await git(['clone', '-q', join(gitRoot, 'unidesk.git'), work]);
    await writeFile(join(work, 'scripts', 'cli.ts'), 'await new Promise((r) => setTimeout(r, 600_000));\n');
    await git(['-c', 'user.name=lab', '-c', 'user.email=lab@unidesk.invalid', 'commit', '-qam', 'scripts: a check that never ends'], { cwd: work });
    await git(['push', '-q', 'origin', `HEAD:refs/heads/${SLOW_CHECK_BRANCH}`], { cwd: work });
    return SLOW_CHECK_BRANCH;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

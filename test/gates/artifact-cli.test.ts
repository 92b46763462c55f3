// `unidesk-ci publish-backend-core --local` (the artifact gate run here): flags map onto the run configuration, bad input is an
// `input` exit code before anything runs, a publication prints IMAGE_URL and IMAGE_DIGEST.
import { rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startLab, type Lab } from '../../fixtures/lab/index.ts';
import { publishBackendCore } from '../../harness/cli/publish-backend-core.ts';
import { CiError, EXIT_CODES } from '../../harness/failure.ts';

let lab: Lab;
let reportDir: string;
beforeAll(async () => {
  lab = await startLab({ services: ['proxy', 'git', 'registry'], log: () => undefined });
  reportDir = await mkdtemp(join(tmpdir(), 'unidesk-ci-publish-cli-'));
}, 240_000);
afterAll(async () => {
  await lab?.stop();
  await rm(reportDir, { recursive: true, force: true });
});

/** Run the command with its console output captured (and returned) instead of printed. */
async function quietly(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(String(l)));
  try {
    return { code: await publishBackendCore(['--local', ...argv], env), lines };
  } finally {
    spy.mockRestore();
  }
}

const labEnv = () => ({ ...process.env, ...lab.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1', UNIDESK_CI_REVISION: undefined });

describe('unidesk-ci publish-backend-core --local', () => {
  test('an unknown flag is input, with the usage', async () => {
    await expect(publishBackendCore(['--local', '--tag', 'latest'], labEnv())).rejects.toThrow(/Unknown option '--tag'[\s\S]*usage: unidesk-ci publish-backend-core/);
  });

  test('no commit given is input: there is no implicit revision to publish', async () => {
    const error = await publishBackendCore(['--local'], labEnv()).catch((e: unknown) => e);
    expect((error as CiError).failureClass).toBe('input');
    expect((error as CiError).message).toMatch(/--revision <rev> or --worktree <dir>/);
  });

  test('a bad --wait-ms is named', async () => {
    await expect(publishBackendCore(['--local', '--revision', 'master', '--wait-ms', 'soon'], labEnv())).rejects.toThrow(/UNIDESK_CI_WAIT_MS="soon"/);
  });

  test('publishes a commit and prints the deployment input', async () => {
    const commits = JSON.parse(lab.env.LAB_GIT_COMMITS) as Record<string, string>;
    const { code, lines } = await quietly(['--revision', commits.tag.slice(0, 10), '--report-dir', reportDir], labEnv());
    expect(code, lines.join('\n')).toBe(0);
    expect(lines).toContain(`IMAGE_URL=${lab.env.UNIDESK_CI_REGISTRY}/unidesk/backend-core:${commits.tag}`);
    expect(lines.some((l) => /^IMAGE_DIGEST=sha256:[a-f0-9]{64}$/.test(l))).toBe(true);
  });

  test('an unhealthy registry exits with the infra.registry code', async () => {
    const { code, lines } = await quietly(['--revision', 'master', '--report-dir', reportDir], { ...labEnv(), UNIDESK_CI_REGISTRY: '127.0.0.1:1' });
    expect(code).toBe(EXIT_CODES['infra.registry']);
    expect(lines.join('\n')).toMatch(/FAIL the D601 artifact registry is healthy \[infra.registry\]/);
    expect(lines.join('\n')).not.toMatch(/IMAGE_URL=/);
  });
});

// How commit-gate steps run repository commands: environment and failure classification.
import { describe, expect, test, vi } from 'vitest';
import { loadConfig } from '../../harness/config.ts';
import { runRepoCommand, stepEnv, toolPath } from '../../harness/commit/commands.ts';

const config = loadConfig({
  UNIDESK_CI_PROXY_URL: 'http://127.0.0.1:18789',
  UNIDESK_CI_NO_PROXY: '.svc,.cluster.local',
  UNIDESK_CI_GIT_USERNAME: 'bot',
  UNIDESK_CI_GIT_PASSWORD: 'pw-never-in-repo-code',
});

describe('stepEnv', () => {
  test('repository code gets the egress proxy and NO_PROXY but never the run secrets', () => {
    vi.stubEnv('UNIDESK_CI_GIT_PASSWORD', 'pw-never-in-repo-code');
    vi.stubEnv('HTTPS_PROXY', 'http://compose-default:3128');
    vi.stubEnv('UNIDESK_CI_GIT_CREDENTIALS_DIR', '/var/run/secrets/unidesk-ci-git');
    vi.stubEnv('UNIDESK_CI_GIT_USERNAME', 'bot');
    try {
      const env = stepEnv(config, { UNIDESK_D601_RUST_CHECK: '1' });
      expect(env.UNIDESK_CI_GIT_PASSWORD).toBeUndefined();
      // repository code must not learn where the credentials are mounted
      expect(Object.keys(env).filter((k) => k.startsWith('UNIDESK_CI_GIT_'))).toEqual([]);
      expect(Object.values(env)).not.toContain('/var/run/secrets/unidesk-ci-git');
      expect(Object.values(env)).not.toContain('pw-never-in-repo-code');
      expect(env).toMatchObject({ HTTPS_PROXY: 'http://127.0.0.1:18789', http_proxy: 'http://127.0.0.1:18789', NO_PROXY: '.svc,.cluster.local', UNIDESK_D601_RUST_CHECK: '1', CI: 'true' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
  test('the CI tool provides bun and tsc on PATH', () => {
    expect(toolPath('/usr/bin').split(':')[0]).toMatch(/node_modules\/\.bin$/);
    expect(toolPath('/usr/bin').endsWith(':/usr/bin')).toBe(true);
  });
});

describe('runRepoCommand', () => {
  const run = (script: string, timeoutMs = 30_000) => runRepoCommand({ label: 't', cmd: 'sh', args: ['-c', script], cwd: '/tmp', env: { PATH: process.env.PATH }, timeoutMs });
  test('success is quiet', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect(run('true')).resolves.toBeUndefined();
    vi.restoreAllMocks();
  });
  test('a rejected command is app, with command, exit code and output tail', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const e = await run('echo "error: lockfile had changes, but lockfile is frozen"; exit 1').catch((x) => x);
    vi.restoreAllMocks();
    expect(e).toMatchObject({ failureClass: 'app', details: { exitCode: 1, outputTail: expect.stringContaining('lockfile is frozen') } });
    expect(e.details.command).toMatch(/^sh -c /);
  });
  test('a download failure through the proxy is infra.network, and so is a timeout', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect(run('echo "error: ConnectionRefused downloading package manifest"; exit 1')).rejects.toMatchObject({ failureClass: 'infra.network' });
    await expect(run('sleep 5', 300)).rejects.toMatchObject({ failureClass: 'infra.network', message: expect.stringContaining('did not finish') });
    vi.restoreAllMocks();
  });
  test('a missing tool is input with the install hint, never a skip', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const e = await runRepoCommand({ label: 't', cmd: 'no-such-bun-binary', args: [], cwd: '/tmp', env: { PATH: '/nonexistent' }, timeoutMs: 5000 }).catch((x) => x);
    vi.restoreAllMocks();
    expect(e).toMatchObject({ failureClass: 'input', message: expect.stringContaining('not installed') });
  });
});

describe('headline', () => {
  test('the first compiler error wins over later summaries', async () => {
    const { headline } = await import('../../harness/commit/commands.ts');
    expect(headline("$ tsc\nsrc/index.ts(10,14): error TS2322: Type 'number' is not assignable to type 'string'.\ncheck: TypeScript errors in src/components/code-queue")).toContain('error TS2322');
    expect(headline('error[E0308]: mismatched types\n --> src/main.rs:3:5\ncheck: backend-core cargo check FAILED')).toBe('error[E0308]: mismatched types');
    expect(headline('bun install v1.4.5\nerror: lockfile had changes, but lockfile is frozen\nnote: try re-running')).toBe('error: lockfile had changes, but lockfile is frozen');
    expect(headline('just output\nlast line')).toBe('last line');
  });
});

// Issue 15, unit level: the environment of repository code is an allowlist, the sandbox uid is
// never root, and a ServiceAccount token readable by that uid fails the gate closed.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../harness/config.ts';
import { asUser, readableBy, sandboxUser } from '../../harness/process/sandbox.ts';
import { runProcess } from '../../harness/process/run.ts';
import { stepEnv, toolPath } from '../../harness/commit/commands.ts';
import { assertNoServiceAccountToken } from '../../harness/commit/sandbox.ts';

const config = loadConfig({ UNIDESK_CI_PROXY_URL: 'http://127.0.0.1:18789', UNIDESK_CI_NO_PROXY: '.svc' });
// the lab runs as root (as the step image does): the uid switch is exercised for real
const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'commit-sandbox-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stepEnv: an allowlist, not process.env minus a denylist', () => {
  const harness = {
    PATH: '/usr/bin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    KUBECONFIG: '/tmp/kc',
    KUBERNETES_SERVICE_HOST: '10.0.0.1',
    UNIDESK_CI_GIT_CREDENTIALS_DIR: '/workspace/git-credentials',
    UNIDESK_CI_REPORT_DIR: '/workspace/reports',
    AWS_SECRET_ACCESS_KEY: 'x',
    SOME_FUTURE_TOKEN: 'y',
    RUSTUP_HOME: '/root/.rustup',
  };
  test('a sandboxed uid gets PATH, its own HOME and TMPDIR, CI, locale, the proxy and the step variable — nothing else', () => {
    const env = stepEnv(config, { UNIDESK_D601_RUST_CHECK: '1' }, { user: { uid: 65532, gid: 65532 }, home: '/tmp/s/home', tmp: '/tmp/s/tmp' }, harness);
    expect(Object.keys(env).sort()).toEqual([
      'CI',
      'HOME',
      'HTTPS_PROXY',
      'HTTP_PROXY',
      'LANG',
      'NO_COLOR',
      'NO_PROXY',
      'PATH',
      'TMPDIR',
      'UNIDESK_D601_RUST_CHECK',
      'http_proxy',
      'https_proxy',
      'no_proxy',
    ]);
    expect(env).toMatchObject({ HOME: '/tmp/s/home', TMPDIR: '/tmp/s/tmp', HTTPS_PROXY: 'http://127.0.0.1:18789', NO_PROXY: '.svc', CI: 'true' });
  });
  test("as the current user (not root) the user's own toolchain homes stay, the run's variables still do not", () => {
    const env = stepEnv(config, {}, { home: '/home/me', tmp: '/tmp/s/tmp' }, harness);
    expect(env.RUSTUP_HOME).toBe('/root/.rustup');
    for (const k of ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'UNIDESK_CI_GIT_CREDENTIALS_DIR', 'UNIDESK_CI_REPORT_DIR', 'AWS_SECRET_ACCESS_KEY', 'SOME_FUTURE_TOKEN'])
      expect(env).not.toHaveProperty(k);
  });
  test('a sandboxed PATH keeps only directories every uid can search', () => {
    const closed = join(dir, 'closed');
    rmSync(closed, { force: true, recursive: true });
    mkdirSync(join(closed, 'bin'), { recursive: true });
    chmodSync(closed, 0o700);
    expect(toolPath(`${join(closed, 'bin')}:/usr/bin`, true).split(':')).not.toContain(join(closed, 'bin'));
    expect(toolPath(`${join(closed, 'bin')}:/usr/bin`, false).split(':')).toContain(join(closed, 'bin'));
  });
});

describe('sandboxUser', () => {
  test('root runs repository code as 65532 (or UNIDESK_CI_SANDBOX_UID), never as root; a non-root harness as itself', () => {
    expect(sandboxUser(loadConfig({}).sandboxUid, 0)).toEqual({ uid: 65532, gid: 65532 });
    expect(sandboxUser(loadConfig({ UNIDESK_CI_SANDBOX_UID: '1001' }).sandboxUid, 0)).toEqual({ uid: 1001, gid: 1001 });
    for (const bad of ['0', '-1', 'nobody'])
      expect(() => loadConfig({ UNIDESK_CI_SANDBOX_UID: bad })).toThrow(expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('UNIDESK_CI_SANDBOX_UID') }));
    expect(sandboxUser(65532, 1000)).toBeUndefined();
    expect(asUser(undefined, 'bun', ['x'])).toEqual({ cmd: 'bun', args: ['x'] });
    expect(asUser({ uid: 65532, gid: 65532 }, 'bun', ['x'])).toEqual({ cmd: 'setpriv', args: ['--reuid=65532', '--regid=65532', '--clear-groups', '--no-new-privs', '--', 'bun', 'x'] });
  });
  test("a command run as the sandbox uid is that uid, with no groups and no_new_privs, and cannot read root's 0600 file nor /proc/1/environ", async () => {
    const secret = join(dir, 'secret');
    writeFileSync(secret, 's3cret', { mode: 0o600 });
    const r = await runProcess('sh', ['-c', `id -u; id -G; grep NoNewPrivs /proc/self/status; cat ${secret} /proc/1/environ 2>&1; true`], { user: { uid: 65532, gid: 65532 } });
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['65532', '65532', 'NoNewPrivs:\t1']);
    expect(r.stdout).toMatch(/secret: Permission denied/);
    expect(r.stdout).toMatch(/\/proc\/1\/environ: Permission denied/);
    expect(r.stdout).not.toContain('s3cret');
  });
});

describe('fail closed on a readable ServiceAccount token', () => {
  const user = root ? { uid: 65532, gid: 65532 } : undefined;
  test('a token the sandbox uid can read stops the gate with infra.cluster, naming the fix', () => {
    const token = join(dir, 'token');
    writeFileSync(token, 'lab-sa-token', { mode: 0o644 });
    chmodSync(token, 0o644);
    expect(readableBy(user, token)).toBe(true);
    expect(() => assertNoServiceAccountToken(user, token)).toThrow(
      expect.objectContaining({ failureClass: 'infra.cluster', message: expect.stringMatching(/readable by .*refusing to run it.*unidesk-ci-repo-check/) }),
    );
  });
  test('no token (automountServiceAccountToken: false) passes', () => {
    expect(() => assertNoServiceAccountToken(user, join(dir, 'absent'))).not.toThrow();
  });
  test('a token only root can read passes for the sandbox uid', () => {
    const token = join(dir, 'root-token');
    writeFileSync(token, 'x', { mode: 0o600 });
    expect(readableBy(user, token)).toBe(false);
    expect(() => assertNoServiceAccountToken(user, token)).not.toThrow();
  });
});

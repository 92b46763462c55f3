import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig, required, VARIABLES } from '../../harness/config.ts';
import { clearSecrets, redact } from '../../harness/redact.ts';

afterEach(() => clearSecrets());

describe('loadConfig', () => {
  test('defaults: not lab, reports/, revision master, loopback registry, a generated DNS-safe run id', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ lab: false, reportDir: 'reports', revision: 'master', registry: '127.0.0.1:5000', waitMs: 600_000 });
    expect(c.runId).toMatch(/^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/);
  });
  test('reads UNIDESK_CI_* variables', () => {
    const c = loadConfig({ UNIDESK_CI_LAB: 'true', UNIDESK_CI_REPO_URL: 'http://127.0.0.1:9/unidesk.git', UNIDESK_CI_REVISION: 'v1', UNIDESK_CI_PROXY_URL: 'http://127.0.0.1:18789', UNIDESK_CI_NO_PROXY: 'kubernetes.default.svc', UNIDESK_CI_WAIT_MS: '5000', UNIDESK_CI_RUN_ID: 'abc-1' });
    expect(c).toMatchObject({ lab: true, repoUrl: 'http://127.0.0.1:9/unidesk.git', revision: 'v1', proxy: { url: 'http://127.0.0.1:18789', noProxy: 'kubernetes.default.svc' }, waitMs: 5000, runId: 'abc-1' });
  });
  test('every bad variable is named in one input error with what was expected', () => {
    let err: unknown;
    try {
      loadConfig({ UNIDESK_CI_LAB: 'maybe', UNIDESK_CI_WAIT_MS: '-3', UNIDESK_CI_REPO_URL: 'not a url', UNIDESK_CI_RUN_ID: 'UPPER_case', UNIDESK_CI_REGISTRY: 'docker.io' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ failureClass: 'input' });
    const msg = (err as Error).message;
    for (const v of ['UNIDESK_CI_LAB="maybe": expected one of 1, 0, true', 'UNIDESK_CI_WAIT_MS', 'UNIDESK_CI_REPO_URL="not a url": expected a URL', 'UNIDESK_CI_RUN_ID', 'UNIDESK_CI_REGISTRY="docker.io": expected a loopback host:port']) expect(msg).toContain(v);
  });
  test('credentials in the repository URL are refused without echoing them', () => {
    expect(() => loadConfig({ UNIDESK_CI_REPO_URL: 'https://bot:hunter2-token@git.example/unidesk.git' })).toThrow(expect.objectContaining({ failureClass: 'input', message: expect.not.stringContaining('hunter2') }));
  });
  test('a bad password value is never shown, and a good one is registered for redaction', () => {
    expect(() => loadConfig({ UNIDESK_CI_GIT_PASSWORD: '' , UNIDESK_CI_WAIT_MS: 'x' })).toThrow();
    loadConfig({ UNIDESK_CI_GIT_USERNAME: 'bot', UNIDESK_CI_GIT_PASSWORD: 'p4ssw0rd-xyz' });
    expect(redact('token p4ssw0rd-xyz and ' + Buffer.from('bot:p4ssw0rd-xyz').toString('base64'))).toBe('token *** and ***');
  });
  test('required() names the variable', () => {
    expect(() => required(undefined, 'UNIDESK_CI_REPO_URL', 'the git remote')).toThrow(expect.objectContaining({ failureClass: 'input', message: 'UNIDESK_CI_REPO_URL is not set: the git remote' }));
    expect(required('x', 'UNIDESK_CI_REPO_URL', 'the git remote')).toBe('x');
  });
  test('every variable is documented', () => {
    for (const [name, v] of Object.entries(VARIABLES)) {
      expect(name).toMatch(/^UNIDESK_CI_[A-Z0-9_]+$/);
      expect(v.doc.length).toBeGreaterThan(10);
    }
  });
});

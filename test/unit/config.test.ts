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
    const c = loadConfig({
      UNIDESK_CI_LAB: 'true',
      UNIDESK_CI_REPO_URL: 'http://127.0.0.1:9/unidesk.git',
      UNIDESK_CI_REVISION: 'v1',
      UNIDESK_CI_PROXY_URL: 'http://127.0.0.1:18789',
      UNIDESK_CI_NO_PROXY: 'kubernetes.default.svc',
      UNIDESK_CI_WAIT_MS: '5000',
      UNIDESK_CI_RUN_ID: 'abc-1',
    });
    expect(c).toMatchObject({
      lab: true,
      repoUrl: 'http://127.0.0.1:9/unidesk.git',
      revision: 'v1',
      proxy: { url: 'http://127.0.0.1:18789', noProxy: 'kubernetes.default.svc' },
      waitMs: 5000,
      runId: 'abc-1',
    });
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
    for (const v of [
      'UNIDESK_CI_LAB="maybe": expected one of 1, 0, true',
      'UNIDESK_CI_WAIT_MS',
      'UNIDESK_CI_REPO_URL="not a url": expected a URL',
      'UNIDESK_CI_RUN_ID',
      'UNIDESK_CI_REGISTRY="docker.io": expected a loopback host:port',
    ])
      expect(msg).toContain(v);
  });
  test('credentials in the repository URL are refused without echoing them', () => {
    expect(() => loadConfig({ UNIDESK_CI_REPO_URL: 'https://bot:hunter2-token@git.example/unidesk.git' })).toThrow(
      expect.objectContaining({ failureClass: 'input', message: expect.not.stringContaining('hunter2') }),
    );
  });
  test('a bad password value is never shown, and a good one is registered for redaction', () => {
    expect(() => loadConfig({ UNIDESK_CI_GIT_PASSWORD: '', UNIDESK_CI_WAIT_MS: 'x' })).toThrow();
    loadConfig({ UNIDESK_CI_GIT_USERNAME: 'bot', UNIDESK_CI_GIT_PASSWORD: 'p4ssw0rd-xyz' });
    expect(redact('token p4ssw0rd-xyz and ' + Buffer.from('bot:p4ssw0rd-xyz').toString('base64'))).toBe('token *** and ***');
  });
  test('passwords in the proxy, perf base and metrics URLs are registered decoded, encoded and as Basic auth', () => {
    loadConfig({
      UNIDESK_CI_PROXY_URL: 'http://egress:pr%40xy-pass@127.0.0.1:18789',
      UNIDESK_CI_PERF_BASE_URL: 'http://reader:perf-pass-42@127.0.0.1:8080/',
      UNIDESK_CI_METRICS_DATABASE_URL: 'postgres://ci:db-pass-77@127.0.0.1:5432/metrics',
    });
    // bare values: the URL pattern of redact() does not see these, only the registration does
    expect(redact('pr@xy-pass | pr%40xy-pass | perf-pass-42 | db-pass-77')).toBe('*** | *** | *** | ***');
    expect(redact(`Proxy-Authorization: Basic ${Buffer.from('egress:pr@xy-pass').toString('base64')}`)).not.toContain(Buffer.from('egress:pr@xy-pass').toString('base64'));
    expect(redact(Buffer.from('reader:perf-pass-42').toString('base64'))).toBe('***');
  });
  test('an invalid URL variable is shown with its userinfo masked', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected an invalid configuration');
    };
    const proxy = attempt({ UNIDESK_CI_PROXY_URL: 'http//egress:s3cr3t-proxy@127.0.0.1:18789' });
    expect(proxy).toContain('UNIDESK_CI_PROXY_URL="http//***@127.0.0.1:18789": expected a URL');
    expect(proxy).not.toContain('s3cr3t');
    const perf = attempt({ UNIDESK_CI_PERF_BASE_URL: 'http://reader:s3cr3t@127.0.0.1:99999' });
    expect(perf).toContain('UNIDESK_CI_PERF_BASE_URL="http://***@127.0.0.1:99999"');
    expect(perf).not.toContain('s3cr3t');
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

import { afterEach, describe, expect, test } from 'vitest';
import { gitEnv } from '../../harness/git/env.ts';
import { gitCredentials } from '../../harness/git/credentials.ts';
import { clearSecrets, redact } from '../../harness/redact.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

afterEach(() => clearSecrets());

function configOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const n = Number(env.GIT_CONFIG_COUNT);
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`]!, env[`GIT_CONFIG_VALUE_${i}`]!]));
}

describe('gitEnv', () => {
  test('credentials become an Authorization extraHeader and are registered for redaction', () => {
    const env = gitEnv({ credentials: { username: 'ci-bot', password: 's3cret-token' } }, {});
    const header = configOf(env)['http.extraHeader'];
    expect(header).toBe(`Authorization: Basic ${Buffer.from('ci-bot:s3cret-token').toString('base64')}`);
    expect(redact(`x ${header} y s3cret-token`)).not.toMatch(/s3cret|Y2ktYm90/);
  });
  test('the egress proxy is set for the git child only, with NO_PROXY; inherited proxy variables are dropped', () => {
    const base = { HTTPS_PROXY: 'http://compose-proxy:3128', http_proxy: 'http://compose-proxy:3128', PATH: '/usr/bin' };
    const env = gitEnv({ proxy: { url: 'http://127.0.0.1:18789', noProxy: 'kubernetes.default.svc' } }, base);
    expect(configOf(env)['http.proxy']).toBe('http://127.0.0.1:18789');
    expect(env.NO_PROXY).toBe('kubernetes.default.svc');
    expect(env.HTTPS_PROXY).toBeUndefined();
    expect(env.http_proxy).toBeUndefined();
    expect(env.PATH).toBe('/usr/bin');
    expect(base.HTTPS_PROXY).toBe('http://compose-proxy:3128');
  });
  test('no prompts and no machine git config or credential helper', () => {
    const env = gitEnv({}, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: 'store' });
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(env.GIT_CONFIG_GLOBAL).toBe('/dev/null');
    expect(configOf(env)['credential.helper']).toBe('');
    expect(configOf(env)['http.extraHeader']).toBeUndefined();
  });
});

describe('gitCredentials', () => {
  test('variables win; none configured gives undefined', () => {
    expect(gitCredentials({ username: 'u', password: 'pw-1234' })).toEqual({ username: 'u', password: 'pw-1234' });
    expect(gitCredentials({})).toBeUndefined();
  });
  test('a mounted secret directory is read (trailing newline dropped)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'creds-'));
    try {
      writeFileSync(join(dir, 'username'), 'bot\n');
      writeFileSync(join(dir, 'password'), 'from-secret-file\n');
      expect(gitCredentials({ credentialsDir: dir })).toEqual({ username: 'bot', password: 'from-secret-file' });
      expect(redact('from-secret-file')).toBe('***');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('half a secret or a missing mount is an auth gap, not an app failure', () => {
    expect(() => gitCredentials({ username: 'u' })).toThrow(expect.objectContaining({ failureClass: 'infra.auth', message: expect.stringContaining('password is missing') }));
    expect(() => gitCredentials({ credentialsDir: '/nonexistent/secret' })).toThrow(expect.objectContaining({ failureClass: 'infra.auth' }));
  });
});

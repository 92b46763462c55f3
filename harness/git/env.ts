// The environment of a git child process: isolated from the machine's git config, no prompts,
// credentials as http.extraHeader via GIT_CONFIG_* variables, the egress proxy for this child only.
import { basicAuthHeader, type GitCredentials } from './credentials.ts';
import { registerBasicAuth } from '../redact.ts';

export type GitProxy = { url?: string; noProxy?: string };

export type GitAccess = {
  credentials?: GitCredentials;
  proxy?: GitProxy;
  /** Override of the stall bound (tests); default GIT_LOW_SPEED. */
  lowSpeed?: GitLowSpeed;
};

/** curl aborts a transfer slower than `limitBytesPerSecond` for `timeSeconds` ("Operation too slow"). */
export type GitLowSpeed = { limitBytesPerSecond: number; timeSeconds: number };

/**
 * A stalled server (accepts, then sends nothing or a trickle) fails in 30 s instead of waiting for
 * the step's 10-minute bound. 1000 B/s is far below any working remote or proxy (a clone of a
 * large repository moves MB/s), yet above a stuck connection's keep-alive trickle; 30 s tolerates a
 * slow server-side pack computation before the first byte.
 */
export const GIT_LOW_SPEED: GitLowSpeed = { limitBytesPerSecond: 1000, timeSeconds: 30 };

/** Proxy variables a CI pod may inherit; the git child gets only the ones we decide. */
const INHERITED_PROXY_VARS = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY'];

export function gitEnv(access: GitAccess = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of [...INHERITED_PROXY_VARS, 'GIT_ASKPASS', 'SSH_ASKPASS']) delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('GIT_CONFIG_')) delete env[k];
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LC_ALL: 'C',
  });
  const config: Array<[string, string]> = [
    // no stored credentials from a helper: only what the run configuration says
    ['credential.helper', ''],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'master'],
    ['http.lowSpeedLimit', String((access.lowSpeed ?? GIT_LOW_SPEED).limitBytesPerSecond)],
    ['http.lowSpeedTime', String((access.lowSpeed ?? GIT_LOW_SPEED).timeSeconds)],
  ];
  if (access.credentials) {
    registerBasicAuth(access.credentials.username, access.credentials.password);
    config.push(['http.extraHeader', basicAuthHeader(access.credentials)]);
  }
  if (access.proxy?.url) {
    config.push(['http.proxy', access.proxy.url]);
    // git hands NO_PROXY to curl (CURLOPT_NOPROXY) when http.proxy is set
    if (access.proxy.noProxy) env.NO_PROXY = env.no_proxy = access.proxy.noProxy;
  }
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

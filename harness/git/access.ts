// The git options of a run, from the run configuration.
import type { RunConfig } from '../config.ts';
import { gitCredentials, type GitCredentials } from './credentials.ts';
import type { GitProxy } from './env.ts';

export function gitAccessFrom(config: RunConfig): { credentials?: GitCredentials; proxy: GitProxy; timeoutMs: number } {
  return { credentials: gitCredentials(config.git), proxy: { url: config.proxy.url, noProxy: config.proxy.noProxy }, timeoutMs: config.waitMs };
}

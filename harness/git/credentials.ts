// Git HTTP credentials: from UNIDESK_CI_GIT_USERNAME/PASSWORD, else a mounted secret directory
// (`username` and `password` files, the keys of a kubernetes.io/basic-auth Secret).
// They travel to git only as an http.extraHeader in the child's environment: never in a URL,
// never in .git/config, never in argv (argv is printed in failure reports).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { RunConfig } from '../config.ts';
import { CiError } from '../failure.ts';
import { registerBasicAuth } from '../redact.ts';

export type GitCredentials = { username: string; password: string };

const credentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

function readSecretFile(dir: string, key: string): string | undefined {
  const file = join(dir, key);
  return existsSync(file) ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : undefined;
}

/** The run's git credentials, or undefined when none are configured (a public remote needs none). */
export function gitCredentials(git: RunConfig['git']): GitCredentials | undefined {
  let raw: { username?: string; password?: string } = { username: git.username, password: git.password };
  if (!raw.username && !raw.password && git.credentialsDir) {
    if (!existsSync(git.credentialsDir)) {
      throw new CiError(
        'infra.auth',
        `UNIDESK_CI_GIT_CREDENTIALS_DIR=${git.credentialsDir} does not exist: the git credentials secret is not mounted (CI infrastructure/auth gap, not an application test result)`,
      );
    }
    raw = { username: readSecretFile(git.credentialsDir, 'username'), password: readSecretFile(git.credentialsDir, 'password') };
  }
  if (!raw.username && !raw.password) return undefined;
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) {
    const missing = !raw.username ? 'username' : 'password';
    throw new CiError(
      'infra.auth',
      `git credentials are incomplete: the ${missing} is missing (set UNIDESK_CI_GIT_USERNAME and UNIDESK_CI_GIT_PASSWORD, or mount both files in UNIDESK_CI_GIT_CREDENTIALS_DIR); CI infrastructure/auth gap, not an application test result`,
    );
  }
  registerBasicAuth(parsed.data.username, parsed.data.password);
  return parsed.data;
}

/** The Authorization header value git sends (Basic auth works for tokens too: user + token). */
export function basicAuthHeader(c: GitCredentials): string {
  return `Authorization: Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

// Talking to the remote: the options every remote operation takes, ls-remote, and a throwaway
// bare mirror (branches + tags, blobs filtered where the server allows) for history questions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CiError } from '../failure.ts';
import type { GitCredentials } from './credentials.ts';
import type { GitProxy } from './env.ts';
import { git } from './exec.ts';
import { parseLsRemote, type RemoteRef } from './revision.ts';

export type RemoteOptions = {
  /** http(s) URL without credentials. */
  remote: string;
  credentials?: GitCredentials;
  proxy?: GitProxy;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Progress lines (redacted). */
  onLine?: (line: string) => void;
  /**
   * Tests only: accept a `file://` remote (a fixture repository built on disk). Never set from
   * configuration: a CI remote is http(s), as the docs say (docs/commit-gate.md).
   */
  allowFileRemote?: boolean;
};

const remoteUrl = (allowFile: boolean) => z.url({ protocol: allowFile ? /^(https?|file)$/ : /^https?$/ }).refine((u) => !/\/\/[^/]*@/.test(u), 'credentials do not belong in the URL');

export function checkRemote(remote: string, allowFile = false): void {
  const r = remoteUrl(allowFile).safeParse(remote);
  if (!r.success) {
    throw new CiError('input', `git remote ${JSON.stringify(remote.replace(/\/\/[^/]*@/, '//***@'))} is not usable: expected an http(s) URL without credentials (${r.error.issues[0].message})`);
  }
}

export async function lsRemote(o: RemoteOptions): Promise<RemoteRef[]> {
  checkRemote(o.remote, o.allowFileRemote);
  const r = await git(['ls-remote', '--', o.remote], o);
  return parseLsRemote(r.stdout);
}

export type Mirror = { dir: string; [Symbol.asyncDispose]: () => Promise<void> };

/** Fetch the remote's branches and tags into a temporary bare repository; dispose removes it. */
export async function openMirror(o: RemoteOptions): Promise<Mirror> {
  checkRemote(o.remote, o.allowFileRemote);
  const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-git-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    await git(['init', '--bare', '--quiet', dir], { fallback: 'input' });
    await git(['fetch', '--quiet', '--filter=blob:none', '--', o.remote, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'], { ...o, cwd: dir });
  } catch (e) {
    await dispose();
    throw e;
  }
  return { dir, [Symbol.asyncDispose]: dispose };
}

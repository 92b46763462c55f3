// Code of the commit under test runs as another, unprivileged uid than the harness (issue 15):
// that uid cannot read the harness's files (the Secret workspace is 0400 root), nor
// /proc/<harness pid>/environ or /mem (the kernel allows those only to the same uid or ptrace
// rights). setpriv (util-linux, in every Debian image) switches uid and gid, drops supplementary
// groups and sets no_new_privs, so no setuid binary gives root back.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { CiError } from '../failure.ts';

export type SandboxUser = { uid: number; gid: number };

/** The uid repository commands run as (UNIDESK_CI_SANDBOX_UID, never 0) when the harness is root, else none (the current user). */
export function sandboxUser(uid: number, currentUid = process.getuid?.()): SandboxUser | undefined {
  return currentUid === 0 ? { uid, gid: uid } : undefined;
}

/** cmd/args wrapped so they run as `user` (unchanged without one). */
export function asUser(user: SandboxUser | undefined, cmd: string, args: readonly string[]): { cmd: string; args: string[] } {
  if (!user) return { cmd, args: [...args] };
  return { cmd: 'setpriv', args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--no-new-privs', '--', cmd, ...args] };
}

/** Whether `user` (the current user when undefined) could read `path`: asked as that uid, not guessed from mode bits. */
export function readableBy(user: SandboxUser | undefined, path: string): boolean {
  if (!user) {
    try {
      accessSync(path, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }
  const { cmd, args } = asUser(user, '/bin/sh', ['-c', 'if test -r "$1"; then echo readable; else echo unreadable; fi', 'sh', path]);
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  const answer = r.stdout?.trim();
  // no answer is no proof: a setpriv that failed must not read as "unreadable"
  if (answer !== 'readable' && answer !== 'unreadable') {
    throw new CiError('input', `cannot run a command as uid ${user.uid} to check ${path} (${r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`)}): the step image needs setpriv (util-linux)`);
  }
  return answer === 'readable';
}

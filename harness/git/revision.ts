// Matching a requested revision against a remote's advertised refs (git ls-remote), before any
// history is fetched. Pure: unit-tested without a remote.
import { CiError } from '../failure.ts';

export type RemoteRef = { name: string; commit: string };

export const FULL_SHA = /^[0-9a-f]{40}$/;
const HEX = /^[0-9a-f]{4,40}$/i;

/** Parse `git ls-remote` output; annotated tags resolve to the commit they peel to. */
export function parseLsRemote(text: string): RemoteRef[] {
  const direct = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40})\t(\S+)$/.exec(line.trim());
    if (!m) continue;
    if (m[2].endsWith('^{}')) peeled.set(m[2].slice(0, -3), m[1]);
    else direct.set(m[2], m[1]);
  }
  return [...direct].map(([name, commit]) => ({ name, commit: peeled.get(name) ?? commit }));
}

/** A revision must be a plain ref name or hex; anything that git could read as an option is refused. */
export function isRevision(revision: string): boolean {
  return Boolean(revision) && !revision.startsWith('-') && !/[\s~^:?*[\\\x00-\x1f\x7f]|\.\.|@\{|\/\/|\.lock$|\/$/.test(revision);
}

export function validateRevision(revision: string): void {
  if (!isRevision(revision)) {
    throw new CiError('input', `UNIDESK_CI_REVISION=${JSON.stringify(revision)} is not a valid revision: give a branch, tag, short SHA or full 40-character SHA`);
  }
}

export type RefMatch = { commit: string; ref?: string } | { needsHistory: true } | undefined;

/** Resolve against the advertised refs the way git does (tags before branches), refusing ambiguity. */
export function matchRevision(refs: readonly RemoteRef[], revision: string): RefMatch {
  validateRevision(revision);
  const byName = new Map(refs.map((r) => [r.name, r.commit]));
  const names = revision.startsWith('refs/') || revision === 'HEAD' ? [revision] : [`refs/tags/${revision}`, `refs/heads/${revision}`];
  const hits = names.filter((n) => byName.has(n));
  const commits = new Set(hits.map((n) => byName.get(n)!));
  if (commits.size > 1) {
    throw new CiError('input', `revision ${revision} is ambiguous: ${hits.join(' and ')} point at different commits; give refs/heads/${revision} or refs/tags/${revision}`);
  }
  if (hits.length) return { commit: byName.get(hits[0])!, ref: hits[0] };
  if (HEX.test(revision)) {
    const lower = revision.toLowerCase();
    if (FULL_SHA.test(lower) && refs.some((r) => r.commit === lower)) return { commit: lower };
    return { needsHistory: true };
  }
  return undefined;
}

export function unknownRevision(revision: string, refs: readonly RemoteRef[]): CiError {
  const branches = refs.filter((r) => r.name.startsWith('refs/heads/')).map((r) => r.name.slice(11));
  const shown = branches.slice(0, 10).join(', ') + (branches.length > 10 ? ', ...' : '');
  return new CiError('input', `unknown revision ${JSON.stringify(revision)}: no branch, tag or commit of that name on the remote (branches: ${shown || 'none'})`);
}

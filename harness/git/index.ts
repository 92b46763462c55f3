// harness/git: everything CI does with Git. Credentials travel only as an http.extraHeader in the
// git child's environment; the egress proxy is set for the git child only and honours NO_PROXY.
export { gitCredentials, type GitCredentials } from './credentials.ts';
export { gitEnv, GIT_LOW_SPEED, type GitAccess, type GitLowSpeed, type GitProxy } from './env.ts';
export { classifyGitOutput, AUTH_GAP } from './classify.ts';
export { git } from './exec.ts';
export { lsRemote, openMirror, type RemoteOptions } from './remote.ts';
export { FULL_SHA, matchRevision, parseLsRemote, validateRevision, type RemoteRef } from './revision.ts';
export { resolveRevision, resolveRevisionDetailed, type ResolveOptions } from './resolve.ts';
export { cloneAt, freshClone, type CloneOptions, type FreshClone } from './clone.ts';
export { assertClean, assertPushed } from './worktree.ts';
export { remoteContains } from './contains.ts';
export { gitAccessFrom } from './access.ts';

// What a failed git command means for CI: an auth gap and an unreachable proxy or remote are
// infrastructure, an unknown revision or repository is bad input. Patterns are git/curl's own words.
import type { FailureClass } from '../failure.ts';

export const AUTH_GAP = 'CI infrastructure/auth gap, not an application test result';

type Rule = { cls: FailureClass; pattern: RegExp; why: string };

const RULES: readonly Rule[] = [
  {
    cls: 'infra.auth',
    pattern: /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|HTTP 40[13]\b/i,
    why: `the remote refused the git credentials (missing or wrong) — ${AUTH_GAP}`,
  },
  {
    cls: 'input',
    pattern: /repository '.*' not found|returned error: 404|does not appear to be a git repository/i,
    why: 'the repository does not exist at UNIDESK_CI_REPO_URL (or the credentials cannot see it)',
  },
  // curl's low-speed abort (http.lowSpeedLimit/Time): listed before the generic 'RPC failed'
  {
    cls: 'infra.network',
    pattern: /Operation too slow|bytes\/sec transferred|transfer rate/i,
    why: 'the git server (or the egress proxy) stalled: it sent less than http.lowSpeedLimit bytes/s for http.lowSpeedTime seconds',
  },
  { cls: 'infra.network', pattern: /Received HTTP code \d+ from proxy|returned error: (407|50[234])|HTTP 50[234]\b|proxy/i, why: 'the egress proxy refused or could not forward the request' },
  {
    cls: 'infra.network',
    pattern: /Failed to connect|Couldn't connect|Could not resolve (host|proxy)|Connection refused|Connection reset|timed out|Empty reply|unable to access|early EOF|RPC failed|SSL/i,
    why: 'the git remote or the egress proxy is unreachable',
  },
  { cls: 'input', pattern: /not a git repository/i, why: 'the directory is not a git worktree' },
];

export type GitFailure = { failureClass: FailureClass; why: string };

/** Classify a failed remote git operation by its output; unknown remote failures count as network. */
export function classifyGitOutput(output: string, fallback: FailureClass = 'infra.network'): GitFailure {
  for (const r of RULES) if (r.pattern.test(output)) return { failureClass: r.cls, why: r.why };
  return { failureClass: fallback, why: 'git failed talking to the remote' };
}

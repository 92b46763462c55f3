// Which cluster the harness may talk to: a kubeconfig context or server host that looks like
// production (UNIDESK_CI_KUBE_DENY_PATTERN, default `prod`, case-insensitive) is refused unless the
// context is named in UNIDESK_CI_ALLOWED_CONTEXTS; when that list is set, only its contexts are used.
import { DEFAULT_DENY_PATTERN } from '../config.ts';
import { CiError } from '../failure.ts';

export const DENY_PATTERN_VAR = 'UNIDESK_CI_KUBE_DENY_PATTERN';
export const ALLOWED_CONTEXTS_VAR = 'UNIDESK_CI_ALLOWED_CONTEXTS';

/** The deny pattern as a case-insensitive RegExp; an invalid one is input naming the variable. */
export function denyPattern(source: string): RegExp {
  try {
    return new RegExp(source, 'i');
  } catch (e) {
    throw new CiError('input', `${DENY_PATTERN_VAR}=${JSON.stringify(source)} is not a valid regular expression: ${(e as Error).message}`);
  }
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return server;
  }
}

export function checkContext(context: string, server: string, env: Record<string, string | undefined>): void {
  const allowed = (env[ALLOWED_CONTEXTS_VAR] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (allowed.length > 0) {
    if (allowed.includes(context)) return;
    throw new CiError('input', `kubeconfig context ${context} is not in ${ALLOWED_CONTEXTS_VAR} (${allowed.join(', ')}): the harness only uses the contexts listed there`);
  }
  const source = env[DENY_PATTERN_VAR] || DEFAULT_DENY_PATTERN;
  const deny = denyPattern(source);
  const host = hostOf(server);
  const hit = deny.test(context) ? `context ${context}` : deny.test(host) ? `server host ${host} (context ${context})` : undefined;
  if (hit) {
    throw new CiError('input', `kubeconfig ${hit} matches ${DENY_PATTERN_VAR} /${source}/i and looks like production: refused; name the context in ${ALLOWED_CONTEXTS_VAR} to use it anyway`);
  }
}

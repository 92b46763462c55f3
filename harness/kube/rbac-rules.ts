// RBAC rules compared literally, as the install gate judges a live role against k3s/ci: a rule is
// covered when each verb × resource (or non-resource URL) it grants is granted by a committed rule,
// within that rule's resourceNames. A live `*` is covered only by a committed `*` (the policy
// forbids those), so a wildcard is always extra. And the baseline every authenticated identity holds.
export type RbacRule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };

const within = (names: string[] | undefined, allowed: string[] | undefined) => !allowed?.length || (!!names?.length && names.every((n) => allowed.includes(n)));

/** What `rule` grants that none of `allowed` does, one phrase per verb (empty: covered). */
export function uncovered(rule: RbacRule, allowed: readonly RbacRule[]): string[] {
  const out: string[] = [];
  for (const verb of rule.verbs ?? []) {
    const missing: string[] = [];
    for (const url of rule.nonResourceURLs ?? []) if (!allowed.some((a) => a.verbs?.includes(verb) && a.nonResourceURLs?.includes(url))) missing.push(url);
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const ok = allowed.some((a) => a.verbs?.includes(verb) && a.apiGroups?.includes(group) && a.resources?.includes(resource) && within(rule.resourceNames, a.resourceNames));
        if (!ok) missing.push(`${resource}${group ? `.${group}` : ''}`);
      }
    }
    if (missing.length) out.push(`${verb} ${missing.join(',')}${rule.resourceNames?.length ? ` (names ${rule.resourceNames.join(',')})` : ''}`);
  }
  return out;
}

/** Kubernetes' default grants to system:authenticated / system:serviceaccounts (system:basic-user,
 * system:discovery, system:public-info-viewer, system:service-account-issuer-discovery): reviews
 * of oneself and GETs of discovery, health and OIDC documents. They open no object. */
const DISCOVERY_URLS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/version/',
  '/openapi',
  '/openapi/*',
  '/.well-known/openid-configuration',
  '/.well-known/openid-configuration/',
  '/openid/v1/jwks',
  '/openid/v1/jwks/',
];
export const AUTHENTICATED_BASELINE: readonly RbacRule[] = [
  { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
  { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
  { nonResourceURLs: DISCOVERY_URLS, verbs: ['get'] },
];
/** Tekton's version ConfigMaps, readable by every authenticated user in their install namespace. */
export const TEKTON_INFO = {
  namespace: 'tekton-pipelines',
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['pipelines-info', 'triggers-info'] }] as readonly RbacRule[],
};

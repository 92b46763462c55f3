// Object names and URL paths checked before a URL is built: a name such as `..` or `a/b`, or a
// service-proxy path with dot or empty segments, would be resolved by the URL normaliser and could
// land a request on another object or namespace (`DELETE .../namespaces/unidesk-ci/configmaps/..`
// is `DELETE /api/v1/namespaces/unidesk-ci`). The rules are the API server's own name validation.
import type { ObjectRef } from './objects.ts';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Why the API server would refuse this name for the kind, or undefined when it is valid. */
export function nameProblem(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>, name: string): string | undefined {
  if (ref.apiVersion.startsWith('rbac.authorization.k8s.io/')) {
    return name === '' || name === '.' || name === '..' || /[/%]/.test(name) ? "is not a valid path segment name (may not be '.' or '..', nor contain '/' or '%')" : undefined;
  }
  if (ref.apiVersion === 'v1' && ref.kind === 'Namespace') return name.length <= 63 && LABEL.test(name) ? undefined : 'is not a DNS-1123 label';
  if (ref.apiVersion === 'v1' && ref.kind === 'Service') return name.length <= 63 && DNS1035.test(name) ? undefined : 'is not a DNS-1035 label';
  return name.length <= 253 && SUBDOMAIN.test(name) ? undefined : 'is not a DNS-1123 subdomain';
}

/**
 * Namespace and name of a ref, as the API server validates them; the first problem, or undefined.
 * `nameInUrl` false (a create: POST to the collection, the server validates the body's name, which
 * may still be a generateName placeholder here): only the namespace is checked.
 */
export function refProblem(ref: ObjectRef, nameInUrl = true): string | undefined {
  const ns = ref.namespace;
  if (ns !== undefined && nameProblem({ apiVersion: 'v1', kind: 'Namespace' }, ns)) return `namespace ${JSON.stringify(ns)} is not a DNS-1123 label`;
  if (!nameInUrl) return undefined;
  const why = nameProblem(ref, ref.name);
  return why ? `name ${JSON.stringify(ref.name)} ${why}` : undefined;
}

/** A path whose segments are all kept by the URL normaliser: no empty, `.` or `..` segment, literal or percent-encoded. */
export function pathSegmentProblem(path: string): string | undefined {
  const segments = path.split('?')[0].split('#')[0].split('/').slice(1);
  for (const s of segments) {
    let decoded = s;
    try {
      // twice: a proxy hop may decode once more (%252e%252e)
      decoded = decodeURIComponent(decodeURIComponent(s));
    } catch {
      return `segment ${JSON.stringify(s)} is not valid percent-encoding`;
    }
    if (decoded === '.' || decoded === '..') return `segment ${JSON.stringify(s)} is a dot segment`;
    if (decoded.includes('/') || decoded.includes('\\')) return `segment ${JSON.stringify(s)} encodes a path separator`;
  }
  if (segments.slice(0, -1).some((s) => s === '')) return 'it has an empty segment (//)';
  return undefined;
}

/** The path of `url` after WHATWG normalisation (dot segments resolved): what a client really sends. */
export function normalisedPathOf(url: string): string {
  return new URL(url).pathname;
}

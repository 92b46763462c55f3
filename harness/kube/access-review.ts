// "kubectl auth can-i": a SelfSubjectAccessReview, optionally as another user (impersonation,
// like --as=system:serviceaccount:unidesk-ci:unidesk-ci-runner). Creating a review writes nothing.
import * as k8s from '@kubernetes/client-node';
import { impersonating } from './client.ts';
import { kubeError } from './errors.ts';
import type { Kube } from './kube.ts';

export type AccessQuery = { verb: string; group?: string; resource: string; subresource?: string; namespace?: string; name?: string };

export function describeQuery(q: AccessQuery): string {
  const res = `${q.resource}${q.subresource ? `/${q.subresource}` : ''}${q.group ? `.${q.group}` : ''}`;
  return `${q.verb} ${res}${q.namespace ? ` in ${q.namespace}` : ' (cluster-wide)'}`;
}

/** A reviewer bound to one identity (one client, reused for many questions). */
export function accessReviewer(kube: Kube, as?: string): (q: AccessQuery) => Promise<boolean> {
  const kc = as ? impersonating(kube.kc, as) : kube.kc;
  const api = kc.makeApiClient(k8s.AuthorizationV1Api);
  return async (q) => {
    const body: k8s.V1SelfSubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: q.verb, group: q.group ?? '', resource: q.resource, subresource: q.subresource, namespace: q.namespace, name: q.name } },
    };
    const review = await api.createSelfSubjectAccessReview({ body }).catch((e) => {
      throw kubeError(e, `access review ${describeQuery(q)}${as ? ` as ${as}` : ''}`);
    });
    return review.status?.allowed === true;
  };
}

export async function canI(kube: Kube, q: AccessQuery, as?: string): Promise<boolean> {
  return accessReviewer(kube, as)(q);
}

// Is the right Tekton installed? The seed pins Pipelines v1.12.0 and Triggers v0.34.0: the
// *-info ConfigMaps and the Deployments' app.kubernetes.io/version labels must say so, the
// Deployments must be Available, and the CRDs the k3s/ci objects use must be served.
// A wrong or missing installation is infra.cluster (the cluster, not UniDesk, is broken).
import * as k8s from '@kubernetes/client-node';
import { CiError } from '../failure.ts';
import { isNotFound, kubeError } from '../kube/errors.ts';
import type { Kube } from '../kube/kube.ts';
import { REQUIRED_CRDS, TEKTON_NAMESPACE, type TektonComponent } from './versions.ts';

export type ComponentReport = { component: string; version: string; deployments: string[] };

export async function checkTektonComponent(kube: Kube, c: TektonComponent): Promise<ComponentReport> {
  const cmRef = `ConfigMap ${TEKTON_NAMESPACE}/${c.infoConfigMap}`;
  const cm = await kube.core.readNamespacedConfigMap({ name: c.infoConfigMap, namespace: TEKTON_NAMESPACE }).catch((e) => {
    if (isNotFound(e)) throw new CiError('infra.cluster', `${c.title} ${c.version} is not installed: ${cmRef} not found`);
    throw kubeError(e, `read ${cmRef}`);
  });
  const installed = cm.data?.version;
  if (installed !== c.version) {
    throw new CiError('infra.cluster', `${c.title}: installed ${installed ?? '(no data.version)'}, required ${c.version} (${cmRef})`);
  }
  const problems: string[] = [];
  for (const name of c.deployments) {
    const d = await kube.apps.readNamespacedDeployment({ name, namespace: TEKTON_NAMESPACE }).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw kubeError(e, `read Deployment ${TEKTON_NAMESPACE}/${name}`);
    });
    if (!d) {
      problems.push(`Deployment ${name} not found`);
      continue;
    }
    const label = d.metadata?.labels?.['app.kubernetes.io/version'];
    if (label !== c.version) problems.push(`Deployment ${name}: installed ${label ?? '(no app.kubernetes.io/version label)'}, required ${c.version}`);
    const available = d.status?.conditions?.find((x) => x.type === 'Available');
    if (available?.status !== 'True') problems.push(`Deployment ${name} is not Available (${available?.reason ?? 'no Available condition'})`);
  }
  if (problems.length) throw new CiError('infra.cluster', `${c.title} ${c.version} in ${TEKTON_NAMESPACE}: ${problems.join('; ')}`);
  return { component: c.title, version: installed, deployments: [...c.deployments] };
}

export async function checkTektonCrds(kube: Kube): Promise<string[]> {
  const api = kube.kc.makeApiClient(k8s.ApiextensionsV1Api);
  const problems: string[] = [];
  for (const want of REQUIRED_CRDS) {
    const crd = await api.readCustomResourceDefinition({ name: want.name }).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw kubeError(e, `read CustomResourceDefinition ${want.name}`);
    });
    if (!crd) {
      problems.push(`CRD ${want.name} is missing`);
      continue;
    }
    const served = crd.spec.versions.some((v) => v.name === want.version && v.served);
    if (!served) problems.push(`CRD ${want.name} does not serve ${want.group}/${want.version}`);
  }
  if (problems.length) throw new CiError('infra.cluster', `Tekton CRDs: ${problems.join('; ')}`);
  return REQUIRED_CRDS.map((c) => c.name);
}

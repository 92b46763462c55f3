// A cluster double per test file, a harness Kube for a run id, and admin writes that bypass the
// write guard (test setup only: e.g. creating namespace unidesk-ci or another run's namespace).
import * as k8s from '@kubernetes/client-node';
import { startClusterDouble, type ClusterDouble } from '../../../fixtures/lab/cluster/index.ts';
import { installLabTekton } from '../../../fixtures/lab/tekton/index.ts';
import { podRunners, type PodRunner } from '../../../fixtures/lab/runners/index.ts';
import { connectKube, loadKubeConfig, type Kube, type Manifest } from '../../../harness/kube/index.ts';

export type KubeLab = {
  double: ClusterDouble;
  kube: (runId?: string, log?: (l: string) => void) => Kube;
  /** SSA with the admin kubeconfig, no guard (test setup). */
  adminApply: (o: Manifest) => Promise<void>;
  admin: k8s.KubernetesObjectApi;
  lines: string[];
};

export async function startKubeLab(o: { tekton?: boolean } = {}): Promise<KubeLab & AsyncDisposable> {
  const double = await startClusterDouble({});
  const lines: string[] = [];
  const admin = k8s.KubernetesObjectApi.makeApiClient(loadKubeConfig({ kubeconfig: double.kubeconfigPath }));
  if (o.tekton) await installLabTekton({ kubeconfig: double.kubeconfigPath, log: () => undefined, crdsDir: process.env.LAB_TEKTON_CRDS === 'minimal' ? null : undefined });
  return {
    double,
    lines,
    admin,
    kube: (runId = 'labtest', log = (l) => void lines.push(l)) => connectKube({ kubeconfig: double.kubeconfigPath, runId, log }),
    adminApply: async (m) => void (await admin.patch(structuredClone(m), undefined, undefined, 'lab-test', true, k8s.PatchStrategy.ServerSideApply)),
    [Symbol.asyncDispose]: () => double.stop(),
  };
}

export const namespace = (name: string, labels?: Record<string, string>, annotations?: Record<string, string>): Manifest => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels, annotations },
});

export const configMap = (name: string, ns: string | undefined, data: Record<string, string> = { a: '1' }): Manifest =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(ns ? { namespace: ns } : {}) }, data }) as Manifest;

export const deployment = (name: string, ns: string, image: string, replicas = 1): Manifest =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image, ports: [{ containerPort: 8080 }] }] } } },
  }) as Manifest;

/** Requests that touched a namespace's paths, or wrote anything, after `since`. */
export function touching(double: ClusterDouble, since: number, ns: string) {
  return double.requests(since).filter((r) => r.path.includes(`/namespaces/${ns}/`) || r.path.includes(`/namespaces/${ns}?`) || r.path.endsWith(`/namespaces/${ns}`));
}

export function writes(double: ClusterDouble, since: number) {
  return double.requests(since).filter((r) => r.method !== 'GET');
}

/** Pods of `lab-test/*` images run nothing, log a line and are Ready at once (registered per test file). */
export function registerTestImages(): () => void {
  const runner: PodRunner = {
    image: /^lab-test\//,
    async start(pod, ctx) {
      ctx.log(`started ${pod.container.image}\n`);
      return { endpoints: {}, ready: async () => true, stop: async () => undefined };
    },
  };
  podRunners.unshift(runner);
  return () => void podRunners.splice(podRunners.indexOf(runner), 1);
}

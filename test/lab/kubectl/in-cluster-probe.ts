// Runs as a lab pod's container process: client-node's loadFromCluster() and the harness's
// loadKubeConfig() with no kubeconfig (in-cluster), each listing ConfigMaps of its namespace;
// then a read RBAC refuses. Prints one line per check into the pod log.
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { loadKubeConfig } from '../../../harness/kube/client.ts';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
const namespace = readFileSync(`${SA}/namespace`, 'utf8');
const code = (e: unknown) => (e as { code?: number }).code ?? (e as Error).message;

const plain = new k8s.KubeConfig();
plain.loadFromCluster();
const core = plain.makeApiClient(k8s.CoreV1Api);
try {
  const cms = await core.listNamespacedConfigMap({ namespace });
  console.log(`client-node loadFromCluster: ${plain.getCurrentCluster()?.server} configmaps ${cms.items.map((c) => c.metadata?.name).join(',')}`);
} catch (e) {
  console.log(`client-node loadFromCluster: failed ${code(e)}`);
}
const harness = loadKubeConfig({}, { KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST });
try {
  const cms = await harness.makeApiClient(k8s.CoreV1Api).listNamespacedConfigMap({ namespace });
  console.log(`harness in-cluster: configmaps ${cms.items.length}`);
} catch (e) {
  console.log(`harness in-cluster: failed ${code(e)}`);
}
try {
  await core.listNamespacedSecret({ namespace });
  console.log('secrets: allowed');
} catch (e) {
  console.log(`secrets: ${code(e)}`);
}

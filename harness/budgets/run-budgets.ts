// The run's budgets: UNIDESK_CI_BUDGETS_FILE when set, else the cluster's unidesk-ci-budgets.
import { budgetsFromCluster, budgetsFromFile } from './source.ts';
import { BUDGETS_CONFIGMAP, type Budgets } from './schema.ts';
import { CI_NAMESPACE, type RunConfig } from '../config.ts';
import { CiError } from '../failure.ts';
import { isNotFound, kubeError } from '../kube/errors.ts';
import type { Kube } from '../kube/kube.ts';

export async function loadRunBudgets(config: RunConfig, kube: () => Kube): Promise<Budgets> {
  if (config.budgetsFile) return budgetsFromFile(config.budgetsFile);
  let k: Kube;
  try {
    k = kube();
  } catch (e) {
    if (e instanceof CiError) e.message += ' (or set UNIDESK_CI_BUDGETS_FILE to a copy of k3s/ci/budgets.configmap.yaml)';
    throw e;
  }
  return budgetsFromCluster(CI_NAMESPACE, async () => {
    try {
      return await k.core.readNamespacedConfigMap({ name: BUDGETS_CONFIGMAP, namespace: CI_NAMESPACE });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw kubeError(e, `read ConfigMap ${CI_NAMESPACE}/${BUDGETS_CONFIGMAP}`);
    }
  });
}

// The checks behind `unidesk-ci status`, read-only against the cluster and the registry: each
// failure becomes a FAIL line with its reason instead of ending the command.
import { join } from 'node:path';
import { budgetsFromCluster } from '../../budgets/source.ts';
import { BUDGETS_CONFIGMAP } from '../../budgets/schema.ts';
import { CI_NAMESPACE, type RunConfig } from '../../config.ts';
import { checkoutStepImage } from '../../image/step-image/served.ts';
import { STEP_IMAGE_REPOSITORY } from '../../image/step-image/reference.ts';
import { isNotFound, kubeError } from '../../kube/errors.ts';
import { loadCheckedManifests } from '../../kube/k3s-ci.ts';
import type { Kube } from '../../kube/kube.ts';
import type { Manifest } from '../../kube/objects.ts';
import { rawRead } from '../../kube/raw.ts';
export { driftOf } from '../../kube/live-drift.ts';
import { redact } from '../../redact.ts';
import { REPO_ROOT } from '../../tekton/crd-files.ts';
import { checkTektonComponent, checkTektonCrds } from '../../tekton/install-check.ts';
import { TEKTON_COMPONENTS } from '../../tekton/versions.ts';
import type { Check } from './report.ts';

const message = (e: unknown) => redact(e instanceof Error ? e.message : String(e));

async function check(name: string, f: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, detail: await f() };
  } catch (e) {
    return { name, ok: false, detail: message(e) };
  }
}

export async function componentChecks(kube: Kube): Promise<Check[]> {
  const out: Check[] = [];
  for (const c of TEKTON_COMPONENTS) {
    out.push(
      await check(c.title, async () => {
        const r = await checkTektonComponent(kube, c);
        return `${r.version}; ${r.deployments.join(', ')} Available`;
      }),
    );
  }
  out.push(await check('Tekton CRDs', async () => `${(await checkTektonCrds(kube)).length} served at the versions k3s/ci uses`));
  return out;
}

export function manifestsDir(config: RunConfig): string {
  return config.manifestsDir;
}

/** The step image k3s/ci names for this checkout, served by the registry with this checkout's content hash. */
export function stepImageCheck(config: RunConfig, objects: readonly Manifest[]): Promise<Check> {
  return check('step image', async () => {
    const images = objects.filter((o) => o.kind === 'Task').flatMap((o) => ((o.spec as { steps?: Array<{ image?: string }> } | undefined)?.steps ?? []).map((s) => s.image ?? ''));
    const ref = images.find((i) => i.includes(`/${STEP_IMAGE_REPOSITORY}:`));
    // unclassified: check() reports it as a failed check
    if (!ref) throw new Error(`no k3s/ci Task step runs ${STEP_IMAGE_REPOSITORY}`);
    const served = await checkoutStepImage(config.registry, ref);
    // unclassified: check() reports it as a failed check
    if (served.state !== 'served') throw new Error(served.why);
    return `${ref} served as ${served.digest}`;
  });
}

const EVENT_LISTENER = 'unidesk-ci';

/**
 * The EventListener's Service (`el-<name>`, made by the Triggers controller) as a ClusterIP
 * Service. An absent EventListener is k3s/ci drift, not this check's; one without its Service is
 * a Triggers controller that did not do its job.
 */
export function eventListenerCheck(kube: Kube): Promise<Check> {
  return check('EventListener', async () => {
    const el = await rawRead(kube, { apiVersion: 'triggers.tekton.dev/v1beta1', kind: 'EventListener', metadata: { name: EVENT_LISTENER, namespace: CI_NAMESPACE } }).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw kubeError(e, `read EventListener ${CI_NAMESPACE}/${EVENT_LISTENER}`);
    });
    if (!el) return `no EventListener ${EVENT_LISTENER} (see k3s/ci)`;
    const name = `el-${EVENT_LISTENER}`;
    const svc = await kube.core.readNamespacedService({ name, namespace: CI_NAMESPACE }).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw kubeError(e, `read Service ${CI_NAMESPACE}/${name}`);
    });
    // unclassified: check() reports it as a failed check
    if (!svc) throw new Error(`EventListener ${EVENT_LISTENER} exists but its Service ${name} does not (is the Tekton Triggers controller running?)`);
    const type = svc.spec?.type ?? 'ClusterIP';
    // unclassified: check() reports it as a failed check
    if (type !== 'ClusterIP') throw new Error(`Service ${name} is ${type}; the seed keeps the EventListener a ClusterIP Service`);
    const ports = (svc.spec?.ports ?? []).map((p) => p.port).join(',');
    return `Service ${name} ClusterIP ${svc.spec?.clusterIP ?? '(none)'}${ports ? `:${ports}` : ''}`;
  });
}

export function budgetsCheck(kube: Kube): Promise<Check> {
  return check('budgets', async () => {
    const b = await budgetsFromCluster(CI_NAMESPACE, () =>
      kube.core.readNamespacedConfigMap({ name: BUDGETS_CONFIGMAP, namespace: CI_NAMESPACE }).then(
        (cm) => ({ kind: 'ConfigMap', metadata: { name: cm.metadata?.name }, data: cm.data ?? {} }),
        (e) => {
          if (isNotFound(e)) return undefined;
          throw kubeError(e, `read ConfigMap ${CI_NAMESPACE}/${BUDGETS_CONFIGMAP}`);
        },
      ),
    );
    return b.budgets.map((x) => `${x.name} ${x.budgetMs} ms ${x.tier}${x.statistic === 'p95' ? ` (p95 of ${x.n})` : ''}`).join('; ');
  });
}

export async function k3sCiObjects(config: RunConfig): Promise<Manifest[]> {
  return loadCheckedManifests(manifestsDir(config));
}

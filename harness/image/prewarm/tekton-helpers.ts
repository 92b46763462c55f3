// The Tekton helper images every TaskRun pod needs (entrypoint, nop, sidecarlogresults,
// workingdirinit, shell) are whatever the installed controller was told to inject: its
// `-<name>-image` args. Read from the live Deployment at install time, so the prewarm list
// follows the installed release (upstream pins them by digest) instead of a hard-coded copy.
import { CiError } from '../../failure.ts';
import { isNotFound, kubeError } from '../../kube/errors.ts';
import type { Kube } from '../../kube/kube.ts';
import { TEKTON_NAMESPACE } from '../../tekton/versions.ts';

export const PIPELINES_CONTROLLER = 'tekton-pipelines-controller';
/** Helpers for nodes this CI never schedules on (D601's k3s is Linux). */
const NOT_LINUX = new Set(['shell-image-win']);

export type HelperImage = { flag: string; image: string };

/** Pure: `-x-image value`, `-x-image=value` and `--x-image ...` forms, Linux helpers only. */
export function helperImagesFromArgs(args: readonly string[]): HelperImage[] {
  const out: HelperImage[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z0-9-]+-image)(?:=(.*))?$/.exec(args[i]!);
    if (!m) continue;
    const flag = m[1]!;
    const image = m[2] ?? args[++i];
    if (!image || image.startsWith('-')) throw new CiError('infra.cluster', `${PIPELINES_CONTROLLER}: flag -${flag} has no image`);
    if (!NOT_LINUX.has(flag)) out.push({ flag, image });
  }
  return out;
}

type Container = { name?: string; args?: string[] };

export function helperImagesOfDeployment(deployment: { spec?: { template?: { spec?: { containers?: Container[] } } } }): HelperImage[] {
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  const c = containers.find((x) => x.name === PIPELINES_CONTROLLER) ?? containers[0];
  const images = helperImagesFromArgs(c?.args ?? []);
  if (!images.some((h) => h.flag === 'entrypoint-image')) {
    throw new CiError('infra.cluster', `Deployment ${TEKTON_NAMESPACE}/${PIPELINES_CONTROLLER} has no -entrypoint-image arg: is this a Tekton Pipelines release manifest?`);
  }
  return images;
}

export async function readTektonHelperImages(kube: Kube): Promise<HelperImage[]> {
  const d = await kube.apps.readNamespacedDeployment({ name: PIPELINES_CONTROLLER, namespace: TEKTON_NAMESPACE }).catch((e: unknown) => {
    if (isNotFound(e)) throw new CiError('infra.cluster', `Deployment ${TEKTON_NAMESPACE}/${PIPELINES_CONTROLLER} not found: is Tekton Pipelines installed?`);
    throw kubeError(e, `read Deployment ${TEKTON_NAMESPACE}/${PIPELINES_CONTROLLER}`);
  });
  return helperImagesOfDeployment(d as never);
}

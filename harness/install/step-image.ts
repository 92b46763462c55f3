// The install gate's step image step: the registry must serve the step image the rendered k3s/ci
// names (this checkout's tag, content hash label). `unidesk-ci install` (and the lab, which is a
// full installation) builds and pushes it when missing — a second install with nothing changed
// reuses it; the gate run as a check only reads the registry and says how to fix a miss.
import type { RunConfig } from '../config.ts';
import { CiError } from '../failure.ts';
import { checkoutStepImage, ensureStepImage, stepImageTag } from '../image/step-image/index.ts';
import { STEP_IMAGE_NAME, kustomizationImages, mapImage, withStepImageTag } from '../kube/index.ts';
import { parseImageRef } from '../registry/reference.ts';
import { REPO_ROOT } from '../tekton/index.ts';
import { gateEnv, type StepContext } from '../vitest/gate.ts';

/** The step image reference the rendered Tasks name (the node's view of the loopback registry). */
export async function renderedStepImage(manifestsDir: string): Promise<string> {
  const { tag } = await stepImageTag(REPO_ROOT);
  return mapImage(STEP_IMAGE_NAME, withStepImageTag(await kustomizationImages(manifestsDir), tag));
}

export async function stepImageStep(config: RunConfig, manifestsDir: string, property: StepContext['property'], signal: AbortSignal): Promise<string> {
  const rendered = await renderedStepImage(manifestsDir);
  await property('step-image', rendered);
  const named = parseImageRef(rendered).registry;
  // on a cluster the Tasks' registry is the one install pushes to; the lab serves it on its own port
  if (!config.lab && named !== config.registry) {
    throw new CiError('input', `k3s/ci names the step image at ${named}, but UNIDESK_CI_REGISTRY is ${config.registry}: the kubelet would pull from a registry install never pushed to`, {
      hint: 'set UNIDESK_CI_REGISTRY to the registry of k3s/ci/kustomization.yaml images[].newName, or change both',
    });
  }
  const log = (line: string) => console.log(line);
  if (config.applyManifests || config.lab) {
    // the lab's variables (its Debian base, its registries.conf) reach the workers through inject, not process.env
    const r = await ensureStepImage({ registry: config.registry, env: gateEnv(), log, signal, timeoutMs: config.waitMs });
    await property('step-image-digest', r.digest);
    await property('step-image-action', r.built ? 'built' : 'reused');
    await property('step-image-duration-ms', r.durationMs);
    return rendered;
  }
  const served = await checkoutStepImage(config.registry, rendered, signal);
  if (served.state !== 'served') throw new CiError('infra.registry', served.why);
  await property('step-image-digest', served.digest);
  await property('step-image-action', 'present');
  return rendered;
}

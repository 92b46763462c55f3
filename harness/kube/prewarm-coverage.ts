// Every image a Task step (or sidecar/stepTemplate) runs must be in the prewarm list, so the
// first TaskRun after `ci install` never pulls through the node's egress path. Compared the way
// containerd names images (oven/bun:1-debian = docker.io/oven/bun:1-debian).
import { formatImageRef, parseImageRef } from '../registry/reference.ts';
import { describeRef, refOf, type Manifest } from './objects.ts';
import { stepsOf, type Violation } from './task-steps.ts';

export const PREWARM_CONFIGMAP_NAME = 'unidesk-ci-prewarm-images';

type Any = Record<string, any>; // free-form manifests, as in policy.ts

/** The containerd name of a reference, or undefined when it does not parse (pinned-images reports that). */
function canonical(ref: string): string | undefined {
  try {
    return formatImageRef(parseImageRef(ref.trim()));
  } catch {
    return undefined;
  }
}

export function unprewarmedStepImages(objects: readonly Manifest[]): Violation[] {
  const list = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === PREWARM_CONFIGMAP_NAME) as Any | undefined;
  const lines =
    typeof list?.data?.images === 'string'
      ? (list.data.images as string)
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#'))
      : [];
  const prewarmed = new Set(lines.map(canonical).filter(Boolean));
  const out: Violation[] = [];
  for (const o of objects) {
    for (const { task, step } of stepsOf(o as Any)) {
      if (step.image === undefined) continue;
      const name = canonical(String(step.image));
      if (name && prewarmed.has(name)) continue;
      const where = list ? `ConfigMap ${PREWARM_CONFIGMAP_NAME}` : `a ConfigMap ${PREWARM_CONFIGMAP_NAME} (none in k3s/ci)`;
      out.push({ object: describeRef(refOf(o)), rule: 'prewarm', message: `step ${task}/${step.name} runs ${step.image}, which is not listed in ${where}` });
    }
  }
  return out;
}

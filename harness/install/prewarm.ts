// The install gate's prewarm step (seed: "ci install also prewarms the D601 k3s containerd
// runtime ..."): every image of the prewarm list ends up in the node's containerd with its digest;
// JUnit gets ref, digest and pull throughput per image. A sustained pull below the floor fails as
// infra.network (provider/main-server network or proxy degradation) inside prewarmImages.
// The list: the file's third-party images, the helper images the installed Tekton controller
// injects (its Deployment's -*-image args) and the step image of this checkout.
import type { RunConfig } from '../config.ts';
import { CiError } from '../failure.ts';
import { composePrewarmList } from '../image/prewarm/compose.ts';
import { prewarmFromConfig } from '../image/prewarm/from-config.ts';
import { readPrewarmList } from '../image/prewarm/list.ts';
import { readTektonHelperImages } from '../image/prewarm/tekton-helpers.ts';
import type { Kube } from '../kube/index.ts';
import { formatRate } from '../image/prewarm/throughput.ts';
import type { StepContext } from '../vitest/gate.ts';

export async function prewarmStep(config: RunConfig, kube: Kube, stepImage: string | undefined, property: StepContext['property'], signal: AbortSignal): Promise<void> {
  if (!stepImage) throw new CiError('infra.registry', 'the step image step did not establish the step image; nothing to prewarm it from');
  await property('prewarm-list', config.prewarm.imagesFile);
  const helpers = await readTektonHelperImages(kube);
  await property('prewarm-tekton-helpers', helpers.map((h) => `-${h.flag}`).join(' '));
  const images = composePrewarmList(await readPrewarmList(config.prewarm.imagesFile), helpers, stepImage);
  const results = await prewarmFromConfig(config, (line) => console.log(line), signal, images);
  await property('prewarm-images', results.length);
  for (const [i, r] of results.entries()) {
    const n = `prewarm-${i + 1}`;
    await property(`${n}-ref`, r.image);
    await property(`${n}-digest`, r.digest);
    await property(`${n}-action`, r.action);
    await property(`${n}-throughput`, r.bytesPerSec === undefined ? 'not pulled (already present)' : `${formatRate(r.bytesPerSec)} (${r.bytes} bytes)`);
  }
}

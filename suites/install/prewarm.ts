// The install gate's prewarm step (seed: "ci install also prewarms the D601 k3s containerd
// runtime ..."): every image of the prewarm list ends up in the node's containerd with its digest;
// JUnit gets ref, digest and pull throughput per image. A sustained pull below the floor fails as
// infra.network (provider/main-server network or proxy degradation) inside prewarmImages.
import type { RunConfig } from '../../harness/config.ts';
import { prewarmFromConfig } from '../../harness/image/prewarm/from-config.ts';
import { formatRate } from '../../harness/image/prewarm/throughput.ts';

export type Property = (name: string, value: string | number) => Promise<void>;

export async function prewarmStep(config: RunConfig, property: Property, signal: AbortSignal): Promise<void> {
  await property('prewarm-list', config.raw.UNIDESK_CI_PREWARM_IMAGES_FILE);
  const results = await prewarmFromConfig(config, (line) => console.log(line), signal);
  await property('prewarm-images', results.length);
  for (const [i, r] of results.entries()) {
    const n = `prewarm-${i + 1}`;
    await property(`${n}-ref`, r.image);
    await property(`${n}-digest`, r.digest);
    await property(`${n}-action`, r.action);
    await property(`${n}-throughput`, r.bytesPerSec === undefined ? 'not pulled (already present)' : `${formatRate(r.bytesPerSec)} (${r.bytes} bytes)`);
  }
}

// Steps 2 and 3 of the dev-e2e gate: the Code Queue image of the pinned commit in the loopback
// registry (reused when the registry serves that tag with this commit's labels, else built from a
// fresh clone — the artifact publication's steps), then imported into the node's containerd by
// digest (the prewarm path), so the pods run it without a pull.
import type { RunConfig } from '../config.ts';
import { importToNode } from '../image/node-import.ts';
import { CODE_QUEUE_IMAGE, publishServiceImage, type ServicePublication } from '../image/publish/index.ts';

export type CodeQueueImage = ServicePublication;

export type ImageOptions = { config: RunConfig; env: NodeJS.ProcessEnv; signal?: AbortSignal; log: (line: string) => void };

/**
 * buildah's environment: the Task clears the proxy variables (this step calls the Kubernetes API),
 * so a base image pull gets the egress proxy here explicitly; the loopback registry stays direct.
 */
export function buildEnv(config: RunConfig, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const proxy = config.proxy.url;
  if (!proxy) return env;
  const noProxy = [config.proxy.noProxy, '127.0.0.1', 'localhost', config.registry.replace(/:\d+$/, '')].filter(Boolean).join(',');
  return { ...env, HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy, NO_PROXY: noProxy, no_proxy: noProxy };
}

/** `branches`: where step 1 found the pinned commit on the remote, so the publication does not fetch to ask again. */
export function codeQueueImage(o: ImageOptions & { commit: string; branches?: readonly string[] }): Promise<CodeQueueImage> {
  return publishServiceImage({ config: o.config, env: buildEnv(o.config, o.env), signal: o.signal, log: o.log }, { image: CODE_QUEUE_IMAGE, commit: o.commit, branches: o.branches });
}

export async function importCodeQueueImage(o: ImageOptions & { image: CodeQueueImage }): Promise<{ digest: string; action: string; ms: number }> {
  const t0 = performance.now();
  const r = await importToNode({
    imageRef: o.image.imageRef,
    digest: o.image.digest,
    registry: o.config.registry,
    containerdAddress: o.config.prewarm.containerdAddress,
    signal: o.signal,
    log: o.log,
  });
  return { digest: r.digest, action: r.action, ms: Math.round(performance.now() - t0) };
}

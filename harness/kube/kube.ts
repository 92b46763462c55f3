// A connection to one cluster for one run: the client APIs, the run id the write guard checks
// against, the namespaces this run created, and where progress lines go.
import * as k8s from '@kubernetes/client-node';
import type { RunConfig } from '../config.ts';
import { loadKubeConfig, type DirectKubeConfig } from './client.ts';
import { runTtlMs } from './expiry.ts';

export const FIELD_MANAGER = 'unidesk-ci';

/** KubernetesObjectApi plus the one thing it keeps protected: is a kind namespaced (cached discovery). */
export class ScopedObjectApi extends k8s.KubernetesObjectApi {
  static forConfig(kc: k8s.KubeConfig): ScopedObjectApi {
    const api = kc.makeApiClient(ScopedObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  async scopeOf(apiVersion: string, kind: string): Promise<k8s.V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /** The URL path client-node would use (discovery-backed; fills a missing namespace like it does). */
  async pathOf(spec: k8s.KubernetesObject, action: 'read' | 'patch'): Promise<string> {
    return this.specUriPath(spec, action);
  }
}

export type Kube = {
  kc: DirectKubeConfig;
  objects: ScopedObjectApi;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  runId: string;
  /** Namespaces this run created (or verified to carry its ci-run label): the guard's allow-list. */
  runNamespaces: Set<string>;
  log: (line: string) => void;
  /** Expiry bound stamped on what this run creates (run namespace, owned objects): harness/kube/expiry.ts. */
  ttlMs: number;
};

export type ConnectOptions = { kubeconfig?: string; context?: string; runId: string; log?: (line: string) => void; ttlMs?: number };

export function kubeFromConfig(kc: DirectKubeConfig, runId: string, log: (line: string) => void = (l) => console.log(l), ttlMs = runTtlMs()): Kube {
  return {
    kc,
    objects: ScopedObjectApi.forConfig(kc),
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    runId,
    runNamespaces: new Set(),
    log,
    ttlMs,
  };
}

export function connectKube(o: ConnectOptions): Kube {
  return kubeFromConfig(loadKubeConfig({ kubeconfig: o.kubeconfig, context: o.context }), o.runId, o.log, o.ttlMs);
}

/** The client for a gate: kubeconfig/context and run id from the run configuration. */
export function kubeForRun(config: RunConfig, log?: (line: string) => void): Kube {
  return connectKube({ kubeconfig: config.kube.kubeconfig, context: config.kube.context, runId: config.runId, log, ttlMs: runTtlMs(config.waitMs) });
}

// The temporary `code-queue-ci-read` Deployment and ClusterIP Service, with exactly the seed's
// environment: read role, the four *_ENABLED flags false, the egress proxy with the TCP egress
// gateway and the read service in NO_PROXY, EmptyDir state/log mounts, DATABASE_URL from a Secret.
import { CI_NAMESPACE } from '../config.ts';
import { CiError } from '../failure.ts';
import type { Manifest } from '../kube/objects.ts';

export const READ_SERVICE = 'code-queue-ci-read';
export const READ_SERVICE_PORT = 8080;
export const DEFAULT_EGRESS_PROXY = 'http://d601-provider-egress-proxy.unidesk.svc.cluster.local:18789';
export const TCP_EGRESS_GATEWAY = 'd601-tcp-egress-gateway';

export type ReadServiceSpec = { runId: string; image: string; databaseSecret: string; proxyUrl?: string; registry: string };

/** unidesk-code-queue:<tag>|@sha256:<digest>, optionally from the loopback registry; never latest. */
export function checkReadServiceImage(image: string, registry: string): void {
  const m = /^(?:([^/]+)\/)?unidesk-code-queue(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(image);
  const hint = `set UNIDESK_CI_PERF_IMAGE to unidesk-code-queue:<pinned tag> (optionally ${registry}/...)`;
  if (!m) throw new CiError('input', `UNIDESK_CI_PERF_IMAGE=${image}: expected unidesk-code-queue:<tag> or @sha256:<digest>`, { hint });
  if (m[1] && m[1] !== registry) throw new CiError('input', `UNIDESK_CI_PERF_IMAGE=${image}: registry ${m[1]} is not the configured loopback registry ${registry}`, { hint });
  if (!m[2] && !m[3]) throw new CiError('input', `UNIDESK_CI_PERF_IMAGE=${image}: no tag or digest; an image must be pinned`, { hint });
  if (m[2] === 'latest') throw new CiError('input', `UNIDESK_CI_PERF_IMAGE=${image}: the mutable "latest" tag is refused; pin a tag or digest`, { hint });
}

/**
 * A registry-less name (the default `unidesk-code-queue:dev`) is imported into the node's
 * containerd by prewarm, never pulled: `Never`, so a node without it fails with ErrImageNeverPull
 * instead of pulling docker.io/library/unidesk-code-queue. Only the loopback registry may be pulled.
 */
export function readServicePullPolicy(image: string, registry: string): 'Never' | 'IfNotPresent' {
  return image.startsWith(`${registry}/`) ? 'IfNotPresent' : 'Never';
}

/** The seed's read service: read role, every *_ENABLED flag false (the dev-e2e read service too). */
export const READ_ROLE_ENV: ReadonlyArray<{ name: string; value: string }> = [
  { name: 'CODE_QUEUE_SERVICE_ROLE', value: 'read' },
  { name: 'CODE_QUEUE_SCHEDULER_ENABLED', value: 'false' },
  { name: 'CODE_QUEUE_STARTUP_OA_BACKFILL_ENABLED', value: 'false' },
  { name: 'CODE_QUEUE_NOTIFY_CLAUDEQQ_ENABLED', value: 'false' },
  { name: 'CODE_QUEUE_CODEX_SQLITE_LOG_EXPORT_ENABLED', value: 'false' },
];

export function readServiceEnv(spec: ReadServiceSpec): Array<Record<string, unknown>> {
  const proxy = spec.proxyUrl ?? DEFAULT_EGRESS_PROXY;
  const noProxy = [TCP_EGRESS_GATEWAY, READ_SERVICE, `${READ_SERVICE}.${CI_NAMESPACE}`, `${READ_SERVICE}.${CI_NAMESPACE}.svc`, `${READ_SERVICE}.${CI_NAMESPACE}.svc.cluster.local`];
  return [
    ...READ_ROLE_ENV,
    { name: 'HTTP_PROXY', value: proxy },
    { name: 'HTTPS_PROXY', value: proxy },
    { name: 'NO_PROXY', value: noProxy.join(',') },
    { name: 'PORT', value: String(READ_SERVICE_PORT) },
    { name: 'CODE_QUEUE_STATE_DIR', value: '/var/lib/code-queue' },
    { name: 'CODE_QUEUE_LOG_DIR', value: '/var/log/code-queue' },
    { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: spec.databaseSecret, key: 'DATABASE_URL' } } },
  ];
}

export function readServiceManifests(spec: ReadServiceSpec): [Manifest, Manifest] {
  checkReadServiceImage(spec.image, spec.registry);
  const labels = { 'app.kubernetes.io/name': READ_SERVICE, 'app.kubernetes.io/part-of': 'unidesk-ci', 'unidesk.ai/ci-run': spec.runId };
  const selector = { 'app.kubernetes.io/name': READ_SERVICE, 'unidesk.ai/ci-run': spec.runId };
  const deployment: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: READ_SERVICE, namespace: CI_NAMESPACE, labels },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 300,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'code-queue',
              image: spec.image,
              imagePullPolicy: readServicePullPolicy(spec.image, spec.registry),
              ports: [{ name: 'http', containerPort: READ_SERVICE_PORT }],
              env: readServiceEnv(spec),
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2 },
              volumeMounts: [
                { name: 'state', mountPath: '/var/lib/code-queue' },
                { name: 'log', mountPath: '/var/log/code-queue' },
              ],
            },
          ],
          volumes: [
            { name: 'state', emptyDir: {} },
            { name: 'log', emptyDir: {} },
          ],
        },
      },
    },
  };
  const service: Manifest = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: READ_SERVICE, namespace: CI_NAMESPACE, labels },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: READ_SERVICE_PORT, targetPort: 'http' }] },
  };
  return [deployment, service];
}

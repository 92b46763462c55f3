// What the dev-e2e gate runs in its run namespace: a temporary PostgreSQL and the Code Queue
// scheduler, read and write services from the imported image, each a Deployment + ClusterIP
// Service, state on EmptyDir. Pure: manifests only, in rollout order (the database first; the
// write service migrates the schema before the scheduler and the read service start).
import { READ_ROLE_ENV } from '../perf/read-service-manifests.ts';
import type { Manifest } from '../kube/objects.ts';
import { RUN_LABEL } from '../kube/guard.ts';

/** Pinned like every image CI starts (never latest); on D601 pulled through the node's registry config. */
export const E2E_POSTGRES_IMAGE = 'docker.io/library/postgres:15.10-bookworm';
export const DATABASE_SECRET = 'code-queue-e2e-database';
export const POSTGRES = 'code-queue-postgres';
export const CODE_QUEUE_PORT = 8080;
export const CODE_QUEUE_ROLES = ['write', 'scheduler', 'read'] as const;
export type CodeQueueRole = (typeof CODE_QUEUE_ROLES)[number];
export const serviceName = (role: CodeQueueRole) => `code-queue-${role}`;

export type WorkloadSpec = {
  namespace: string;
  runId: string;
  /** The imported Code Queue image (registry/repository:commit). */
  image: string;
  /** The database password (registered as a secret by the caller). */
  password: string;
  /** The Deployments' progress deadline: a service that never becomes ready fails within it. */
  progressDeadlineSeconds: number;
};

const DB_USER = 'codequeue';

const FLAGS_OFF = ['STARTUP_OA_BACKFILL', 'NOTIFY_CLAUDEQQ', 'CODEX_SQLITE_LOG_EXPORT'].map((f) => ({ name: `CODE_QUEUE_${f}_ENABLED`, value: 'false' }));
const ROLE_ENV: Record<CodeQueueRole, ReadonlyArray<{ name: string; value: string }>> = {
  read: READ_ROLE_ENV,
  write: [{ name: 'CODE_QUEUE_SERVICE_ROLE', value: 'write' }, { name: 'CODE_QUEUE_SCHEDULER_ENABLED', value: 'false' }, ...FLAGS_OFF],
  scheduler: [{ name: 'CODE_QUEUE_SERVICE_ROLE', value: 'scheduler' }, { name: 'CODE_QUEUE_SCHEDULER_ENABLED', value: 'true' }, ...FLAGS_OFF],
};

function labelsFor(spec: WorkloadSpec, name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'unidesk-ci', [RUN_LABEL]: spec.runId };
}

function deployment(spec: WorkloadSpec, name: string, container: Record<string, unknown>, volumes: string[]): Manifest {
  const labels = labelsFor(spec, name);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: spec.namespace, labels },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: spec.progressDeadlineSeconds,
      selector: { matchLabels: { 'app.kubernetes.io/name': name, [RUN_LABEL]: spec.runId } },
      template: {
        metadata: { labels },
        spec: {
          // nothing here calls the Kubernetes API: no token in the pods
          automountServiceAccountToken: false,
          containers: [{ name: 'main', ...container, volumeMounts: volumes.map((v) => ({ name: v, mountPath: `/var/lib/${name}/${v}` })) }],
          volumes: volumes.map((v) => ({ name: v, emptyDir: {} })),
        },
      },
    },
  };
}

function service(spec: WorkloadSpec, name: string, port: number, portName = 'http'): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: spec.namespace, labels: labelsFor(spec, name) },
    spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': name, [RUN_LABEL]: spec.runId }, ports: [{ name: portName, port, targetPort: port }] },
  };
}

export function databaseUrl(spec: Pick<WorkloadSpec, 'namespace' | 'password'>): string {
  return `postgres://${DB_USER}:${encodeURIComponent(spec.password)}@${POSTGRES}.${spec.namespace}.svc:5432/${DB_USER}`;
}

export function databaseSecret(spec: WorkloadSpec): Manifest {
  const data = { POSTGRES_PASSWORD: spec.password, DATABASE_URL: databaseUrl(spec) };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: DATABASE_SECRET, namespace: spec.namespace, labels: labelsFor(spec, DATABASE_SECRET) },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: DATABASE_SECRET, key } } });

export function postgresWorkload(spec: WorkloadSpec): [Manifest, Manifest] {
  const container = {
    image: E2E_POSTGRES_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'postgres', containerPort: 5432 }],
    env: [
      { name: 'POSTGRES_USER', value: DB_USER },
      { name: 'POSTGRES_DB', value: DB_USER },
      fromSecret('POSTGRES_PASSWORD', 'POSTGRES_PASSWORD'),
      { name: 'PGDATA', value: `/var/lib/${POSTGRES}/data/pgdata` },
    ],
  };
  return [deployment(spec, POSTGRES, container, ['data']), service(spec, POSTGRES, 5432, 'postgres')];
}

export function codeQueueWorkload(spec: WorkloadSpec, role: CodeQueueRole): [Manifest, Manifest] {
  const name = serviceName(role);
  const container = {
    image: spec.image,
    // imported into the node's containerd by the gate (the prewarm path), never pulled by the kubelet
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: CODE_QUEUE_PORT }],
    env: [
      ...ROLE_ENV[role],
      { name: 'PORT', value: String(CODE_QUEUE_PORT) },
      { name: 'CODE_QUEUE_LISTEN_HOST', value: '0.0.0.0' },
      fromSecret('DATABASE_URL', 'DATABASE_URL'),
      { name: 'CODE_QUEUE_STATE_DIR', value: `/var/lib/${name}/state` },
      { name: 'CODE_QUEUE_LOG_DIR', value: `/var/lib/${name}/log` },
    ],
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2 },
  };
  return [deployment(spec, name, container, ['state', 'log']), service(spec, name, CODE_QUEUE_PORT)];
}

// The temporary read service's manifests: exactly the seed's environment, EmptyDir mounts,
// DATABASE_URL from a Secret, ClusterIP, unidesk-ci only, and no unpinned or foreign image.
import { describe, expect, test } from 'vitest';
import * as models from 'kubernetes-models';
import { checkReadServiceImage, readServiceManifests, readServicePullPolicy } from '../../harness/perf/read-service-manifests.ts';

const spec = { runId: 'r1', image: 'unidesk-code-queue:dev', databaseSecret: 'code-queue-ci-read-database', registry: '127.0.0.1:5000' };

describe('code-queue-ci-read manifests', () => {
  test('Deployment env is exactly the seed environment', () => {
    const [d] = readServiceManifests(spec) as [any, any];
    const c = d.spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      CODE_QUEUE_SERVICE_ROLE: 'read',
      CODE_QUEUE_SCHEDULER_ENABLED: 'false',
      CODE_QUEUE_STARTUP_OA_BACKFILL_ENABLED: 'false',
      CODE_QUEUE_NOTIFY_CLAUDEQQ_ENABLED: 'false',
      CODE_QUEUE_CODEX_SQLITE_LOG_EXPORT_ENABLED: 'false',
      HTTP_PROXY: 'http://d601-provider-egress-proxy.unidesk.svc.cluster.local:18789',
      HTTPS_PROXY: 'http://d601-provider-egress-proxy.unidesk.svc.cluster.local:18789',
      NO_PROXY: expect.stringMatching(/^d601-tcp-egress-gateway,code-queue-ci-read,/),
      PORT: '8080',
      CODE_QUEUE_STATE_DIR: '/var/lib/code-queue',
      CODE_QUEUE_LOG_DIR: '/var/log/code-queue',
      DATABASE_URL: { secretKeyRef: { name: 'code-queue-ci-read-database', key: 'DATABASE_URL' } },
    });
    expect(d.spec.template.spec.volumes).toEqual([
      { name: 'state', emptyDir: {} },
      { name: 'log', emptyDir: {} },
    ]);
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/code-queue', '/var/log/code-queue']);
  });
  test('the configured egress proxy is used when given', () => {
    const [d] = readServiceManifests({ ...spec, proxyUrl: 'http://127.0.0.1:18789' }) as [any, any];
    const env = d.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'HTTPS_PROXY').value).toBe('http://127.0.0.1:18789');
  });
  test('both objects are valid, in unidesk-ci, labelled with the run, and the Service is ClusterIP', () => {
    const [d, s] = readServiceManifests(spec) as [any, any];
    new models.apps.v1.Deployment(d).validate();
    new models.v1.Service(s).validate();
    for (const o of [d, s]) {
      expect(o.metadata.namespace).toBe('unidesk-ci');
      expect(o.metadata.name).toBe('code-queue-ci-read');
      expect(o.metadata.labels['unidesk.ai/ci-run']).toBe('r1');
    }
    expect(s.spec.type).toBe('ClusterIP');
    expect(d.spec.selector.matchLabels).toEqual(s.spec.selector);
  });
  test('latest, untagged and foreign-registry images are refused as input errors', () => {
    for (const [image, msg] of [
      ['unidesk-code-queue:latest', /"latest" tag is refused/],
      ['unidesk-code-queue', /no tag or digest/],
      ['docker.io/unidesk-code-queue:dev', /registry docker\.io is not the configured loopback registry 127\.0\.0\.1:5000/],
      ['evil/thing:1', /expected unidesk-code-queue:<tag>/],
    ] as const) {
      expect(() => checkReadServiceImage(image, '127.0.0.1:5000')).toThrow(msg);
      expect(() => readServiceManifests({ ...spec, image })).toThrow(msg);
    }
    expect(() => checkReadServiceImage('127.0.0.1:5000/unidesk-code-queue:abc123', '127.0.0.1:5000')).not.toThrow();
    expect(() => checkReadServiceImage(`unidesk-code-queue@sha256:${'a'.repeat(64)}`, '127.0.0.1:5000')).not.toThrow();
  });
});

describe('code-queue-ci-read image pull policy', () => {
  const policy = (image: string) => (readServiceManifests({ ...spec, image }) as [any, any])[0].spec.template.spec.containers[0].imagePullPolicy;
  test('a registry-less image is node-local only (Never): it is imported by prewarm, never pulled from Docker Hub', () => {
    expect(policy('unidesk-code-queue:dev')).toBe('Never');
    expect(policy(`unidesk-code-queue@sha256:${'b'.repeat(64)}`)).toBe('Never');
    expect(readServicePullPolicy('unidesk-code-queue:dev', '127.0.0.1:5000')).toBe('Never');
  });
  test('only an image from the configured loopback registry may be pulled (IfNotPresent)', () => {
    expect(policy('127.0.0.1:5000/unidesk-code-queue:abc123')).toBe('IfNotPresent');
    // anything else never reaches the manifests: refused before a pull policy is chosen
    for (const image of ['127.0.0.1:5001/unidesk-code-queue:abc', 'docker.io/unidesk-code-queue:dev', 'library/unidesk-code-queue:dev', 'docker.io/library/unidesk-code-queue:dev']) {
      expect(() => policy(image), image).toThrow(/not the configured loopback registry|expected unidesk-code-queue/);
    }
    // and the policy itself never lets a foreign-registry name pull
    expect(readServicePullPolicy('docker.io/library/unidesk-code-queue:dev', '127.0.0.1:5000')).toBe('Never');
  });
});

// The dev-e2e workloads: roles and flags, the read service's flags are the perf gate's, images
// pinned, no ServiceAccount token in the pods, the database URL only through the Secret.
import { describe, expect, test } from 'vitest';
import { READ_ROLE_ENV } from '../../harness/perf/read-service-manifests.ts';
import { codeQueueWorkload, databaseSecret, E2E_POSTGRES_IMAGE, postgresWorkload, type WorkloadSpec } from '../../harness/e2e/workloads.ts';
import { unpinnedReason } from '../../harness/kube/images.ts';
import { progressDeadlineSeconds } from '../../harness/e2e/rollout.ts';

const spec: WorkloadSpec = { namespace: 'unidesk-ci-e2e-r1', runId: 'r1', image: `127.0.0.1:5000/unidesk/code-queue:${'c'.repeat(40)}`, password: 'pw-xyz', progressDeadlineSeconds: 30 };
const container = (m: any) => m.spec.template.spec.containers[0];
const envOf = (m: any) =>
  Object.fromEntries(
    container(m)
      .env.filter((e: any) => 'value' in e)
      .map((e: any) => [e.name, e.value]),
  );

describe('dev-e2e workloads', () => {
  test("each role gets its own CODE_QUEUE_SERVICE_ROLE; only the scheduler schedules; the read service has the perf gate's flags", () => {
    const [read] = codeQueueWorkload(spec, 'read');
    const [write] = codeQueueWorkload(spec, 'write');
    const [scheduler] = codeQueueWorkload(spec, 'scheduler');
    expect(envOf(read)).toMatchObject(Object.fromEntries(READ_ROLE_ENV.map((e) => [e.name, e.value])));
    expect(envOf(write)).toMatchObject({ CODE_QUEUE_SERVICE_ROLE: 'write', CODE_QUEUE_SCHEDULER_ENABLED: 'false' });
    expect(envOf(scheduler)).toMatchObject({ CODE_QUEUE_SERVICE_ROLE: 'scheduler', CODE_QUEUE_SCHEDULER_ENABLED: 'true', CODE_QUEUE_NOTIFY_CLAUDEQQ_ENABLED: 'false' });
  });

  test('everything is in the run namespace, labelled with the run; no token is mounted; state is EmptyDir', () => {
    const all = [databaseSecret(spec), ...postgresWorkload(spec), ...codeQueueWorkload(spec, 'read')];
    for (const o of all) {
      expect(o.metadata.namespace).toBe(spec.namespace);
      expect(o.metadata.labels?.['unidesk.ai/ci-run']).toBe('r1');
    }
    const [d] = codeQueueWorkload(spec, 'write');
    expect((d as any).spec.template.spec.automountServiceAccountToken).toBe(false);
    expect((d as any).spec.template.spec.volumes.every((v: any) => 'emptyDir' in v)).toBe(true);
    expect((d as any).spec.progressDeadlineSeconds).toBe(30);
  });

  test('images are pinned; the password appears only in the Secret', () => {
    expect(unpinnedReason(E2E_POSTGRES_IMAGE)).toBeUndefined();
    expect(container(codeQueueWorkload(spec, 'read')[0]).image).toBe(spec.image);
    const text = JSON.stringify([...postgresWorkload(spec), ...codeQueueWorkload(spec, 'write')]);
    expect(text).not.toContain('pw-xyz');
    const data = (databaseSecret(spec) as any).data;
    expect(Buffer.from(data.DATABASE_URL, 'base64').toString()).toBe('postgres://codequeue:pw-xyz@code-queue-postgres.unidesk-ci-e2e-r1.svc:5432/codequeue');
  });

  test('the progress deadline is half the wait bound, within 10..600 s', () => {
    expect(progressDeadlineSeconds(60_000)).toBe(30);
    expect(progressDeadlineSeconds(600_000)).toBe(300);
    expect(progressDeadlineSeconds(1_000)).toBe(10);
    expect(progressDeadlineSeconds(3_600_000)).toBe(600);
  });
});

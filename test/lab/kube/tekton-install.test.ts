// The lab's Tekton stand-in and harness/tekton's checks: the minimal CRDs (used where the upstream
// ones are absent) serve the same kinds; version and availability problems are named.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startClusterDouble, type ClusterDouble } from '../../../fixtures/lab/cluster/index.ts';
import { installLabTekton } from '../../../fixtures/lab/tekton/index.ts';
import { connectKube } from '../../../harness/kube/index.ts';
import { rawApply } from '../../../harness/kube/raw.ts';
import { REQUIRED_CRDS, TEKTON_PIPELINES, TEKTON_TRIGGERS, checkTektonComponent, checkTektonCrds } from '../../../harness/tekton/index.ts';

let double: ClusterDouble;
beforeAll(async () => {
  double = await startClusterDouble({});
});
afterAll(() => double?.stop());
const kube = () => connectKube({ kubeconfig: double.kubeconfigPath, runId: 'tekton1', log: () => undefined });

describe('lab tekton install (minimal CRDs)', () => {
  test('serves every required kind; the checks pass', async () => {
    const installed = await installLabTekton({ kubeconfig: double.kubeconfigPath, crdsDir: null, log: () => undefined });
    expect(installed).toMatchObject({ crdSource: 'minimal', versions: { pipelines: 'v1.12.0', triggers: 'v0.34.0' } });
    expect([...installed.crds].sort()).toEqual(REQUIRED_CRDS.map((c) => c.name).sort());
    expect(await checkTektonCrds(kube())).toHaveLength(REQUIRED_CRDS.length);
    await expect(checkTektonComponent(kube(), TEKTON_PIPELINES)).resolves.toMatchObject({ version: 'v1.12.0' });
    await expect(checkTektonComponent(kube(), TEKTON_TRIGGERS)).resolves.toMatchObject({ version: 'v0.34.0' });
    await rawApply(kube(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'unidesk-ci' } }, 'test');
    const run = await rawApply(kube(), { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'r', namespace: 'unidesk-ci' }, spec: { pipelineRef: { name: 'p' } } } as never, 'test');
    expect(run.spec).toEqual({ pipelineRef: { name: 'p' } });
  });

  test('a Deployment with the wrong version label or not Available is named', async () => {
    await rawApply(
      kube(),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'tekton-pipelines-webhook', namespace: 'tekton-pipelines', labels: { 'app.kubernetes.io/version': 'v1.11.0' } } } as never,
      'operator',
    );
    await expect(checkTektonComponent(kube(), TEKTON_PIPELINES)).rejects.toThrow(
      'Tekton Pipelines v1.12.0 in tekton-pipelines: Deployment tekton-pipelines-webhook: installed v1.11.0, required v1.12.0',
    );
    const d = double.objects().find((o) => o.kind === 'Deployment' && o.metadata.name === 'tekton-triggers-controller')!;
    await rawApply(
      kube(),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'tekton-triggers-controller', namespace: 'tekton-pipelines' },
        spec: {
          ...(d as unknown as { spec: Record<string, unknown> }).spec,
          template: {
            metadata: { labels: { app: 'tekton-triggers-controller', 'app.kubernetes.io/name': 'controller', 'app.kubernetes.io/part-of': 'tekton-triggers' } },
            spec: { containers: [{ name: 'controller', image: 'nobody-serves/this:1' }] },
          },
        },
      } as never,
      'operator',
    );
    await expect(checkTektonComponent(kube(), TEKTON_TRIGGERS)).rejects.toThrow(/Deployment tekton-triggers-controller is not Available/);
  });

  test('a missing info ConfigMap means not installed', async () => {
    const fresh = await startClusterDouble({});
    try {
      const k = connectKube({ kubeconfig: fresh.kubeconfigPath, runId: 'tekton2', log: () => undefined });
      await expect(checkTektonComponent(k, TEKTON_PIPELINES)).rejects.toMatchObject({
        failureClass: 'infra.cluster',
        message: 'Tekton Pipelines v1.12.0 is not installed: ConfigMap tekton-pipelines/pipelines-info not found',
      });
      await expect(checkTektonCrds(k)).rejects.toThrow(/CRD tasks\.tekton\.dev is missing; CRD taskruns\.tekton\.dev is missing/);
    } finally {
      await fresh.stop();
    }
  });
});

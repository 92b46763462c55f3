// Creating and cancelling PipelineRuns in unidesk-ci, through the write guard like every write.
// The shape is the one the CLI and the trigger template both create: generateName, params,
// workspaces, the runner ServiceAccount in taskRunTemplate.
import * as k8s from '@kubernetes/client-node';
import { CI_NAMESPACE } from '../config.ts';
import { RUN_LABEL } from '../kube/guard.ts';
import { FIELD_MANAGER, type Kube } from '../kube/kube.ts';
import { RUNNER_SERVICE_ACCOUNT } from '../kube/runner-access.ts';
import { write } from '../kube/write.ts';
import { TEKTON_API, type PipelineRun, type TaskRun } from './run-objects.ts';
import { BUILDER_SERVICE_ACCOUNT, REPO_CHECK_SERVICE_ACCOUNT } from './untrusted-accounts.ts';

export type WorkspaceBinding = { name: string } & Record<string, unknown>;

export type PipelineRunRequest = {
  pipeline: string;
  params: Record<string, string>;
  workspaces?: WorkspaceBinding[];
  generateName?: string;
  serviceAccountName?: string;
  labels?: Record<string, string>;
  timeouts?: { pipeline?: string; tasks?: string; finally?: string };
};

/** A fresh volume per run for the gates' JUnit, kept after the pods are gone (k3s local-path). */
export function reportsWorkspace(storage = '1Gi'): WorkspaceBinding {
  return { name: 'reports', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } } };
}

/** `defaultMode` (e.g. 0o400): files the step's root reads and another uid of the pod does not. */
export function secretWorkspace(name: string, secretName: string, defaultMode?: number): WorkspaceBinding {
  return { name, secret: { secretName, ...(defaultMode === undefined ? {} : { defaultMode }) } };
}

/**
 * Pipeline tasks that run code of the commit under test (its checks, its Dockerfile), on a
 * ServiceAccount with no token mounted and no rights (k3s/ci/serviceaccounts.yaml,
 * builder.serviceaccount.yaml; docs/commit-gate.md, docs/build-isolation.md). Every PipelineRun of those
 * Pipelines names it, as the TriggerTemplate does; the commit gate fails closed without it.
 */
export const UNTRUSTED_TASKS: Readonly<Record<string, readonly { pipelineTaskName: string; serviceAccountName: string }[]>> = {
  'unidesk-ci-commit': [
    { pipelineTaskName: 'repo-check', serviceAccountName: REPO_CHECK_SERVICE_ACCOUNT },
    // builds the commit's Dockerfile: no token, no rights (docs/build-isolation.md)
    { pipelineTaskName: 'backend-core-artifact', serviceAccountName: BUILDER_SERVICE_ACCOUNT },
  ],
  'unidesk-backend-core-artifact-publish': [{ pipelineTaskName: 'publish', serviceAccountName: BUILDER_SERVICE_ACCOUNT }],
};

/** Pure: the PipelineRun object for a request made by run `runId`. */
export function pipelineRunManifest(req: PipelineRunRequest, runId: string): PipelineRun {
  return {
    apiVersion: TEKTON_API,
    kind: 'PipelineRun',
    // name is the server's to generate
    metadata: {
      generateName: req.generateName ?? `${req.pipeline}-`,
      namespace: CI_NAMESPACE,
      labels: { 'app.kubernetes.io/part-of': 'unidesk-ci', [RUN_LABEL]: runId, ...req.labels },
    } as unknown as PipelineRun['metadata'],
    spec: {
      pipelineRef: { name: req.pipeline },
      params: Object.entries(req.params).map(([name, value]) => ({ name, value })),
      workspaces: req.workspaces ?? [],
      taskRunTemplate: { serviceAccountName: req.serviceAccountName ?? RUNNER_SERVICE_ACCOUNT },
      ...(UNTRUSTED_TASKS[req.pipeline] ? { taskRunSpecs: UNTRUSTED_TASKS[req.pipeline].map((t) => ({ ...t })) } : {}),
      ...(req.timeouts ? { timeouts: req.timeouts } : {}),
    },
  };
}

export async function createPipelineRun(kube: Kube, req: PipelineRunRequest): Promise<PipelineRun> {
  const body = pipelineRunManifest(req, kube.runId);
  const ref = { apiVersion: TEKTON_API, kind: 'PipelineRun', namespace: CI_NAMESPACE, name: `${body.metadata.generateName}<generated>` };
  return write(
    kube,
    { verb: 'create', ref, object: body as never },
    async () => (await kube.objects.create(body as k8s.KubernetesObject, undefined, undefined, FIELD_MANAGER)) as unknown as PipelineRun,
  );
}

export type CancelMode = 'Cancelled' | 'CancelledRunFinally' | 'StoppedRunFinally';

/** What `tkn pr cancel` does: set spec.status; the controller stops the TaskRuns. */
export async function cancelPipelineRun(kube: Kube, name: string, mode: CancelMode = 'Cancelled'): Promise<void> {
  const ref = { apiVersion: TEKTON_API, kind: 'PipelineRun', namespace: CI_NAMESPACE, name };
  const patch = { apiVersion: TEKTON_API, kind: 'PipelineRun', metadata: { name, namespace: CI_NAMESPACE }, spec: { status: mode } };
  await write(kube, { verb: 'patch', ref }, () => kube.objects.patch(patch, undefined, undefined, FIELD_MANAGER, undefined, k8s.PatchStrategy.MergePatch));
}

export async function readPipelineRun(kube: Kube, name: string): Promise<PipelineRun> {
  return (await kube.objects.read({ apiVersion: TEKTON_API, kind: 'PipelineRun', metadata: { name, namespace: CI_NAMESPACE } })) as unknown as PipelineRun;
}

export async function readTaskRun(kube: Kube, name: string): Promise<TaskRun> {
  return (await kube.objects.read({ apiVersion: TEKTON_API, kind: 'TaskRun', metadata: { name, namespace: CI_NAMESPACE } })) as unknown as TaskRun;
}

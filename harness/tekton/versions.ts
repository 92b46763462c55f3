// The Tekton release UniDesk CI runs (seed: "Components") and where an installation shows it.
export const TEKTON_NAMESPACE = 'tekton-pipelines';

export type TektonComponent = {
  /** "Tekton Pipelines" — how messages name it. */
  title: string;
  version: string;
  /** ConfigMap in tekton-pipelines whose data.version is the installed release (tkn reads it too). */
  infoConfigMap: string;
  /** app.kubernetes.io/part-of of its Deployments. */
  partOf: string;
  /** Deployments that must exist, carry the version label and be Available. */
  deployments: readonly string[];
};

export const TEKTON_PIPELINES: TektonComponent = {
  title: 'Tekton Pipelines',
  version: 'v1.12.0',
  infoConfigMap: 'pipelines-info',
  partOf: 'tekton-pipelines',
  deployments: ['tekton-pipelines-controller', 'tekton-pipelines-webhook'],
};

export const TEKTON_TRIGGERS: TektonComponent = {
  title: 'Tekton Triggers',
  version: 'v0.34.0',
  infoConfigMap: 'triggers-info',
  partOf: 'tekton-triggers',
  deployments: ['tekton-triggers-controller', 'tekton-triggers-webhook', 'tekton-triggers-core-interceptors'],
};

export const TEKTON_COMPONENTS: readonly TektonComponent[] = [TEKTON_PIPELINES, TEKTON_TRIGGERS];

/** The CRDs the k3s/ci objects and the gates use, with the version that must be served. */
export const REQUIRED_CRDS: ReadonlyArray<{ name: string; group: string; version: string; kind: string }> = [
  { name: 'tasks.tekton.dev', group: 'tekton.dev', version: 'v1', kind: 'Task' },
  { name: 'taskruns.tekton.dev', group: 'tekton.dev', version: 'v1', kind: 'TaskRun' },
  { name: 'pipelines.tekton.dev', group: 'tekton.dev', version: 'v1', kind: 'Pipeline' },
  { name: 'pipelineruns.tekton.dev', group: 'tekton.dev', version: 'v1', kind: 'PipelineRun' },
  { name: 'eventlisteners.triggers.tekton.dev', group: 'triggers.tekton.dev', version: 'v1beta1', kind: 'EventListener' },
  { name: 'triggerbindings.triggers.tekton.dev', group: 'triggers.tekton.dev', version: 'v1beta1', kind: 'TriggerBinding' },
  { name: 'triggertemplates.triggers.tekton.dev', group: 'triggers.tekton.dev', version: 'v1beta1', kind: 'TriggerTemplate' },
  { name: 'triggers.triggers.tekton.dev', group: 'triggers.tekton.dev', version: 'v1beta1', kind: 'Trigger' },
  { name: 'clustertriggerbindings.triggers.tekton.dev', group: 'triggers.tekton.dev', version: 'v1beta1', kind: 'ClusterTriggerBinding' },
  { name: 'interceptors.triggers.tekton.dev', group: 'triggers.tekton.dev', version: 'v1alpha1', kind: 'Interceptor' },
  { name: 'clusterinterceptors.triggers.tekton.dev', group: 'triggers.tekton.dev', version: 'v1alpha1', kind: 'ClusterInterceptor' },
];

// harness/tekton — what the install gate needs now: the pinned versions, the installation check,
// the CRD presence check and the upstream CRD schemas; and the PipelineRun client (create, follow,
// logs as [task : step] lines, cancel) the end-to-end tests and the CLI drive Tekton with.
export { REQUIRED_CRDS, TEKTON_COMPONENTS, TEKTON_NAMESPACE, TEKTON_PIPELINES, TEKTON_TRIGGERS, type TektonComponent } from './versions.ts';
export { checkTektonComponent, checkTektonCrds, type ComponentReport } from './install-check.ts';
export { REPO_ROOT, loadUpstreamCrds, upstreamCrdsDir, type Crd, type CrdVersion } from './crd-files.ts';
export { crdValidators, type TektonValidator } from './schema.ts';
export { isDone, isSucceeded, succeededCondition, tknStatus, type RunCondition } from './condition.ts';
export { orderedChildren, resultsOf, TEKTON_API, type PipelineRun, type TaskRun } from './run-objects.ts';
export { cancelPipelineRun, createPipelineRun, pipelineRunManifest, readPipelineRun, readTaskRun, reportsWorkspace, secretWorkspace, type CancelMode, type PipelineRunRequest } from './pipelinerun.ts';
export { listTaskRuns, waitForPipelineRun, type FollowOptions, type TaskRunChange } from './follow.ts';
export { pipelineRunLogs, prefixed, taskRunLogs, type StepLog } from './logs.ts';
export { gateResults, writeGateResults, type GateResults } from './gate-results.ts';

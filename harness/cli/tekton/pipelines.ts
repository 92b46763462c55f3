// The three PipelineRuns the CLI creates, shaped like the TriggerTemplate's (k3s/ci): generateName
// after the Pipeline, the runner ServiceAccount (repo-check: its own, harness/tekton/pipelinerun.ts), a fresh reports volume and the operator's git
// credentials Secret. Pure: unit-tested without a cluster.
import { reportsWorkspace, secretWorkspace, type PipelineRunRequest } from '../../tekton/pipelinerun.ts';

/** The Secret (`username`, `password`) the operator creates in unidesk-ci; triggered runs clone with it too. */
export const GIT_CREDENTIALS_SECRET = 'unidesk-ci-git-credentials';

export const COMMIT_PIPELINE = 'unidesk-ci-commit';
export const PUBLISH_PIPELINE = 'unidesk-backend-core-artifact-publish';
export const DEV_E2E_PIPELINE = 'unidesk-ci-dev-e2e';

// 0400 root's: the uid that runs the commit's code in repo-check cannot read it (docs/commit-gate.md)
const workspaces = () => [reportsWorkspace(), secretWorkspace('git-credentials', GIT_CREDENTIALS_SECRET, 0o400)];

export function commitRunRequest(repoUrl: string, revision: string, publishBackendCore = false): PipelineRunRequest {
  return {
    pipeline: COMMIT_PIPELINE,
    params: { 'repo-url': repoUrl, revision, ...(publishBackendCore ? { 'publish-backend-core': 'true' } : {}) },
    workspaces: workspaces(),
  };
}

export function publishRunRequest(repoUrl: string, commit: string): PipelineRunRequest {
  return { pipeline: PUBLISH_PIPELINE, generateName: `${PUBLISH_PIPELINE}-`, params: { 'repo-url': repoUrl, commit }, workspaces: workspaces() };
}

export function devE2eRunRequest(repoUrl: string, revision: string): PipelineRunRequest {
  return { pipeline: DEV_E2E_PIPELINE, params: { 'repo-url': repoUrl, revision }, workspaces: workspaces() };
}

// harness/kube — the only way the harness talks to Kubernetes.
//
//   connectKube({kubeconfig, context, runId}) / kubeForRun(config) → Kube   client, never via a proxy
//   write(kube, {verb, ref, object}, send)      the one door for writes: the write guard runs first
//   applyObjects / applyManifests(kube, path)   server-side apply (manager unidesk-ci) → created/changed/unchanged
//   applyCiManifests(kube, dir)                 k3s/ci: policy check first (input error, nothing sent), then apply
//   driftOf / verifyInstalled(kube, objects)    k3s/ci live vs this checkout, read only (status, install gate)
//   createRunNamespace(kube, {reportDir})       unidesk-ci-e2e-<run-id>, `await using`, teardown + signals + diagnostics
//   deleteExpiredRunNamespaces(kube)            the janitor (global setup)
//   deleteExpiredCiObjects(kube)                the janitor of expired run objects in unidesk-ci
//   waitForRollout(kube, ns, name, {timeoutMs}) kubectl's rollout rules on the main resource; fails fast on ProgressDeadlineExceeded
//   serviceProxyEndpoint(kube, target)          {baseUrl, dispatcher, headers} for timing undici `request` yourself
//   serviceProxyRequest / serviceProxyJson      GET/POST through the API server's service proxy
//   deleteAndWait(kube, ref, {timeoutMs})       delete (guarded) and wait until gone
//   canI(kube, query, as?)                      SelfSubjectAccessReview, optionally impersonating
//   accessMismatches(kube, queries, expected)   what the runner SA may/may not do (install gate)
//   markRunFailed(reportDir, runId, reason)     from a failed step: teardown saves diagnostics first
//   policyViolations(manifests)                 k3s/ci policies (pinned images, RBAC, namespace, listener, proxy)
//   rawRead                                     raw-JSON read (the unguarded rawApply is not exported: lab fixtures import raw.ts)
//
// Refused writes throw WriteRefused (a CiError of class `input`) naming kind, namespace and name.
export { DirectKubeConfig, impersonating, loadKubeConfig, serviceAccountUser } from './client.ts';
export { FIELD_MANAGER, ScopedObjectApi, connectKube, kubeForRun, kubeFromConfig, type Kube } from './kube.ts';
export { EXPIRES_ANNOTATION, RUN_LABEL, TRIGGERS_CLUSTER_BINDING, TRIGGERS_CLUSTER_ROLES, WriteRefused, checkWrite, runNamespaceName, type WriteIntent, type WriteVerb } from './guard.ts';
export { guardWrite, write, type WriteRequest } from './write.ts';
export { applyManifests, applyObject, applyObjects, summarize, type ApplyOutcome, type ApplyResult } from './apply.ts';
export { driftOf, readLive, verifyInstalled } from './live-drift.ts';
export { loadManifests, parseManifestFile, parseManifestText, type SourcedManifest } from './manifests.ts';
export { asHeader, describeRef, manifestSchema, refOf, type Manifest, type ObjectRef } from './objects.ts';
export { createRunNamespace, type RunNamespace, type RunNamespaceOptions } from './namespace.ts';
export { RUN_CLUSTER_ROLE, RUN_ROLE_BINDING, createRunRoleBinding, runRoleBinding } from './run-binding.ts';
export { deleteExpiredRunNamespaces, type JanitorResult } from './janitor.ts';
export { CI_RUN_OBJECT_KINDS, deleteExpiredCiObjects, type CiObjectJanitorResult } from './janitor-ci-objects.ts';
export { expiresAt, expiryAnnotation, runTtlMs } from './expiry.ts';
export { saveDiagnostics } from './diagnostics.ts';
export { deleteAndWait, waitGone, type DeleteOptions } from './delete.ts';
export { rolloutState, waitForRollout, type RolloutOptions, type RolloutState } from './rollout.ts';
export {
  serviceProxyBase,
  serviceProxyEndpoint,
  serviceProxyJson,
  serviceProxyRequest,
  type ProxyRequest,
  type ProxyResponse,
  type ServiceProxyEndpoint,
  type ServiceTarget,
} from './service-proxy.ts';
export { accessReviewer, canI, describeQuery, type AccessQuery } from './access-review.ts';
export { isNotFound, kubeError, statusOf } from './errors.ts';
export { poll, type PollOptions, type PollState } from './wait.ts';
export { markRunFailed, runFailed, runFailureMarker } from './run-failure.ts';
export { FORBIDDEN_NAMESPACES, RUNNER_SERVICE_ACCOUNT, RUNNER_USER, accessMismatches, forbiddenOutside, forbiddenStatus, requiredGrants } from './runner-access.ts';
export { EGRESS_PROXY, policyViolations, type Violation } from './policy.ts';
export { parseImageRef, unpinnedReason } from './images.ts';
export { rawRead, type RawObject } from './raw.ts';
export { kustomizationImages } from './manifests.ts';
export { applyCiManifests, loadCheckedManifests, loadRenderedManifests, policyError } from './k3s-ci.ts';
export { STEP_IMAGE_NAME, mapImage, renderImages, withStepImageTag, type ImageMapping } from './render.ts';

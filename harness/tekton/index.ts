// harness/tekton — what the install gate needs now: the pinned versions, the installation check,
// the CRD presence check and the upstream CRD schemas. PipelineRun create/watch/logs come later.
export { REQUIRED_CRDS, TEKTON_COMPONENTS, TEKTON_NAMESPACE, TEKTON_PIPELINES, TEKTON_TRIGGERS, type TektonComponent } from './versions.ts';
export { checkTektonComponent, checkTektonCrds, type ComponentReport } from './install-check.ts';
export { REPO_ROOT, loadUpstreamCrds, upstreamCrdsDir, type Crd, type CrdVersion } from './crd-files.ts';
export { crdValidators, type TektonValidator } from './schema.ts';

// The ServiceAccounts of the Tasks that run code of the commit under test (k3s/ci/serviceaccounts.yaml,
// builder.serviceaccount.yaml): no token mounted, no rights. Kept free of the Kubernetes client, so the
// commit gate can name them without loading it.
export const REPO_CHECK_SERVICE_ACCOUNT = 'unidesk-ci-repo-check';
export const BUILDER_SERVICE_ACCOUNT = 'unidesk-ci-builder';

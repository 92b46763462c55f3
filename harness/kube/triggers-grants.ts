// The EventListener's cluster-wide rights, narrowed from Triggers' shipped
// tekton-triggers-eventlistener-clusterroles (which adds get/list/watch on every Secret). The
// v0.34.0 sink (cmd/eventlistenersink, pkg/adapter) informs, cluster-wide, only the two
// cluster-scoped kinds it resolves: ClusterTriggerBindings (bindings) and ClusterInterceptors
// (interceptor URLs and caBundles). It never reads a Secret: the GitHub interceptor's secretRef
// is read by the core-interceptors Deployment with its own ServiceAccount.
export const TRIGGERS_EL_CLUSTER_ROLE = 'unidesk-ci-triggers-eventlistener-cluster';

const INFORMER = ['get', 'list', 'watch'];

/** The most TRIGGERS_EL_CLUSTER_ROLE may grant (same shape as e2e-grants.ts's tables). */
export const TRIGGERS_EL_CLUSTER_GRANTS = [
  { group: 'triggers.tekton.dev', resource: 'clustertriggerbindings', verbs: INFORMER },
  { group: 'triggers.tekton.dev', resource: 'clusterinterceptors', verbs: INFORMER },
];

/** Triggers v0.34.0's namespaced EventListener ClusterRole (release.yaml), bound in unidesk-ci only:
 * what the install gate accepts through that RoleBinding (runner-bindings.ts). */
export const TRIGGERS_EL_SHIPPED_ROLE = 'tekton-triggers-eventlistener-roles';
export const TRIGGERS_EL_SHIPPED_RULES = [
  { apiGroups: ['triggers.tekton.dev'], resources: ['eventlisteners', 'triggerbindings', 'interceptors', 'triggertemplates', 'triggers'], verbs: INFORMER },
  { apiGroups: [''], resources: ['configmaps'], verbs: INFORMER },
  { apiGroups: ['tekton.dev'], resources: ['pipelineruns', 'pipelineresources', 'taskruns'], verbs: ['create'] },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

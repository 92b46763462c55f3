// The gates, once: the Gate type and UNIDESK_CI_GATE (config.ts), the Vitest projects, the CLI's
// choices and run order, global setup's steps and each gate's lab (fixtures/lab) derive from here.
// Keys are in run order (seed: install, the commit checks, artifact publication, performance, the
// manual dev e2e smoke); a gate's steps are suites/<gate>/*.test.ts, its Vitest project <gate>.

/** Lab services by role: fixtures/lab maps them to what it starts (the harness never imports fixtures). */
export type LabServiceName = 'proxy' | 'git' | 'registry' | 'postgres' | 'cluster' | 'tekton';

export type GateSpec = {
  /** What its lab provides, in start order. */
  lab: readonly LabServiceName[];
  /** cluster: its steps call the Kubernetes API; runNamespace: it gets unidesk-ci-e2e-<run-id>; manual: it runs only when named. */
  cluster: boolean;
  runNamespace: boolean;
  manual: boolean;
  /** The k3s/ci Task whose step runs it (the install gate: `unidesk-ci install`, where it is typed). */
  task?: string;
};

export const GATE_SPECS = {
  // registry: the install gate prewarms into the lab's containerd from the lab's mirror
  install: { lab: ['proxy', 'registry', 'cluster', 'tekton'], cluster: true, runNamespace: true, manual: false },
  commit: { lab: ['proxy', 'git'], cluster: false, runNamespace: false, manual: false, task: 'unidesk-ci-repo-check' },
  // a CI producer: it must not touch the cluster at all
  artifact: { lab: ['proxy', 'git', 'registry', 'cluster'], cluster: false, runNamespace: false, manual: false, task: 'unidesk-ci-backend-core-artifact' },
  perf: { lab: ['proxy', 'postgres', 'cluster', 'tekton'], cluster: true, runNamespace: false, manual: false, task: 'unidesk-ci-perf' },
  'dev-e2e': { lab: ['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'], cluster: true, runNamespace: true, manual: true, task: 'unidesk-ci-dev-e2e' },
} as const satisfies Record<string, GateSpec>;

export type Gate = keyof typeof GATE_SPECS;
export const GATES = Object.keys(GATE_SPECS) as [Gate, ...Gate[]];
export const gateSpec = (gate: Gate): GateSpec => GATE_SPECS[gate];
/** The gates whose spec satisfies `test`, in run order. */
export const gatesWhere = (test: (spec: GateSpec) => boolean): Gate[] => GATES.filter((g) => test(GATE_SPECS[g]));

// Ordered global-setup steps after the lab is up. Each may add variables to ciEnv for the
// workers and return its teardown. The Kubernetes layer adds: janitor of expired namespaces,
// apply k3s/ci (when UNIDESK_CI_APPLY_MANIFESTS=1), the run's ephemeral namespace.
import type { Gate } from '../harness/config.ts';

export type SetupContext = {
  gate: Gate;
  /** process.env plus what earlier steps published. */
  env: Record<string, string | undefined>;
  /** Add variables here to hand them to the test workers. */
  ciEnv: Record<string, string>;
};

export type SetupStep = (ctx: SetupContext) => Promise<(() => Promise<void>) | void>;

export const setupSteps: SetupStep[] = [];

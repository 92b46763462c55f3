// How a gate's suite is written: `const gate = defineGate('commit')`, then `gate.step(name, fn)`
// for each step of the seed's paragraph — the only way a gate defines a testcase. Steps run in
// order; after a failure the rest are reported skipped with the reason (an `independent` step, one
// budget's verdict, neither waits for nor blocks the others). Every testcase carries unidesk.gate
// (+ unidesk.commit once known); a failure carries unidesk.failure-class and the failing command's
// details, and the first failure saves the evidence the gate registered with `onFailure`.
import { beforeEach, inject, test, type TestContext } from 'vitest';
import { loadConfig, useConfig, type Gate, type RunConfig } from '../config.ts';
import { CiError } from '../failure.ts';
import { redact } from '../redact.ts';
import { stepFailure } from './step-failure.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** UNIDESK_CI_* variables global setup adds (lab endpoints, run id) for the workers. */
    ciEnv: Record<string, string>;
    /** The run configuration global setup parsed (with those variables): the test files do not parse it again. */
    ciConfig: RunConfig;
  }
}

export type StepContext = TestContext & {
  config: RunConfig;
  /** Record a JUnit property on this testcase (name gets the `unidesk.` prefix if missing). */
  property: (name: string, value: string | number) => Promise<void>;
  facts: GateFacts;
  /** End the step as skipped with this reason (recorded as unidesk.skipped-reason). */
  notRun: (reason: string) => Promise<never>;
};

/** A step's timeout, or its options. */
export type StepOptions = number | { timeoutMs?: number; independent?: boolean };

/** Run-level facts the steps learn and share (e.g. the resolved commit). */
export type GateFacts = Record<string, string | undefined> & { commit?: string };

export type GateDefinition = {
  gate: Gate;
  config: RunConfig;
  facts: GateFacts;
  step: (name: string, fn: (ctx: StepContext) => Promise<void>, options?: StepOptions) => void;
  /** Evidence to save before anything is deleted (pod logs, events): run once, with the step that first fails. */
  onFailure: (collect: (step: string) => Promise<unknown>) => void;
};

export function gateEnv(): Record<string, string | undefined> {
  let provided: Record<string, string> = {};
  try {
    provided = inject('ciEnv') ?? {};
  } catch {
    // outside a Vitest worker with global setup: environment only
  }
  return { ...process.env, ...provided };
}

/** The configuration global setup provided, else (no global setup) the environment's. */
function gateConfig(gate: Gate): RunConfig {
  let provided: RunConfig | undefined;
  try {
    provided = inject('ciConfig');
  } catch {
    // outside a Vitest worker with global setup
  }
  return provided ? useConfig({ ...provided, gate }) : loadConfig({ ...gateEnv(), UNIDESK_CI_GATE: gate });
}

function withPrefix(name: string): string {
  return name.startsWith('unidesk.') ? name : `unidesk.${name}`;
}

export function defineGate(gate: Gate): GateDefinition {
  const config = gateConfig(gate);
  const facts: GateFacts = {};
  let blockedBy: { step: string; failureClass: string } | undefined;
  const collectors: Array<(step: string) => Promise<unknown>> = [];
  let evidence: Promise<void> | undefined;
  // a collector that fails must not hide the step's own failure
  const saveEvidence = (step: string) =>
    (evidence ??= (async () => {
      for (const collect of collectors) await collect(step).catch((e: Error) => console.log(`evidence: ${redact(e.message)}`));
    })());

  beforeEach(async (ctx) => {
    await ctx.annotate(gate, 'unidesk.gate');
    await ctx.annotate(config.runId, 'unidesk.run-id');
  });

  const step: GateDefinition['step'] = (name, fn, options = {}) => {
    const o = typeof options === 'number' ? { timeoutMs: options } : options;
    test(name, { timeout: o.timeoutMs ?? config.waitMs }, async (ctx) => {
      const property = async (n: string, v: string | number) => {
        await ctx.annotate(redact(String(v)), n.startsWith('unidesk.') ? n : `unidesk.${n}`);
      };
      let skipped = false;
      const notRun = async (reason: string): Promise<never> => {
        await property('skipped-reason', reason);
        if (facts.commit) await property('commit', facts.commit);
        skipped = true;
        return ctx.skip(reason);
      };
      if (blockedBy && !o.independent) return notRun(`not run: step "${blockedBy.step}" failed (${blockedBy.failureClass})`);
      // also when the step times out (its promise never settles): Vitest calls this before afterAll
      ctx.onTestFailed(() => saveEvidence(name), config.waitMs);
      try {
        await fn(Object.assign(ctx, { config, property, facts, notRun }) as StepContext);
        if (facts.commit) await property('commit', facts.commit);
      } catch (thrown) {
        if (skipped) throw thrown; // notRun's skip, not a failure
        const { failureClass, error } = stepFailure(thrown);
        if (!o.independent) blockedBy = { step: name, failureClass };
        if (facts.commit) await property('commit', facts.commit);
        await property('failure-class', failureClass);
        if (error instanceof CiError) {
          const d = error.details;
          if (d.command) await property('command', d.command);
          if (d.exitCode !== undefined) await property('exit-code', d.exitCode);
          if (d.outputTail) await property('output-tail', d.outputTail);
          if (d.hint) await property('hint', d.hint);
        }
        throw error;
      }
    });
  };

  return { gate, config, facts, step, onFailure: (collect) => void collectors.push(collect) };
}

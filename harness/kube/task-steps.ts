// The steps a k3s/ci object runs (Tasks, Pipeline-embedded taskSpecs, sidecars, stepTemplates)
// and the gate each runs: what the policies (policy.ts, prewarm-coverage.ts) and render.ts walk.
type Any = Record<string, any>; // free-form manifests, as in policy.ts

export type Violation = { object: string; rule: string; message: string };

export type StepOf = { task: string; step: Any };

/** Steps of a Task, of Pipeline-embedded taskSpecs and of sidecars/stepTemplates. */
export function stepsOf(o: Any): StepOf[] {
  const specs: Array<[string, Any]> = [];
  if (o.kind === 'Task') specs.push([o.metadata.name, o.spec ?? {}]);
  if (o.kind === 'Pipeline') for (const t of [...(o.spec?.tasks ?? []), ...(o.spec?.finally ?? [])]) if (t.taskSpec) specs.push([`${o.metadata.name}/${t.name}`, t.taskSpec]);
  const out: StepOf[] = [];
  for (const [task, spec] of specs) {
    for (const step of [...(spec.steps ?? []), ...(spec.sidecars ?? [])]) out.push({ task, step });
    if (spec.stepTemplate) out.push({ task, step: { name: 'stepTemplate', ...spec.stepTemplate } });
  }
  return out;
}

/** The gate a step runs (`vitest run ... suites/<gate>`), if any. */
export function gateOfStep(step: Any): string | undefined {
  const text = [step.script, ...(step.command ?? []), ...(step.args ?? [])].filter(Boolean).join(' ');
  return /vitest run\b.*\bsuites\/([a-z0-9-]+)/.exec(text)?.[1];
}

// k3s/ci is valid: core kinds against kubernetes-models, Tekton kinds against the upstream
// v1.12.0/v0.34.0 CRD schemas (strict field validation), and references resolve.
import { readdir, readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { parsePrewarmList } from '../../harness/image/prewarm/list.ts';
import { type Manifest } from '../../harness/kube/index.ts';
import { gateOfStep, stepsOf } from '../../harness/kube/policy.ts';
import { formatImageRef, parseImageRef } from '../../harness/registry/reference.ts';
import { stepImageTag } from '../../harness/image/step-image/index.ts';
import { REPO_ROOT } from '../../harness/tekton/index.ts';
import { isTekton, K3S_CI, k3sCiObjects, tektonValidators, validateCore, validateTekton } from './manifests-support.ts';

const objects = await k3sCiObjects();
const byKind = (kind: string) => objects.filter((o) => o.kind === kind) as Array<Manifest & Record<string, any>>;

describe('k3s/ci manifests', () => {
  test('kustomization.yaml lists every manifest file exactly once', async () => {
    const { resources, configurations = [] } = parse(await readFile(`${K3S_CI}/kustomization.yaml`, 'utf8')) as { resources: string[]; configurations?: string[] };
    // kustomize configurations (where Tekton keeps images) are not resources
    const files = (await readdir(K3S_CI)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !configurations.includes(f)).sort();
    expect([...resources].sort()).toEqual(files);
    expect(new Set(resources).size).toBe(resources.length);
  });

  test('core objects validate against kubernetes-models', () => {
    const core = objects.filter((o) => !isTekton(o));
    expect(core.length).toBeGreaterThan(5);
    for (const o of core) expect({ o: `${o.kind}/${o.metadata.name}`, errors: validateCore(o) }).toEqual({ o: `${o.kind}/${o.metadata.name}`, errors: [] });
  });

  test('Tekton objects (and templated PipelineRuns) validate against the upstream CRD schemas', { timeout: 60_000 }, async () => {
    const validators = await tektonValidators();
    const tekton = objects.filter(isTekton);
    const templated = byKind('TriggerTemplate').flatMap((t) => t.spec.resourcetemplates as Manifest[]);
    expect(tekton.map((o) => o.kind).sort()).toEqual(['EventListener', 'Pipeline', 'Pipeline', 'Pipeline', 'Task', 'Task', 'Task', 'Task', 'TriggerBinding', 'TriggerTemplate']);
    for (const o of [...tekton, ...templated]) {
      expect({ o: `${o.kind}/${o.metadata.name ?? o.metadata.generateName}`, errors: validateTekton(validators, o) }).toEqual({
        o: `${o.kind}/${o.metadata.name ?? o.metadata.generateName}`,
        errors: [],
      });
    }
  });

  test('the validators catch deliberately broken objects', { timeout: 60_000 }, async () => {
    const validators = await tektonValidators();
    const task = structuredClone(byKind('Task')[0]!);
    task.spec.steps[0].imagePullPolicyy = 'Always';
    expect(validateTekton(validators, task).join()).toMatch(/additional properties: imagePullPolicyy/);
    const run = structuredClone(byKind('TriggerTemplate')[0]!.spec.resourcetemplates[0]);
    run.spec.timeouts = { pipeline: 5 };
    expect(validateTekton(validators, run).join()).toMatch(/timeouts\/pipeline must be string/);
    const role = structuredClone(byKind('Role')[0]!);
    role.rules[0].verbs = 'get';
    expect(validateCore(role).join()).toMatch(/verbs must be array/);
    const cm = structuredClone(byKind('ConfigMap')[0]!);
    cm.data['x'] = 5;
    expect(validateCore(cm).join()).toMatch(/must be string/);
  });

  test('Pipelines reference existing Tasks with their declared params; triggers reference existing objects', () => {
    const tasks = new Map(byKind('Task').map((t) => [t.metadata.name, new Set((t.spec.params ?? []).map((p: any) => p.name))]));
    const pipelines = new Set(byKind('Pipeline').map((p) => p.metadata.name));
    for (const p of byKind('Pipeline')) {
      for (const t of p.spec.tasks) {
        expect(tasks.has(t.taskRef.name), `${p.metadata.name}/${t.name} → ${t.taskRef.name}`).toBe(true);
        for (const param of t.params ?? []) expect(tasks.get(t.taskRef.name)!.has(param.name), `${t.taskRef.name} param ${param.name}`).toBe(true);
      }
    }
    expect(pipelines).toEqual(new Set(['unidesk-ci-commit', 'unidesk-backend-core-artifact-publish', 'unidesk-ci-dev-e2e']));
    const el = byKind('EventListener')[0]!;
    const bindings = new Set(byKind('TriggerBinding').map((b) => b.metadata.name));
    const templates = new Set(byKind('TriggerTemplate').map((b) => b.metadata.name));
    for (const t of el.spec.triggers) {
      for (const b of t.bindings) expect(bindings.has(b.ref)).toBe(true);
      expect(templates.has(t.template.ref)).toBe(true);
    }
    for (const tt of byKind('TriggerTemplate')) for (const r of tt.spec.resourcetemplates) expect(pipelines.has(r.spec.pipelineRef.name)).toBe(true);
    const sas = new Set(byKind('ServiceAccount').map((s) => s.metadata.name));
    expect(sas.has(el.spec.serviceAccountName)).toBe(true);
  });

  test('steps run `vitest run suites/<gate>` on the harness step image of this checkout (version + content hash)', async () => {
    const { tag } = await stepImageTag(REPO_ROOT);
    const steps = byKind('Task').flatMap((t) => t.spec.steps as Array<Record<string, any>>);
    // every step is a gate, or the record step that stores the gate run before it (docs/results.md)
    const what = (s: Record<string, any>) =>
      /vitest run .*suites\/([a-z0-9-]+)$/m.exec(s.script)?.[1] ?? /node harness\/report\/store\/record-step\.ts --gate ([a-z0-9-]+) /.exec(s.script)?.[1]?.replace(/^/, 'record ');
    expect(steps.map(what).sort()).toEqual(['artifact', 'commit', 'dev-e2e', 'perf', 'record artifact', 'record commit']);
    expect(tag).toMatch(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    for (const s of steps) expect(s.image).toBe(`127.0.0.1:5000/unidesk/unidesk-ci:${tag}`);
  });

  test('budgets ConfigMap keeps the agreed keys; prewarm list holds the seed images', () => {
    const budgets = byKind('ConfigMap').find((c) => c.metadata.name === 'unidesk-ci-budgets')!;
    expect(Object.keys(budgets.data).sort()).toEqual([
      'overview.first-payload.budget-ms',
      'overview.first-payload.tier',
      'overview.p95.budget-ms',
      'overview.p95.samples',
      'overview.p95.tier',
      'trace-step.budget-ms',
      'trace-step.tier',
      'trace-steps.budget-ms',
      'trace-steps.tier',
      'trace-summary.budget-ms',
      'trace-summary.tier',
    ]);
    const prewarm = byKind('ConfigMap').find((c) => c.metadata.name === 'unidesk-ci-prewarm-images')!;
    const images = (prewarm.data.images as string).split('\n').filter(Boolean);
    expect(images).toEqual(expect.arrayContaining(['oven/bun:1-debian', 'alpine/git:2.45.2', 'unidesk-code-queue:dev']));
    // the Tekton helpers are read from the installed controller at install time, never listed here
    expect(images.filter((i) => /tektoncd/.test(i))).toEqual([]);
  });

  test('every step image of every Task (and Pipeline taskSpec) is in the prewarm list, read as prewarm reads it', async () => {
    const { tag } = await stepImageTag(REPO_ROOT);
    const prewarm = byKind('ConfigMap').find((c) => c.metadata.name === 'unidesk-ci-prewarm-images')!;
    const listed = (list: Manifest) => new Set(parsePrewarmList(stringify(list)).map((i) => i.name));
    const stepImages = (all: readonly Manifest[]) =>
      all
        .flatMap((o) => stepsOf(o))
        .filter((s) => s.step.image)
        .map((s) => formatImageRef(parseImageRef(s.step.image)));
    const missing = (all: readonly Manifest[], list: Manifest) => stepImages(all).filter((i) => !listed(list).has(i));
    expect(stepImages(objects).length).toBeGreaterThanOrEqual(4);
    expect(listed(prewarm).has(`127.0.0.1:5000/unidesk/unidesk-ci:${tag}`)).toBe(true);
    expect(missing(objects, prewarm)).toEqual([]);
    // the check can fail: a list without the harness image misses every step
    const short = structuredClone(prewarm) as Manifest & Record<string, any>;
    short.data.images = short.data.images.replace(/^.*unidesk\/unidesk-ci:.*$/m, '');
    expect(missing(objects, short)).toEqual(stepImages(objects));
  });

  test('the artifact Task declares IMAGE_URL/IMAGE_DIGEST (+ commit, failure-class) in its results directory; the publish Pipeline exposes them', { timeout: 60_000 }, async () => {
    const validators = await tektonValidators();
    const pipeline = byKind('Pipeline').find((p) => p.metadata.name === 'unidesk-backend-core-artifact-publish')!;
    const taskNames = pipeline.spec.tasks.map((t: any) => t.taskRef.name);
    const task = byKind('Task').find((t) => taskNames.includes(t.metadata.name))!;
    const pipelineTask = pipeline.spec.tasks.find((t: any) => t.taskRef.name === task.metadata.name).name;
    expect(task.spec.results.map((r: any) => [r.name, r.type])).toEqual([
      ['IMAGE_URL', 'string'],
      ['IMAGE_DIGEST', 'string'],
      ['commit', 'string'],
      ['failure-class', 'string'],
      ['failure-message', 'string'],
    ]);
    const gateSteps = stepsOf(task).filter((s) => gateOfStep(s.step) === 'artifact');
    expect(gateSteps).toHaveLength(1);
    expect(gateSteps[0]!.step.script).toMatch(/vitest run .*suites\/artifact$/m);
    // Tekton's results directory, from a declared result's path (no literal /tekton/results)
    expect(gateSteps[0]!.step.script).toMatch(/^UNIDESK_CI_RESULTS_DIR="\$\(dirname "\$\(results\.IMAGE_URL\.path\)"\)"$/m);
    expect(gateSteps[0]!.step.env.map((e: any) => e.name)).not.toContain('UNIDESK_CI_RESULTS_DIR');
    expect(pipeline.spec.results).toEqual([
      expect.objectContaining({ name: 'IMAGE_URL', value: `$(tasks.${pipelineTask}.results.IMAGE_URL)` }),
      expect.objectContaining({ name: 'IMAGE_DIGEST', value: `$(tasks.${pipelineTask}.results.IMAGE_DIGEST)` }),
      expect.objectContaining({ name: 'commit', value: `$(tasks.${pipelineTask}.results.commit)` }),
    ]);
    for (const o of [task, pipeline]) expect(validateTekton(validators, o)).toEqual([]);
    // the upstream schema rejects a result without a name, so the check above reads what Tekton reads
    const broken = structuredClone(pipeline);
    broken.spec.results[0] = { value: broken.spec.results[0].value };
    expect(validateTekton(validators, broken).join()).toMatch(/name/);
  });

  test("the commit Pipeline resolves the revision once: later tasks get repo-check's commit result, never the revision", () => {
    const pipeline = byKind('Pipeline').find((p) => p.metadata.name === 'unidesk-ci-commit')!;
    const [first, ...later] = pipeline.spec.tasks as any[];
    expect(first.name).toBe('repo-check');
    expect(first.params).toContainEqual({ name: 'revision', value: '$(params.revision)' });
    const repoCheck = byKind('Task').find((t) => t.metadata.name === first.taskRef.name)!;
    expect(repoCheck.spec.results.map((r: any) => r.name)).toEqual(['commit', 'failure-class', 'failure-message']);
    for (const t of later) {
      expect(JSON.stringify(t.params), t.name).not.toContain('$(params.revision)');
      expect(t.params, t.name).toContainEqual({ name: 'revision', value: '$(tasks.repo-check.results.commit)' });
    }
    expect(pipeline.spec.results).toContainEqual(expect.objectContaining({ name: 'commit', value: '$(tasks.repo-check.results.commit)' }));
    // a step that runs code of the commit under test holds no store credential: it continues on
    // error, and only the record step after it (a fresh container) gets the Secret and exits with
    // the gate step's exit code
    for (const name of ['unidesk-ci-repo-check', 'unidesk-ci-backend-core-artifact']) {
      const task = byKind('Task').find((t) => t.metadata.name === name)!;
      const steps = stepsOf(task).map((s) => s.step);
      const gateAt = steps.findIndex((s: any) => gateOfStep(s));
      const holders = steps.filter((s: any) => /METRICS_DATABASE|unidesk-ci-metrics-database/.test(JSON.stringify([s.env ?? [], s.envFrom ?? [], s.volumeMounts ?? []])));
      expect(
        holders.map((s: any) => s.name),
        name,
      ).toEqual(['record']);
      expect(steps.indexOf(holders[0]), name).toBe(gateAt + 1);
      expect(steps[gateAt].onError, name).toBe('continue');
      expect(holders[0].script, name).toContain(`--exit-code-file "$(steps.step-${steps[gateAt].name}.exitCode.path)"`);
      expect(JSON.stringify(task.spec.volumes ?? []), name).not.toContain('unidesk-ci-metrics-database');
    }
    // every gate Task reports its failure class as a result
    for (const t of byKind('Task').filter((t) => stepsOf(t).some((s) => gateOfStep(s.step)))) {
      expect(
        t.spec.results?.map((r: any) => r.name),
        t.metadata.name,
      ).toEqual(expect.arrayContaining(['failure-class', 'failure-message']));
    }
  });
});

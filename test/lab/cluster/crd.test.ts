// CustomResourceDefinitions applied to the double: discovery, CRUD through CustomObjectsApi,
// openAPIV3Schema validation (x-kubernetes-preserve-unknown-fields, int-or-string, pruning),
// the status subresource, generation, and withdrawal on delete. Runs against the upstream
// Tekton CRDs (CI) and the project's own Widget CRD.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, createNamespace, failure, mergePatch, raw, startWithClients, until, type Clients } from './support.ts';
import { loadCrds, tektonCrdsDir, typed, WIDGET_CRD } from './crd-sources.ts';

const apply = (c: Clients, o: k8s.KubernetesObject) => c.objects.patch(o, undefined, undefined, 'lab-tekton-install', true, k8s.PatchStrategy.ServerSideApply);

describe('the Tekton CRD source', () => {
  test('is found in CI (UNIDESK_CI_TEKTON_CRDS_DIR or ../shared/tekton)', () => {
    if (process.env.CI) expect(tektonCrdsDir(), 'CI must provide the upstream Tekton CRDs (set UNIDESK_CI_TEKTON_CRDS_DIR)').toBeDefined();
    expect(tektonCrdsDir({ UNIDESK_CI_TEKTON_CRDS_DIR: '/nonexistent' })).toBeUndefined();
  });
});

describe('own CRD (widgets.lab.unidesk.ai)', () => {
  let c: Clients;
  const ns = 'crd-own';
  const gv = { group: 'lab.unidesk.ai', version: 'v1', namespace: ns, plural: 'widgets' };
  beforeAll(async () => {
    c = await startWithClients();
    await createNamespace(c, ns);
  });
  afterAll(() => c?.double.stop());

  test('before the CRD is applied its group is 404', async () => {
    expect((await raw(c.kc, 'GET', '/apis/lab.unidesk.ai/v1')).status).toBe(404);
    expect((await apiError(c.custom.listNamespacedCustomObject(gv))).code).toBe(404);
  });

  test('applying the CRD serves the resource at once and marks it Established', async () => {
    await apply(c, typed(WIDGET_CRD));
    const list = (await (await raw(c.kc, 'GET', '/apis/lab.unidesk.ai/v1')).json()) as { resources: { name: string; kind: string; namespaced: boolean }[] };
    expect(list.resources.map((r) => r.name)).toEqual(['widgets', 'widgets/status']);
    const groups = (await (await raw(c.kc, 'GET', '/apis')).json()) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toContain('lab.unidesk.ai');
    await until(
      async () => (await c.ext.readCustomResourceDefinition({ name: 'widgets.lab.unidesk.ai' })).status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True'),
      'Established',
    );
  });

  test('a CRD whose name is not <plural>.<group> is 422', async () => {
    const bad = { ...WIDGET_CRD, metadata: { name: 'gadgets.lab.unidesk.ai' } };
    const e = await apiError(c.ext.createCustomResourceDefinition({ body: bad as never }));
    expect(e.body.message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "gadgets.lab.unidesk.ai" is invalid: metadata.name: Invalid value: "gadgets.lab.unidesk.ai": must be spec.names.plural+"."+spec.group',
    );
  });

  test('create, get, list through CustomObjectsApi; generation 1; KubernetesObjectApi finds the kind', async () => {
    const made = (await c.custom.createNamespacedCustomObject({
      ...gv,
      body: { apiVersion: 'lab.unidesk.ai/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1, port: 'http', config: { any: { deep: [1, 2] } } } },
    })) as k8s.KubernetesObject & { spec: Record<string, unknown> };
    expect(made.metadata?.generation).toBe(1);
    expect(made.spec.config).toEqual({ any: { deep: [1, 2] } });
    const read = (await c.objects.read({ apiVersion: 'lab.unidesk.ai/v1', kind: 'Widget', metadata: { name: 'w1', namespace: ns } })) as k8s.KubernetesObject;
    expect(read.metadata?.uid).toBe(made.metadata?.uid);
    const list = (await c.custom.listNamespacedCustomObject(gv)) as { items: { kind: string }[] };
    expect(list.items.map((i) => i.kind)).toEqual(['Widget']);
  });

  test('schema violations are 422 Invalid with one cause each', async () => {
    const e = await apiError(
      c.custom.createNamespacedCustomObject({ ...gv, body: { apiVersion: 'lab.unidesk.ai/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 'big', mode: 'slow', port: true } } }),
    );
    expect(e.code).toBe(422);
    expect((e.body.details as { causes: unknown[] }).causes).toEqual(
      expect.arrayContaining([
        { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.size in body must be of type integer: "string"', field: 'spec.size' },
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "slow": supported values: "fast", "safe"', field: 'spec.mode' },
      ]),
    );
    expect(e.body.message).toMatch(/^Widget.lab.unidesk.ai "bad" is invalid: \[/);
    const missing = await apiError(c.custom.createNamespacedCustomObject({ ...gv, body: { apiVersion: 'lab.unidesk.ai/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: {} } }));
    expect(missing.body).toEqual(
      failure(422, 'Invalid', 'Widget.lab.unidesk.ai "bad" is invalid: spec.size: Required value', {
        name: 'bad',
        group: 'lab.unidesk.ai',
        kind: 'widgets',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.size' }],
      }),
    );
  });

  test('nullable fields accept null', async () => {
    await c.custom.createNamespacedCustomObject({ ...gv, body: { apiVersion: 'lab.unidesk.ai/v1', kind: 'Widget', metadata: { name: 'nul' }, spec: { size: 1, note: null } } });
  });

  test('undeclared fields are pruned with a warning, or 400 with fieldValidation=Strict', async () => {
    const body = JSON.stringify({ apiVersion: 'lab.unidesk.ai/v1', kind: 'Widget', metadata: { name: 'extra' }, spec: { size: 2, colour: 'red' } });
    const strict = await raw(c.kc, 'POST', `/apis/lab.unidesk.ai/v1/namespaces/${ns}/widgets?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    expect(((await strict.json()) as { message: string }).message).toBe('Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.colour"');
    const warn = await raw(c.kc, 'POST', `/apis/lab.unidesk.ai/v1/namespaces/${ns}/widgets`, body);
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.colour\\""');
    expect(((await warn.json()) as { spec: unknown }).spec).toEqual({ size: 2 });
  });

  test('status only through /status; generation moves with spec', async () => {
    const withStatus = (await c.custom.patchNamespacedCustomObject({ ...gv, name: 'w1', body: { status: { phase: 'Ignored' } } }, mergePatch)) as {
      status?: unknown;
      metadata: { generation: number };
    };
    expect(withStatus.status).toBeUndefined();
    expect(withStatus.metadata.generation).toBe(1);
    const st = (await c.custom.patchNamespacedCustomObjectStatus({ ...gv, name: 'w1', body: { status: { phase: 'Ready' } } }, mergePatch)) as { status: unknown; metadata: { generation: number } };
    expect(st.status).toEqual({ phase: 'Ready' });
    expect(st.metadata.generation).toBe(1);
    const bumped = (await c.custom.patchNamespacedCustomObject({ ...gv, name: 'w1', body: { spec: { size: 3 } } }, mergePatch)) as { status: unknown; metadata: { generation: number } };
    expect(bumped.metadata.generation).toBe(2);
    expect(bumped.status).toEqual({ phase: 'Ready' });
  });

  test('deleting the CRD withdraws the resource and its objects', async () => {
    await c.ext.deleteCustomResourceDefinition({ name: 'widgets.lab.unidesk.ai' });
    expect((await raw(c.kc, 'GET', '/apis/lab.unidesk.ai/v1')).status).toBe(404);
    expect(c.double.objects().filter((o) => o.kind === 'Widget')).toEqual([]);
  });
});

const tektonDir = tektonCrdsDir();
describe.runIf(tektonDir)('upstream Tekton Pipelines v1.12.0 CRDs', () => {
  let c: Clients;
  const ns = 'crd-tekton';
  const prs = { group: 'tekton.dev', version: 'v1', namespace: ns, plural: 'pipelineruns' };
  const pipelineRun = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name, labels: { 'unidesk.ai/ci-run': 'r1' } }, spec });
  beforeAll(async () => {
    // the CRDs as a cluster serves them without Tekton's controller: status is written by the tests
    c = await startWithClients({ tektonController: false });
    await createNamespace(c, ns);
    for (const crd of loadCrds(tektonDir!)) await apply(c, crd);
  });
  afterAll(() => c?.double.stop());

  test('discovery serves tekton.dev/v1 and v1beta1 with status subresources', async () => {
    const v1 = (await (await raw(c.kc, 'GET', '/apis/tekton.dev/v1')).json()) as { resources: { name: string }[] };
    expect(v1.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['pipelineruns', 'pipelineruns/status', 'taskruns', 'tasks', 'pipelines']));
    expect((await raw(c.kc, 'GET', '/apis/tekton.dev/v1beta1')).status).toBe(200);
  });

  test('a valid PipelineRun is created; param values of any shape are preserved', async () => {
    const made = (await c.custom.createNamespacedCustomObject({
      ...prs,
      body: pipelineRun('run-1', {
        pipelineRef: { name: 'unidesk-ci-commit' },
        params: [
          { name: 'revision', value: 'abc' },
          { name: 'flags', value: ['a', 'b'] },
        ],
        timeouts: { pipeline: '1h' },
      }),
    })) as { metadata: { generation: number }; spec: { params: unknown[] } };
    expect(made.metadata.generation).toBe(1);
    expect(made.spec.params[1]).toEqual({ name: 'flags', value: ['a', 'b'] });
  });

  test('schema errors in a PipelineRun are 422 with the upstream schema paths', async () => {
    const e = await apiError(c.custom.createNamespacedCustomObject({ ...prs, body: pipelineRun('run-bad', { pipelineRef: { name: 'p' }, params: [{ name: 'revision' }], status: 5 }) }));
    expect(e.code).toBe(422);
    expect((e.body.details as { causes: unknown[] }).causes).toEqual(
      expect.arrayContaining([
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.params[0].value' },
        { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "integer": spec.status in body must be of type string: "integer"', field: 'spec.status' },
      ]),
    );
  });

  test('fields the upstream schema does not declare are pruned (Warn) or refused (Strict)', async () => {
    const body = JSON.stringify(pipelineRun('run-extra', { pipelineRef: { name: 'p' }, bogus: true }));
    const strict = await raw(c.kc, 'POST', `/apis/tekton.dev/v1/namespaces/${ns}/pipelineruns?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    const warn = await raw(c.kc, 'POST', `/apis/tekton.dev/v1/namespaces/${ns}/pipelineruns`, body);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.bogus\\""');
  });

  test('status written through /status (as the Tekton controller does) is watched by label', async () => {
    const seen: string[] = [];
    const ac = await new k8s.Watch(c.kc).watch(
      `/apis/tekton.dev/v1/namespaces/${ns}/pipelineruns`,
      { labelSelector: 'unidesk.ai/ci-run=r1' },
      (type, o: { metadata: { name: string }; status?: { conditions?: { status: string }[] } }) => seen.push(`${type} ${o.metadata.name} ${o.status?.conditions?.[0]?.status ?? '-'}`),
      () => undefined,
    );
    await c.custom.patchNamespacedCustomObjectStatus(
      {
        ...prs,
        name: 'run-1',
        body: {
          apiVersion: 'tekton.dev/v1',
          kind: 'PipelineRun',
          metadata: { name: 'run-1' },
          status: { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], childReferences: [{ kind: 'TaskRun', name: 'run-1-build', pipelineTaskName: 'build' }] },
        },
        fieldManager: 'lab-tekton',
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    await until(() => seen.includes('MODIFIED run-1 True'), 'MODIFIED with Succeeded=True');
    ac.abort();
    expect(seen[0]).toMatch(/^ADDED run-1 -/);
  });
});

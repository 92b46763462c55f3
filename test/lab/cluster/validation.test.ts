// Admission: kubernetes-models schemas (422 with causes, 400 for type errors), the checks they
// lack (DNS-1123 names, selector vs template labels), and unknown fields (Warn / Strict).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiError, createNamespace, deployment, failure, raw, startWithClients, type Clients } from './support.ts';

let c: Clients;
const ns = 'valid';
beforeAll(async () => {
  c = await startWithClients();
  await createNamespace(c, ns);
});
afterAll(() => c?.double.stop());

describe('schema', () => {
  test('a Deployment without selector is 422 Invalid with a FieldValueRequired cause', async () => {
    const body = deployment('web') as { spec: Record<string, unknown> };
    delete body.spec.selector;
    const e = await apiError(c.apps.createNamespacedDeployment({ namespace: ns, body: body as never }));
    expect(e).toEqual({
      code: 422,
      body: failure(422, 'Invalid', 'Deployment.apps "web" is invalid: spec.selector: Required value', {
        name: 'web',
        group: 'apps',
        kind: 'deployments',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }],
      }),
    });
  });

  test('several problems are listed in brackets, one cause each', async () => {
    const e = await apiError(c.core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'svc' }, spec: { type: 'Bogus', ports: [{ port: 80 }, {} as never] } } }));
    expect(e.code).toBe(422);
    expect(e.body.message).toBe(
      'Service "svc" is invalid: [spec.ports[1].port: Required value, spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]',
    );
    expect((e.body.details as { causes: unknown[] }).causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[1].port' },
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"', field: 'spec.type' },
    ]);
  });

  test('a type error fails at decode time with 400 BadRequest', async () => {
    const body = deployment('typed') as { spec: Record<string, unknown> };
    body.spec.replicas = '1';
    const e = await apiError(c.apps.createNamespacedDeployment({ namespace: ns, body: body as never }));
    expect(e.code).toBe(400);
    expect(e.body).toEqual(failure(400, 'BadRequest', 'Deployment in version "v1" cannot be handled as a Deployment: spec.replicas: must be integer'));
  });

  test('a name that is no DNS-1123 subdomain is 422', async () => {
    const e = await apiError(c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'Web_1' } } }));
    expect(e.code).toBe(422);
    expect(e.body.message).toBe(
      `ConfigMap "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });

  test('namespace names must be DNS-1123 labels, Service names DNS-1035 labels', async () => {
    expect((await apiError(c.core.createNamespace({ body: { metadata: { name: 'a.b' } } }))).body.reason).toBe('Invalid');
    const svc = await apiError(c.core.createNamespacedService({ namespace: ns, body: { metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } } }));
    expect(svc.body.message).toMatch(/^Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label/);
  });

  test('label keys and values follow the label syntax (a 40-hex commit fits, a 64-character value does not)', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'lbl-ok', labels: { 'unidesk.ai/commit': 'a'.repeat(40), app: 'web' } } } });
    const long = await apiError(c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'lbl-long', labels: { v: 'x'.repeat(64) } } } }));
    expect(long.body.message).toBe(`ConfigMap "lbl-long" is invalid: metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`);
    const bad = await apiError(c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'lbl-bad', labels: { 'bad key!': 'ok', k: 'has space' } } } }));
    expect((bad.body.details as { causes: { field: string; message: string }[] }).causes.map((x) => x.message.split(':')[0] + ':' + x.message.split(':')[1])).toEqual([
      'Invalid value: "bad key!"',
      'Invalid value: "has space"',
    ]);
  });

  test('a missing name (no generateName) is 422', async () => {
    const e = await apiError(c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: {} } }));
    expect(e.body.message).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  test('a selector that does not match the template labels is 422', async () => {
    const body = deployment('mismatch');
    body.spec.template.metadata.labels = { app: 'other' };
    const e = await apiError(c.apps.createNamespacedDeployment({ namespace: ns, body }));
    expect(e.body.message).toBe('Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`');
  });
});

describe('unknown fields', () => {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unk' }, data: { a: '1' }, spec: { replicaz: 1 } });

  test('by default (Warn) the field is dropped and a Warning header names it', async () => {
    const res = await raw(c.kc, 'POST', `/api/v1/namespaces/${ns}/configmaps`, body);
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe('299 - "unknown field \\"spec\\""');
    const stored = await c.core.readNamespacedConfigMap({ namespace: ns, name: 'unk' });
    expect((stored as Record<string, unknown>).spec).toBeUndefined();
  });

  test('fieldValidation=Strict is 400 BadRequest', async () => {
    const res = await raw(c.kc, 'POST', `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Strict`, body.replace('"unk"', '"unk2"'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(failure(400, 'BadRequest', 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"'));
    expect((await apiError(c.core.readNamespacedConfigMap({ namespace: ns, name: 'unk2' }))).code).toBe(404);
  });

  test('nested unknown fields are found through the typed model (spec.replicaz)', async () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment('nested') } as { spec: Record<string, unknown> };
    d.spec.replicaz = 3;
    const res = await raw(c.kc, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments?fieldValidation=Strict`, JSON.stringify(d));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"');
  });

  test('an invalid fieldValidation value is 400', async () => {
    const res = await raw(c.kc, 'POST', `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Loose`, body);
    expect(res.status).toBe(400);
  });
});

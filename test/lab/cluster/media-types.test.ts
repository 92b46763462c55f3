// What a client that is not client-node sends and asks for: protobuf bodies (kubectl's create and
// access reviews), unknown body media types (415), the OpenAPI documents and their media types
// (406 for a protobuf-only v2 request), Table for `kubectl get`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeProtobufBody } from '../../../fixtures/lab/cluster/protobuf/envelope.ts';
import { messageType, protoRoot, UNKNOWN } from '../../../fixtures/lab/cluster/protobuf/messages.ts';
import { raw, startWithClients, type Clients } from './support.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients();
});
afterAll(() => c?.double.stop());

/** A body as client-go frames it: `k8s\0` + runtime.Unknown{typeMeta, raw}. */
function protobufBody(apiVersion: string, kind: string, object: Record<string, unknown>): Buffer {
  const type = messageType(apiVersion, kind)!;
  const rawBytes = type.encode(type.fromObject(object)).finish();
  const envelope = protoRoot().lookupType(UNKNOWN);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope.encode(envelope.fromObject({ typeMeta: { apiVersion, kind }, raw: rawBytes })).finish()]);
}

describe('request bodies', () => {
  test('a protobuf ConfigMap and Deployment are created like their JSON', async () => {
    const cm = protobufBody('v1', 'ConfigMap', { metadata: { name: 'pb', namespace: 'default', labels: { a: 'b' } }, data: { k: 'v' } });
    const res = await raw(c.kc, 'POST', '/api/v1/namespaces/default/configmaps', cm as never, { 'content-type': 'application/vnd.kubernetes.protobuf' });
    expect(res.status).toBe(201);
    const got = await c.core.readNamespacedConfigMap({ name: 'pb', namespace: 'default' });
    expect(got.data).toEqual({ k: 'v' });
    expect(got.metadata?.labels).toEqual({ a: 'b' });
    const d = protobufBody('apps/v1', 'Deployment', {
      metadata: { name: 'pbd' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'pbd' } },
        template: {
          metadata: { labels: { app: 'pbd' } },
          spec: {
            containers: [{ name: 'main', image: 'lab-test/x:1', ports: [{ containerPort: 8080 }], livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 1, strVal: 'http' } } } } }],
          },
        },
      },
    });
    expect((await raw(c.kc, 'POST', '/apis/apps/v1/namespaces/default/deployments', d as never, { 'content-type': 'application/vnd.kubernetes.protobuf' })).status).toBe(201);
    const dep = await c.apps.readNamespacedDeployment({ name: 'pbd', namespace: 'default' });
    expect(dep.spec?.replicas).toBe(0);
    // inline Go structs (Probe.handler) are flattened as in JSON; IntOrString keeps its string
    expect(dep.spec?.template.spec?.containers[0].livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    expect(dep.spec?.template.metadata).not.toHaveProperty('creationTimestamp');
  });

  test('a body that is not protobuf, or a media type nobody accepts', async () => {
    const bad = await raw(c.kc, 'POST', '/api/v1/namespaces/default/configmaps', '{"x":1}', { 'content-type': 'application/vnd.kubernetes.protobuf' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
    const cbor = await raw(c.kc, 'POST', '/api/v1/namespaces/default/configmaps', 'x', { 'content-type': 'application/cbor' });
    expect(cbor.status).toBe(415);
    expect(await cbor.json()).toMatchObject({
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
  });
});

describe('responses', () => {
  test('protobuf when the client asks for it first (client-go), JSON otherwise and for kinds without a message', async () => {
    const accept = 'application/vnd.kubernetes.protobuf,application/json';
    const pb = await raw(c.kc, 'GET', '/api/v1/namespaces/default/configmaps/pb', undefined, { accept });
    expect(pb.headers.get('content-type')).toBe('application/vnd.kubernetes.protobuf');
    const decoded = decodeProtobufBody(Buffer.from(await pb.arrayBuffer()));
    expect(decoded).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb', labels: { a: 'b' } }, data: { k: 'v' } });
    expect((decoded.metadata as { creationTimestamp: string }).creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const list = decodeProtobufBody(Buffer.from(await (await raw(c.kc, 'GET', '/apis/apps/v1/namespaces/default/deployments', undefined, { accept })).arrayBuffer()));
    expect(list).toMatchObject({ kind: 'DeploymentList', items: [{ metadata: { name: 'pbd' }, spec: { template: { spec: { containers: [{ livenessProbe: { httpGet: { port: 'http' } } }] } } } }] });
    const json = await raw(c.kc, 'GET', '/api/v1/namespaces/default/configmaps/pb', undefined, { accept: 'application/json' });
    expect(json.headers.get('content-type')).toBe('application/json');
    const crd = await raw(c.kc, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', undefined, { accept });
    expect(crd.headers.get('content-type')).toBe('application/json');
  });
});

describe('OpenAPI', () => {
  test('/openapi/v3 names each group version; its document has the PATCH fieldValidation parameter and the schemas', async () => {
    const index = (await (await raw(c.kc, 'GET', '/openapi/v3')).json()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/authorization.k8s.io/v1']));
    const url = index.paths['apis/apps/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const doc = (await (await raw(c.kc, 'GET', url)).json()) as {
      paths: Record<string, Record<string, { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(patch.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['fieldValidation', 'fieldManager', 'force', 'dryRun']));
    expect(doc.components.schemas['io.k8s.api.apps.v1.DeploymentSpec']).toMatchObject({ required: ['selector', 'template'] });
    expect(Object.keys(doc.paths).some((p) => p.includes('replicasets'))).toBe(false);
  });

  test('/openapi/v2 as JSON; a protobuf-only Accept is 406', async () => {
    const v2 = (await (await raw(c.kc, 'GET', '/openapi/v2')).json()) as { swagger: string; definitions: Record<string, unknown> };
    expect(v2.swagger).toBe('2.0');
    expect(v2.definitions).toHaveProperty(['io.k8s.api.core.v1.Pod']);
    const pb = await raw(c.kc, 'GET', '/openapi/v2', undefined, { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(pb.status).toBe(406);
    expect(await pb.json()).toMatchObject({ reason: 'NotAcceptable' });
  });
});

describe('Table', () => {
  test('as=Table gives the printer columns; plain JSON stays an object', async () => {
    const res = await raw(c.kc, 'GET', '/api/v1/namespaces', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const table = (await res.json()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((d) => d.name)).toEqual(['Name', 'Status', 'Age']);
    expect(table.rows.find((r) => r.cells[0] === 'default')?.cells[1]).toBe('Active');
    expect(table.rows[0].object.kind).toBe('PartialObjectMetadata');
    expect(((await (await raw(c.kc, 'GET', '/api/v1/namespaces')).json()) as { kind: string }).kind).toBe('NamespaceList');
  });
});

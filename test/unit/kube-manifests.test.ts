// Loading manifests: bad input gives an `input` CiError naming the file and document.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadManifests, parseManifestText } from '../../harness/kube/index.ts';
import type { Kube } from '../../harness/kube/kube.ts';
import { guardWrite } from '../../harness/kube/write.ts';

const dir = await mkdtemp(join(tmpdir(), 'kube-manifests-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadManifests', () => {
  test('multi-document YAML, empty documents skipped', () => {
    const docs = parseManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n');
    expect(docs.map((d) => d.object.metadata.name)).toEqual(['a', 'b']);
  });

  test.each([
    ['kind: ConfigMap\nmetadata: {name: a}\n', /document 1: apiVersion: Invalid input/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', /document 1: metadata\.name/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [x\n', /document 2: invalid YAML/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: 1}}\n', /metadata\.labels\.x/],
    // a List (as kubectl get -o yaml prints it) is input, with or without a name
    [
      'apiVersion: v1\nkind: List\nmetadata: {name: l}\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]\n',
      /document 1: kind List is a list of objects, not an object .*its own document/,
    ],
    ['apiVersion: v1\nkind: ConfigMapList\nitems: []\n', /document 1: kind ConfigMapList is a list of objects/],
  ])('rejects %j', (text, message) => {
    expect(() => parseManifestText(text, 'bad.yaml')).toThrow(message);
    try {
      parseManifestText(text, 'bad.yaml');
    } catch (e) {
      expect((e as { failureClass?: string }).failureClass).toBe('input');
      expect((e as Error).message).toMatch(/^bad\.yaml document/);
    }
  });

  test('kustomization order; missing path and bad kustomization are input errors', async () => {
    await writeFile(join(dir, 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    await writeFile(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    expect((await loadManifests(dir)).map((m) => m.object.metadata.name)).toEqual(['a', 'b']);
    await writeFile(join(dir, 'kustomization.yaml'), 'resources: [b.yaml, a.yaml]\n');
    expect((await loadManifests(dir)).map((m) => m.object.metadata.name)).toEqual(['b', 'a']);
    await writeFile(join(dir, 'kustomization.yaml'), 'resources: []\n');
    await expect(loadManifests(dir)).rejects.toThrow(/kustomization\.yaml: expected a non-empty resources list/);
    await writeFile(join(dir, 'kustomization.yaml'), 'resources: [missing.yaml]\n');
    await expect(loadManifests(dir)).rejects.toThrow(/cannot read .*missing\.yaml/);
    await expect(loadManifests(join(dir, 'nope'))).rejects.toThrow(/does not exist/);
  });
});

describe('a List handed to a write', () => {
  test('is input before discovery, not a kind the cluster fails to serve (infra.cluster)', async () => {
    let discovered = false;
    const kube = { objects: { scopeOf: async () => ((discovered = true), undefined) } } as unknown as Kube;
    const object = { apiVersion: 'v1', kind: 'List', metadata: { name: 'l', namespace: 'unidesk-ci' } };
    await expect(guardWrite(kube, { verb: 'apply', ref: { apiVersion: 'v1', kind: 'List', name: 'l', namespace: 'unidesk-ci' }, object })).rejects.toEqual(
      expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('kind List is a list of objects') }),
    );
    expect(discovered).toBe(false);
  });
});

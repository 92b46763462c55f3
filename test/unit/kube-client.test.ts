// Loading the client: bad input is an `input` CiError naming what to fix; the dispatcher is
// always an explicit direct one (never the global, possibly env-proxy, dispatcher).
import * as k8s from '@kubernetes/client-node';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { impersonating, loadKubeConfig, serviceAccountUser } from '../../harness/kube/index.ts';
import { skipsTlsVerify } from '../../harness/kube/client.ts';
import { redact } from '../../harness/redact.ts';

const dir = await mkdtemp(join(tmpdir(), 'kube-client-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const kubeconfig = (cluster: Record<string, unknown>) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: ${JSON.stringify({ server: 'https://127.0.0.1:1', ...cluster })}}]
users: [{name: u, user: {token: secret-token-1234}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`;

describe('loadKubeConfig', () => {
  test('no credentials at all', () => {
    expect(() => loadKubeConfig({}, {})).toThrow('no Kubernetes credentials: set UNIDESK_CI_KUBECONFIG (or KUBECONFIG), or run in a pod with a service account');
  });

  test('a malformed kubeconfig: the error names the file and the problem, never the content', async () => {
    const bad = join(dir, 'malformed.yaml');
    await writeFile(bad, 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: unregistered-token-5678\n   bad: [\n');
    let error: unknown;
    try {
      loadKubeConfig({ kubeconfig: bad }, {});
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ failureClass: 'input', message: `kubeconfig ${bad} cannot be read: invalid YAML: bad indentation of a mapping entry at line 6, column 4` });
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain('unregistered-token-5678');
  });

  test('missing file, unknown context, proxy-url', async () => {
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'nope') })).toThrow(/kubeconfig .*nope does not exist/);
    const ok = join(dir, 'ok.yaml');
    await writeFile(ok, kubeconfig({}));
    expect(() => loadKubeConfig({ kubeconfig: ok, context: 'prod' })).toThrow('UNIDESK_CI_KUBE_CONTEXT=prod: no such context in the kubeconfig (have: ctx)');
    const proxied = join(dir, 'proxied.yaml');
    await writeFile(proxied, kubeconfig({ 'proxy-url': 'http://127.0.0.1:3128' }));
    expect(() => loadKubeConfig({ kubeconfig: proxied })).toThrow(/sets proxy-url; the Kubernetes API must be reached directly/);
    try {
      loadKubeConfig({ kubeconfig: proxied });
    } catch (e) {
      expect((e as { failureClass?: string }).failureClass).toBe('input');
    }
  });

  test('every request gets a direct dispatcher; impersonation adds only Impersonate-User', async () => {
    const file = join(dir, 'plain.yaml');
    await writeFile(file, kubeconfig({ 'insecure-skip-tls-verify': false }));
    const kc = loadKubeConfig({ kubeconfig: file });
    const ctx = new k8s.RequestContext('https://127.0.0.1:1/api/v1', k8s.HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    expect(ctx.getDispatcher()).toBeDefined();
    expect(ctx.getHeaders().Authorization).toBe('Bearer secret-token-1234');
    expect(ctx.getHeaders()['Impersonate-User']).toBeUndefined();
    const as = impersonating(kc, serviceAccountUser('unidesk-ci', 'unidesk-ci-runner'));
    const ctx2 = new k8s.RequestContext('https://127.0.0.1:1/api/v1', k8s.HttpMethod.GET);
    await as.applySecurityAuthentication(ctx2);
    expect(ctx2.getHeaders()['Impersonate-User']).toBe('system:serviceaccount:unidesk-ci:unidesk-ci-runner');
    expect(ctx2.getDispatcher()).toBeDefined();
  });
});

describe('TLS is verified', () => {
  test('insecure-skip-tls-verify or a plain http:// server is refused in one line unless the opt-in is set', async () => {
    const insecure = join(dir, 'insecure.yaml');
    await writeFile(insecure, kubeconfig({ 'insecure-skip-tls-verify': true }));
    const refused = (() => {
      try {
        loadKubeConfig({ kubeconfig: insecure }, {});
      } catch (e) {
        return e as { failureClass?: string; message: string };
      }
    })();
    expect(refused?.failureClass).toBe('input');
    expect(refused?.message).toBe(
      "kubeconfig cluster c sets insecure-skip-tls-verify: true; the harness verifies the API server's TLS certificate: give the cluster's CA (certificate-authority-data), or set UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY=1 to accept an unverified connection",
    );
    const plain = join(dir, 'plain-http.yaml');
    await writeFile(plain, kubeconfig({ server: 'http://127.0.0.1:1' }));
    expect(() => loadKubeConfig({ kubeconfig: plain }, {})).toThrow(/serves plain HTTP \(http:\/\/127\.0\.0\.1:1\); the harness verifies/);
    const lines: string[] = [];
    const err = process.stderr.write;
    process.stderr.write = ((l: string) => lines.push(l)) as never;
    try {
      const kc = loadKubeConfig({ kubeconfig: insecure }, { UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY: '1' });
      expect(skipsTlsVerify(kc.getCurrentCluster(), { UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY: '1' })).toBe(true);
      expect(skipsTlsVerify(kc.getCurrentCluster(), {})).toBe(false);
    } finally {
      process.stderr.write = err;
    }
    expect(lines).toEqual(['kubeconfig cluster c sets insecure-skip-tls-verify: true: TLS is NOT verified because UNIDESK_CI_KUBE_INSECURE_SKIP_TLS_VERIFY is set\n']);
  });
});

describe('tokens are registered for redaction', () => {
  test('the in-cluster service-account token (read from its file) is redacted', async () => {
    const root = join(dir, 'pod');
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    await mkdir(sa, { recursive: true });
    const token = 'eyJhbGciOiJSUzI1NiJ9.in-cluster-sa-token-value.sig';
    await writeFile(join(sa, 'token'), `${token}\n`);
    await writeFile(join(sa, 'namespace'), 'unidesk-ci');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    Object.assign(process.env, { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443' });
    try {
      expect(redact(`token ${token}`)).toBe(`token ${token}`);
      loadKubeConfig({}, { KUBERNETES_SERVICE_HOST: '127.0.0.1' }, root);
      expect(redact(`token ${token} or ${encodeURIComponent(token)}`)).toBe('token *** or ***');
    } finally {
      for (const [k, v] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  test('a bearer token sent on a request (tokenFile user, e.g. rotated) is redacted', async () => {
    const token = 'rotated-token-from-a-token-file-1234';
    await writeFile(join(dir, 'tf'), token);
    const file = join(dir, 'tokenfile.kubeconfig');
    await writeFile(
      file,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
users: [{name: u, user: {auth-provider: {name: tokenFile, config: {tokenFile: ${JSON.stringify(join(dir, 'tf'))}}}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const kc = loadKubeConfig({ kubeconfig: file });
    expect(redact(token)).toBe(token);
    await kc.applySecurityAuthentication(new k8s.RequestContext('https://127.0.0.1:1/api', k8s.HttpMethod.GET));
    expect(redact(`Bearer ${token}`)).not.toContain(token);
  });
});

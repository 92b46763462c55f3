// A production-looking kubeconfig context or server is refused where the kubeconfig is loaded.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadKubeConfig } from '../../harness/kube/client.ts';
import { checkContext } from '../../harness/kube/context-policy.ts';
import { loadConfig, parseVariables } from '../../harness/config.ts';

const dir = await mkdtemp(join(tmpdir(), 'kube-context-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function kubeconfig(context: string, server: string): Promise<string> {
  const file = join(dir, `${context}.yaml`);
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: '${server}', certificate-authority-data: ''}}]
users: [{name: u, user: {token: t0k3n-context-test}}]
contexts: [{name: ${context}, context: {cluster: c, user: u}}]
current-context: ${context}
`,
  );
  return file;
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return { class: (e as { failureClass?: string }).failureClass, message: (e as Error).message };
  }
  return undefined;
};

describe('kubeconfig context policy', () => {
  test('a production-looking context is refused by default, saying how to allow it', async () => {
    const file = await kubeconfig('d601-PROD', 'https://10.0.0.1:6443');
    expect(refusal(() => loadKubeConfig({ kubeconfig: file }, {}))).toEqual({
      class: 'input',
      message: 'kubeconfig context d601-PROD matches UNIDESK_CI_KUBE_DENY_PATTERN /prod/i and looks like production: refused; name the context in UNIDESK_CI_ALLOWED_CONTEXTS to use it anyway',
    });
    expect(() => loadKubeConfig({ kubeconfig: file }, { UNIDESK_CI_ALLOWED_CONTEXTS: 'lab, d601-PROD' })).not.toThrow();
  });

  test('a production-looking server host is refused too', () => {
    expect(refusal(() => checkContext('d601', 'https://k3s.prod.example:6443', {}))?.message).toMatch(
      /^kubeconfig server host k3s\.prod\.example \(context d601\) matches UNIDESK_CI_KUBE_DENY_PATTERN/,
    );
  });

  test('the lab and an ordinary context are allowed; the pattern is configurable', async () => {
    const file = await kubeconfig('lab', 'https://127.0.0.1:6443');
    expect(() => loadKubeConfig({ kubeconfig: file }, {})).not.toThrow();
    expect(() => checkContext('default', 'https://127.0.0.1:6443', {})).not.toThrow();
    expect(refusal(() => checkContext('lab', 'https://127.0.0.1:6443', { UNIDESK_CI_KUBE_DENY_PATTERN: '^lab$' }))?.message).toMatch(/context lab matches UNIDESK_CI_KUBE_DENY_PATTERN \/\^lab\$\/i/);
  });

  test('with UNIDESK_CI_ALLOWED_CONTEXTS set, any other context is refused', () => {
    expect(refusal(() => checkContext('default', 'https://127.0.0.1:6443', { UNIDESK_CI_ALLOWED_CONTEXTS: 'lab,d601' }))).toEqual({
      class: 'input',
      message: 'kubeconfig context default is not in UNIDESK_CI_ALLOWED_CONTEXTS (lab, d601): the harness only uses the contexts listed there',
    });
  });

  test('an invalid deny pattern is input, in the run configuration and at load', () => {
    expect(refusal(() => loadConfig({ UNIDESK_CI_KUBE_DENY_PATTERN: '(' }))?.message).toContain('UNIDESK_CI_KUBE_DENY_PATTERN="(": expected a regular expression');
    expect(refusal(() => checkContext('lab', 'https://127.0.0.1', { UNIDESK_CI_KUBE_DENY_PATTERN: '(' }))?.class).toBe('input');
    expect(parseVariables({}).UNIDESK_CI_KUBE_DENY_PATTERN).toBe('prod');
  });
});

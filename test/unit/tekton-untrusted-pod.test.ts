// The lab's Tekton gives a TaskRun pod what a node gives it: no ServiceAccount token when the
// ServiceAccount says automountServiceAccountToken: false, and Secret workspace files with the
// binding's defaultMode (0400 keeps them from another uid of the pod), 0644 by default.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { automountsToken } from '../../fixtures/lab/cluster/controllers/tekton/service-account.ts';
import { prepareWorkspaces } from '../../fixtures/lab/cluster/controllers/tekton/workspaces.ts';
import type { ClusterState } from '../../fixtures/lab/cluster/state.ts';

const objects: Record<string, unknown> = {
  '/serviceaccounts unidesk-ci/unidesk-ci-repo-check': { automountServiceAccountToken: false },
  '/serviceaccounts unidesk-ci/unidesk-ci-runner': {},
  '/secrets unidesk-ci/creds': { data: { username: Buffer.from('bot').toString('base64'), password: Buffer.from('pw').toString('base64') } },
};
const st = { storage: { get: (key: string, ns: string, name: string) => objects[`${key} ${ns}/${name}`] } } as unknown as ClusterState;
const dir = mkdtempSync(join(tmpdir(), 'tekton-untrusted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("automountServiceAccountToken: the pod's choice, else the ServiceAccount's, else mounted", () => {
  expect(automountsToken(st, 'unidesk-ci', 'unidesk-ci-repo-check')).toBe(false);
  expect(automountsToken(st, 'unidesk-ci', 'unidesk-ci-runner')).toBe(true);
  expect(automountsToken(st, 'unidesk-ci', 'default')).toBe(true);
  expect(automountsToken(st, 'unidesk-ci', 'unidesk-ci-repo-check', true)).toBe(true);
  expect(automountsToken(st, 'unidesk-ci', 'unidesk-ci-runner', false)).toBe(false);
});

test("a Secret workspace's files take defaultMode (0644 without), an item its own mode", async () => {
  const spec = { workspaces: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
  const vars = await prepareWorkspaces(
    st,
    'unidesk-ci',
    dir,
    spec as never,
    [
      { name: 'a', secret: { secretName: 'creds', defaultMode: 0o400 } },
      { name: 'b', secret: { secretName: 'creds' } },
      { name: 'c', secret: { secretName: 'creds', defaultMode: 0o400, items: [{ key: 'password', path: 'pw', mode: 0o440 }] } },
    ] as never,
  );
  const mode = (w: string, f: string) => statSync(join(String(vars.get(`workspaces.${w}.path`)), f)).mode & 0o777;
  expect([mode('a', 'password'), mode('a', 'username')]).toEqual([0o400, 0o400]);
  expect(mode('b', 'password')).toBe(0o644);
  expect(mode('c', 'pw')).toBe(0o440);
});

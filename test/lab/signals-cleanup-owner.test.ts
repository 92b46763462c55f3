// The cleanup owner on its own: what it deletes from a ledger (only this run's objects, by uid or
// label, only in unidesk-ci or as the run's own namespace), and its process: released on a normal
// end it deletes nothing; when the process that started it dies (SIGKILL) it deletes the ledger's objects.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sweepLedger } from '../../harness/cleanup/sweep.ts';
import type { LedgerItem } from '../../harness/cleanup/ledger.ts';
import { configMap, namespace, startKubeLab, type KubeLab } from './kube/support.ts';

let lab: KubeLab & AsyncDisposable;
let dir: string;
beforeAll(async () => {
  lab = await startKubeLab();
  dir = await mkdtemp(join(tmpdir(), 'cleanup-owner-'));
  await lab.adminApply(namespace('unidesk-ci'));
});
afterAll(async () => {
  await lab?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

const RUN = { 'unidesk.ai/ci-run': 'own-run' };
const live = (kind: string, name: string, ns?: string) => lab.double.objects().find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);
const cm = (name: string, ns: string | undefined, labels?: Record<string, string>) => ({ ...configMap(name, ns), metadata: { name, namespace: ns, labels } });

describe('sweepLedger', () => {
  test("deletes this run's objects only: uid and label checked, only in unidesk-ci or as its own namespace", async () => {
    await lab.adminApply(cm('mine', 'unidesk-ci', RUN));
    await lab.adminApply(cm('replaced', 'unidesk-ci', RUN));
    await lab.adminApply(cm('foreign', 'unidesk-ci', { 'unidesk.ai/ci-run': 'other-run' }));
    await lab.adminApply(cm('unlabelled', 'unidesk-ci'));
    await lab.adminApply(cm('elsewhere', 'default', RUN));
    await lab.adminApply(namespace('unidesk-ci-e2e-own-run', RUN));
    await lab.adminApply(namespace('unidesk-ci-e2e-other', RUN));
    const ref = (kind: string, name: string, ns?: string) => ({ apiVersion: 'v1', kind, name, ...(ns ? { namespace: ns } : {}) });
    const items: LedgerItem[] = [
      { ref: ref('Namespace', 'unidesk-ci-e2e-own-run'), runId: 'own-run', uid: live('Namespace', 'unidesk-ci-e2e-own-run')!.metadata.uid },
      { ref: ref('Namespace', 'unidesk-ci-e2e-other'), runId: 'own-run' },
      { ref: ref('ConfigMap', 'mine', 'unidesk-ci'), runId: 'own-run', uid: live('ConfigMap', 'mine', 'unidesk-ci')!.metadata.uid },
      { ref: ref('ConfigMap', 'replaced', 'unidesk-ci'), runId: 'own-run', uid: 'a-uid-from-before' },
      { ref: ref('ConfigMap', 'foreign', 'unidesk-ci'), runId: 'own-run' },
      { ref: ref('ConfigMap', 'unlabelled', 'unidesk-ci'), runId: 'own-run' },
      { ref: ref('ConfigMap', 'elsewhere', 'default'), runId: 'own-run' },
      { ref: ref('ConfigMap', 'mine', 'unidesk-ci'), runId: 'other-run' },
    ];
    const since = Math.max(0, ...lab.double.requests().map((r) => r.seq));
    const outcomes = await sweepLedger(lab.kube('own-run'), items, { timeoutMs: 30_000 });
    expect(Object.fromEntries(outcomes)).toEqual({
      'ConfigMap default/elsewhere': 'refused',
      'ConfigMap unidesk-ci/unlabelled': 'foreign',
      'ConfigMap unidesk-ci/foreign': 'foreign',
      'ConfigMap unidesk-ci/replaced': 'foreign',
      // (the other run's entry is refused; then this run's own entry for it deletes it)
      'ConfigMap unidesk-ci/mine': 'deleted',
      'Namespace unidesk-ci-e2e-other': 'refused',
      'Namespace unidesk-ci-e2e-own-run': 'deleted',
    });
    const deletes = lab.double
      .requests(since)
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.path.split('?')[0]);
    expect(deletes).toEqual(['/api/v1/namespaces/unidesk-ci/configmaps/mine', '/api/v1/namespaces/unidesk-ci-e2e-own-run']);
    for (const [name, ns] of [
      ['replaced', 'unidesk-ci'],
      ['foreign', 'unidesk-ci'],
      ['unlabelled', 'unidesk-ci'],
      ['elsewhere', 'default'],
    ])
      expect(live('ConfigMap', name!, ns), name).toBeDefined();
    expect(live('Namespace', 'unidesk-ci-e2e-other')).toBeDefined();
  });
});

describe('the cleanup owner process', () => {
  async function runChild(runId: string, end: 'release' | 'die'): Promise<string> {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'signals-owner-child.ts'), lab.double.kubeconfigPath, runId, join(dir, runId), end], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    const exit = await new Promise<string | number | null>((res) => child.on('exit', (code, sig) => res(sig ?? code)));
    expect(exit, out).toBe(end === 'release' ? 0 : 'SIGKILL');
    let log = '';
    for (const start = Date.now(); !/cleanup owner: (done|released)/.test(log) && Date.now() - start < 60_000; ) {
      await new Promise((r) => setTimeout(r, 100));
      log = await readFile(join(dir, runId, 'child.owner.log'), 'utf8').catch(() => '');
    }
    return log;
  }

  test('released on a normal end: it deletes nothing', async () => {
    const log = await runChild('owner-release', 'release');
    expect(log).toMatch(/cleanup owner: released: the run cleaned up itself; nothing deleted/);
    expect(live('ConfigMap', 'work-owner-release', 'unidesk-ci')).toBeDefined();
  });

  test('its starter SIGKILLed: it deletes what the ledger holds, then exits', async () => {
    const log = await runChild('owner-die', 'die');
    expect(log).toMatch(/cleanup owner: Vitest ended without releasing: 1 object\(s\) in the ledger/);
    expect(log).toMatch(/cleanup owner: ConfigMap unidesk-ci\/work-owner-die: deleted/);
    expect(log).toMatch(/cleanup owner: done/);
    expect(live('ConfigMap', 'work-owner-die', 'unidesk-ci')).toBeUndefined();
  });
});

// Child process of signals-cleanup-owner.test.ts, standing in for a Vitest main process: starts
// the cleanup owner, claims a ConfigMap in unidesk-ci (ledger: intent, then uid), then either
// releases the owner and exits (a normal end) or SIGKILLs itself (a death without any teardown).
import { startCleanupOwner } from '../../harness/cleanup/owner.ts';
import { LEDGER_ENV } from '../../harness/cleanup/ledger.ts';
import { connectKube } from '../../harness/kube/index.ts';
import { claimObject } from '../../harness/kube/owned.ts';

const [kubeconfig, runId, dir, end] = process.argv.slice(2) as [string, string, string, 'release' | 'die'];
const owner = await startCleanupOwner({ dir, gate: 'child', env: { ...process.env, UNIDESK_CI_KUBECONFIG: kubeconfig, UNIDESK_CI_RUN_ID: runId } });
process.env[LEDGER_ENV] = owner.ledger;
const kube = connectKube({ kubeconfig, runId, log: (l) => console.log(l) });
const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `work-${runId}`, namespace: 'unidesk-ci', labels: { 'unidesk.ai/ci-run': runId } }, data: { a: '1' } };
await claimObject(kube, cm, 'busy');
if (end === 'release') {
  await owner.release();
  process.exit(0);
}
process.kill(process.pid, 'SIGKILL');

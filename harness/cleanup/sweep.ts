// What the cleanup owner deletes: the ledger's objects of this run, newest first, each only if the
// live object is this run's — its uid when the ledger has one, else its ci-run label — and only in
// unidesk-ci or as this run's own namespace unidesk-ci-e2e-<run-id> (the write guard checks again).
import { CI_NAMESPACE } from '../config.ts';
import { describeRef } from '../kube/objects.ts';
import { runNamespaceName } from '../kube/guard.ts';
import type { Kube } from '../kube/kube.ts';
import { deleteOwned, type DeleteOwnedResult } from '../kube/owned.ts';
import type { LedgerItem } from './ledger.ts';

export type SweepOutcome = DeleteOwnedResult | 'refused';

/** Never throws: each object's outcome (or error) is logged and returned. */
export async function sweepLedger(kube: Kube, items: readonly LedgerItem[], o: { timeoutMs: number }): Promise<Map<string, SweepOutcome | Error>> {
  const out = new Map<string, SweepOutcome | Error>();
  for (const item of [...items].reverse()) {
    const what = describeRef(item.ref);
    const outcome = await sweepOne(kube, item, o.timeoutMs).catch((e: Error) => e);
    kube.log(`cleanup owner: ${what}: ${outcome instanceof Error ? `not deleted: ${outcome.message}` : outcome}`);
    out.set(what, outcome);
  }
  return out;
}

async function sweepOne(kube: Kube, item: LedgerItem, timeoutMs: number): Promise<SweepOutcome> {
  const { ref } = item;
  const isOwnNamespace = ref.apiVersion === 'v1' && ref.kind === 'Namespace' && !ref.namespace && ref.name === runNamespaceName(kube.runId);
  // another run's entry (a shared ledger path) or anything outside the two allowed places: never
  if (item.runId !== kube.runId || !(isOwnNamespace || ref.namespace === CI_NAMESPACE)) return 'refused';
  return deleteOwned(kube, ref, { timeoutMs, uid: item.uid });
}

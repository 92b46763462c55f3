// The cleanup ledger: one JSON line per object a run creates, written *before* the create request
// (its intent) and after it (its uid). The cleanup owner (owner-process.ts) reads it when the
// Vitest main process dies without releasing it. Appended synchronously, so an entry is on disk
// before the request that it announces is sent, also from a worker that dies a moment later.
import { appendFileSync, readFileSync } from 'node:fs';
import { describeRef, type ObjectRef } from '../kube/objects.ts';

/** Path of this run's ledger, set by global setup for itself and its workers. */
export const LEDGER_ENV = 'UNIDESK_CI_CLEANUP_LEDGER';

type Line = { op: 'intent'; ref: ObjectRef; runId: string } | { op: 'created'; ref: ObjectRef; runId: string; uid: string };

/** One object of the ledger: `uid` is absent when only the intent was recorded. */
export type LedgerItem = { ref: ObjectRef; runId: string; uid?: string };

function append(line: Line, path = process.env[LEDGER_ENV]): void {
  if (path) appendFileSync(path, `${JSON.stringify(line)}\n`);
}

export function recordIntent(ref: ObjectRef, runId: string, path?: string): void {
  append({ op: 'intent', ref, runId }, path);
}

export function recordCreated(ref: ObjectRef, runId: string, uid: string | undefined, path?: string): void {
  if (uid) append({ op: 'created', ref, runId, uid }, path);
}

/** Items in order of first intent; a torn last line (writer killed mid-write) is ignored. */
export function readLedger(path: string): LedgerItem[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const items = new Map<string, LedgerItem>();
  for (const raw of text.split('\n')) {
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue;
    }
    const key = `${line.ref.apiVersion} ${describeRef(line.ref)}`;
    const item = items.get(key) ?? { ref: line.ref, runId: line.runId };
    if (line.op === 'created') item.uid = line.uid;
    items.set(key, item);
  }
  return [...items.values()];
}

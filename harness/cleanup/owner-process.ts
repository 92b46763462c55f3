// The cleanup owner's own process (started by owner.ts, outside Vitest's process tree and session).
// It holds the read end of a pipe whose write end only the Vitest main process has: "release"
// on it means the run cleaned up itself; end of file without it means Vitest died (SIGTERM,
// SIGINT, a crash) — then it deletes the ledger's objects of this run and exits. Signals do not
// stop it: a TERM meant for the gate is exactly when it has work to do (a pod's SIGKILL bounds it).
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeRef } from '../kube/objects.ts';
import { LEDGER_ENV, readLedger } from './ledger.ts';

/** A dying worker's create request may still land: read the ledger and the cluster after this. */
const SETTLE_MS = 500;
/** Then look once more, for a create that landed after the first look. */
const RECHECK_MS = 3000;

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
const ledger = process.env[LEDGER_ENV];
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => log(`cleanup owner: ${s} ignored: it acts when Vitest has ended`));

let said = '';
const pipe = new Socket({ fd: 3, readable: true, writable: false });
pipe.on('data', (c: Buffer) => void (said += c.toString()));
pipe.on('error', () => undefined); // a reset is an end like any other
pipe.on(
  'close',
  () =>
    void finish().then(
      () => process.exit(0),
      (e: Error) => (log(`cleanup owner: ${e.message}`), process.exit(1)),
    ),
);
log(`cleanup owner: watching Vitest (pid ${process.env.UNIDESK_CI_CLEANUP_WATCHED_PID}), ledger ${ledger}`);

async function finish(): Promise<void> {
  if (said.includes('release')) return log('cleanup owner: released: the run cleaned up itself; nothing deleted');
  if (!ledger) return log(`cleanup owner: Vitest ended, but no ${LEDGER_ENV}: nothing to delete`);
  await sleep(SETTLE_MS);
  const first = readLedger(ledger);
  log(`cleanup owner: Vitest ended without releasing: ${first.length} object(s) in the ledger`);
  if (!first.length) return log('cleanup owner: done');
  // only now: loading the Kubernetes client costs most of a second
  const { loadConfig } = await import('../config.ts');
  const { kubeForRun } = await import('../kube/kube.ts');
  const { sweepLedger } = await import('./sweep.ts');
  const kube = kubeForRun(loadConfig(process.env), log);
  const done = await sweepLedger(kube, first, { timeoutMs: 120_000 });
  await sleep(RECHECK_MS);
  const again = readLedger(ledger).filter((i) => {
    const r = done.get(describeRef(i.ref));
    return r === undefined || r === 'absent' || r instanceof Error;
  });
  if (again.length) await sweepLedger(kube, again, { timeoutMs: 120_000 });
  log('cleanup owner: done');
}

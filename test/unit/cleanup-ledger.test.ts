// The cleanup ledger: intent and uid lines merge per object in order of first intent; a line torn
// by a writer killed mid-write is ignored; without a ledger path nothing is written.
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LEDGER_ENV, readLedger, recordCreated, recordIntent } from '../../harness/cleanup/ledger.ts';

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'ledger-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'code-queue-ci-read', namespace: 'unidesk-ci' };
const ns = { apiVersion: 'v1', kind: 'Namespace', name: 'unidesk-ci-e2e-r1' };

test('intent then uid, per object, in order of first intent; a torn last line is ignored', async () => {
  const path = join(dir, 'a.jsonl');
  recordIntent(ns, 'r1', path);
  recordIntent(deploy, 'r1', path);
  recordCreated(ns, 'r1', 'uid-ns', path);
  recordCreated(deploy, 'r1', undefined, path); // no uid in the answer: stays known by intent only
  await appendFile(path, '{"op":"created","ref":{"apiVersion":"apps/v1","kind":"Depl');
  expect(readLedger(path)).toEqual([
    { ref: ns, runId: 'r1', uid: 'uid-ns' },
    { ref: deploy, runId: 'r1' },
  ]);
});

test('a missing ledger reads as empty; without a path (env unset) nothing is written', async () => {
  expect(readLedger(join(dir, 'absent.jsonl'))).toEqual([]);
  const saved = process.env[LEDGER_ENV];
  delete process.env[LEDGER_ENV];
  try {
    recordIntent(deploy, 'r1');
    process.env[LEDGER_ENV] = join(dir, 'b.jsonl');
    recordIntent(deploy, 'r2');
    expect(JSON.parse(await readFile(join(dir, 'b.jsonl'), 'utf8'))).toEqual({ op: 'intent', ref: deploy, runId: 'r2' });
    expect((await readdir(dir)).sort()).toEqual(['a.jsonl', 'b.jsonl']); // the r1 intent went nowhere
  } finally {
    if (saved === undefined) delete process.env[LEDGER_ENV];
    else process.env[LEDGER_ENV] = saved;
  }
});

// The perf probe and task discovery against the real Code Queue over the lab's PostgreSQL:
// one reused connection, TTFB before total, bytes as sent, discovery skipping the newest tasks
// without steps, a clear `input` error when no task has steps, failures recorded (not thrown).
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../fixtures/lab/index.ts';
import { createDatabase } from '../../fixtures/lab/postgres/cluster.ts';
import { startCodeQueue, type CodeQueue } from '../../fixtures/code-queue/server.ts';
import { loadSettings } from '../../fixtures/code-queue/settings.ts';
import { seed } from '../../fixtures/code-queue/seed.ts';
import { createProbe } from '../../harness/perf/probe.ts';
import { discoverTraceTask } from '../../harness/perf/discovery.ts';
import { directTransport } from '../../harness/perf/transport.ts';
import { CiError } from '../../harness/failure.ts';

let lab: Lab;
let cq: CodeQueue;
let dir: string;
const faults = () => join(dir, 'faults.json');

beforeAll(async () => {
  lab = await startLab({ services: ['postgres'], log: () => undefined });
  dir = await mkdtemp(join(tmpdir(), 'cq-probe-'));
  cq = await startCodeQueue(loadSettings({ CODE_QUEUE_SERVICE_ROLE: 'read', DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL, PORT: '0', CODE_QUEUE_FAULTS_FILE: faults() }));
});
afterAll(async () => {
  await cq?.close();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('perf probe', () => {
  test('one connection reused for every sample; TTFB ≤ total; bytes = body length', async () => {
    await using probe = createProbe(directTransport(cq.url), { requestTimeoutMs: 30_000 });
    const samples = [];
    for (let i = 0; i < 12; i++) samples.push(await probe.sample('overview', '/api/tasks/overview', { index: i, cold: i === 0, keepBody: true }));
    expect(probe.connections()).toBe(1);
    expect(samples.map((s) => s.newConnection)).toEqual([true, ...Array(11).fill(false)]);
    for (const s of samples) {
      expect(s.status).toBe(200);
      expect(s.ttfbMs!).toBeGreaterThan(0);
      expect(s.ttfbMs!).toBeLessThanOrEqual(s.totalMs!);
      expect(s.bytes).toBe(Buffer.byteLength(s.body!));
    }
  });

  test('a 500 and a refused connection are recorded as failed samples, not thrown', async () => {
    await writeFile(faults(), JSON.stringify({ 'trace-summary': { status: 500 } }));
    try {
      await using probe = createProbe(directTransport(cq.url), { requestTimeoutMs: 30_000 });
      const s = await probe.sample('trace-summary', '/api/tasks/1/trace-summary', { index: 0, cold: false });
      expect(s).toMatchObject({ status: 500, error: expect.stringMatching(/^HTTP 500: .*injected/) });
    } finally {
      await writeFile(faults(), '{}');
    }
    await using dead = createProbe(directTransport('http://127.0.0.1:1'), { requestTimeoutMs: 5_000 });
    const s = await dead.sample('overview', '/api/tasks/overview', { index: 0, cold: true });
    expect(s).toMatchObject({ status: null, totalMs: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  test('a request slower than the timeout becomes a failed sample naming the timeout', async () => {
    await writeFile(faults(), JSON.stringify({ overview: { latencyMs: 1500 } }));
    try {
      await using probe = createProbe(directTransport(cq.url), { requestTimeoutMs: 300 });
      const s = await probe.sample('overview', '/api/tasks/overview', { index: 0, cold: false });
      expect(s).toMatchObject({ totalMs: null, error: 'no complete answer within 300 ms' });
    } finally {
      await writeFile(faults(), '{}');
    }
  });
});

describe('task discovery', () => {
  test('skips the newest tasks without persisted steps, page by page', async () => {
    await using probe = createProbe(directTransport(cq.url), { requestTimeoutMs: 30_000 });
    const lines: string[] = [];
    const t = await discoverTraceTask(probe, { pageSize: 25, log: (l) => lines.push(l) });
    // the lab seeds 3000 tasks; the newest 60 have no steps → page 3 of 25 holds the first traced task
    expect(t).toMatchObject({ taskId: 2940, pages: 3, scanned: 75 });
    expect(t.stepCount).toBeGreaterThan(0);
    expect(lines.filter((l) => /none of 25 tasks has trace steps/.test(l))).toHaveLength(2);
  });

  test('no task with steps → an input error naming how much was scanned', async () => {
    await createDatabase(lab.env.LAB_POSTGRES_URL, 'cq_nosteps', 'code_queue', new URL(lab.env.LAB_CODE_QUEUE_DATABASE_URL).password);
    const url = new URL(lab.env.LAB_CODE_QUEUE_DATABASE_URL);
    url.pathname = '/cq_nosteps';
    const db = new pg.Pool({ connectionString: url.href, max: 1 });
    await seed(db, { tasks: 120, stepsPerTask: 0 });
    await db.end();
    await using empty = await startCodeQueue(loadSettings({ CODE_QUEUE_SERVICE_ROLE: 'read', DATABASE_URL: url.href, PORT: '0' }));
    await using probe = createProbe(directTransport(empty.url), { requestTimeoutMs: 30_000 });
    const err = await discoverTraceTask(probe, { pageSize: 50, maxPages: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(CiError);
    expect(err.failureClass).toBe('input');
    expect(err.message).toMatch(/none of the 120 most recent tasks has persisted trace steps/);
  });

  test('the bound holds: more tasks without steps than maxPages·pageSize → input error', async () => {
    await using probe = createProbe(directTransport(cq.url), { requestTimeoutMs: 30_000 });
    await expect(discoverTraceTask(probe, { pageSize: 10, maxPages: 3 })).rejects.toThrow(/none of the 30 most recent tasks .*at most 3 pages of 10/);
  });
});

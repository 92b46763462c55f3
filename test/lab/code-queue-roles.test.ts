// The reference Code Queue against the lab's real PostgreSQL: the read role answers the read API
// (checked with the shared zod schemas) and refuses every write, schedules, notifies, backfills
// and exports nothing even with every flag on; the write/scheduler roles do all of it (so the
// read-role checks can fail); a bad environment exits with every bad variable named.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../fixtures/lab/index.ts';
import { startCodeQueue, type CodeQueue } from '../../fixtures/code-queue/server.ts';
import { loadSettings } from '../../fixtures/code-queue/settings.ts';
import * as schema from '../../harness/perf/code-queue-api.ts';

let lab: Lab;
let dir: string;
let sink: http.Server;
let sinkUrl: string;
const received: string[] = [];
const started: CodeQueue[] = [];

beforeAll(async () => {
  lab = await startLab({ services: ['postgres'], log: () => undefined });
  dir = await mkdtemp(join(tmpdir(), 'cq-roles-'));
  // one local HTTP server stands in for both the ClaudeQQ notifier and the OA Event Flow
  sink = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(req.url === '/oa' ? JSON.stringify([{ title: 'from OA', repo: 'unidesk/oa' }]) : '{}');
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of started) await c.close();
  sink?.close();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function service(role: string, flags: 'true' | 'false', extra: Record<string, string> = {}): Promise<CodeQueue> {
  const cq = await startCodeQueue(
    loadSettings({
      CODE_QUEUE_SERVICE_ROLE: role,
      DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL,
      PORT: '0',
      CODE_QUEUE_SCHEDULER_ENABLED: flags,
      CODE_QUEUE_STARTUP_OA_BACKFILL_ENABLED: flags,
      CODE_QUEUE_NOTIFY_CLAUDEQQ_ENABLED: flags,
      CODE_QUEUE_CODEX_SQLITE_LOG_EXPORT_ENABLED: flags,
      CODE_QUEUE_NOTIFY_URL: `${sinkUrl}/notify`,
      CODE_QUEUE_OA_EVENT_FLOW_URL: `${sinkUrl}/oa`,
      CODE_QUEUE_LOG_DIR: join(dir, `${role}-log`),
      CODE_QUEUE_STATE_DIR: join(dir, `${role}-state`),
      CODE_QUEUE_SCHEDULER_INTERVAL_MS: '50',
      ...extra,
    }),
  );
  started.push(cq);
  return cq;
}

async function counts(): Promise<{ tasks: number; steps: number; queued: number }> {
  const c = new pg.Client({ connectionString: lab.env.LAB_CODE_QUEUE_DATABASE_URL });
  await c.connect();
  try {
    const r = await c.query(`SELECT (SELECT count(*) FROM tasks)::int AS tasks, (SELECT count(*) FROM trace_steps)::int AS steps, (SELECT count(*) FROM tasks WHERE status = 'queued')::int AS queued`);
    return r.rows[0];
  } finally {
    await c.end();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const getJson = async (base: string, path: string): Promise<{ status: number; body: any }> => {
  const r = await fetch(base + path);
  return { status: r.status, body: await r.json() };
};

describe('Code Queue read role', () => {
  test('answers the read API with bodies that match the shared schemas', async () => {
    const cq = await service('read', 'false');
    const overview = await getJson(cq.url, '/api/tasks/overview');
    expect(overview.status).toBe(200);
    expect(schema.overviewResponse.parse(overview.body).tasks).toHaveLength(50);
    const page = schema.taskPageResponse.parse((await getJson(cq.url, '/api/tasks?limit=20')).body);
    expect(page.tasks[0].traceStepCount).toBe(0); // the newest tasks have no persisted steps
    const withSteps = (await getJson(cq.url, '/api/tasks?limit=200')).body.tasks.find((t: schema.TaskSummary) => t.traceStepCount > 0);
    const id = withSteps.id;
    expect(schema.traceSummaryResponse.parse((await getJson(cq.url, `/api/tasks/${id}/trace-summary`)).body).stepCount).toBe(withSteps.traceStepCount);
    expect(schema.traceStepsResponse.parse((await getJson(cq.url, `/api/tasks/${id}/trace-steps`)).body).steps).toHaveLength(withSteps.traceStepCount);
    expect(schema.traceStepResponse.parse((await getJson(cq.url, `/api/tasks/${id}/trace-step?seq=2`)).body).step.seq).toBe(2);
    expect((await getJson(cq.url, '/api/tasks/999999/trace-summary')).status).toBe(404);
    expect((await getJson(cq.url, `/api/tasks/${id}/trace-step`)).status).toBe(400);
    expect((await getJson(cq.url, '/api/tasks?limit=0')).status).toBe(400);
  });

  test('with every flag true it still refuses writes and schedules, notifies, backfills, exports nothing', async () => {
    const before = await counts();
    received.length = 0;
    const cq = await service('read', 'true');
    const create = await fetch(`${cq.url}/api/tasks`, { method: 'POST', body: JSON.stringify({ title: 'x', repo: 'y' }) });
    expect(create.status).toBe(403);
    expect(schema.errorResponse.parse(await create.json())).toMatchObject({ code: 'read-only' });
    const append = await fetch(`${cq.url}/api/tasks/1/trace-steps`, { method: 'POST', body: '{}' });
    expect(append.status).toBe(403);
    await new Promise((r) => setTimeout(r, 500)); // ten scheduler intervals
    const health = (await getJson(cq.url, '/healthz')).body;
    expect(health.active).toEqual({ writes: false, scheduler: false, backfill: false, notify: false, logExport: false });
    expect(health.counters).toMatchObject({ scheduled: 0, backfilled: 0, notified: 0, exported: 0, refusedWrites: 2 });
    expect(await counts()).toEqual(before);
    expect(received).toEqual([]);
    expect(existsSync(join(dir, 'read-log'))).toBe(false);
  });
});

describe('Code Queue write and scheduler roles (the same checks can fail)', () => {
  test('the write role writes, notifies and exports', async () => {
    const before = await counts();
    received.length = 0;
    const cq = await service('write', 'true');
    const create = await fetch(`${cq.url}/api/tasks`, { method: 'POST', body: JSON.stringify({ title: 'x', repo: 'y' }) });
    expect(create.status).toBe(201);
    const { id } = (await create.json()) as { id: number };
    expect((await fetch(`${cq.url}/api/tasks/${id}/trace-steps`, { method: 'POST', body: '{"k":1}' })).status).toBe(201);
    expect((await fetch(`${cq.url}/api/tasks`, { method: 'POST', body: '{"title":""}' })).status).toBe(400);
    expect((await counts()).tasks).toBe(before.tasks + 1);
    expect(received).toContain('POST /notify');
    expect(existsSync(join(dir, 'write-log', 'codex-export.jsonl'))).toBe(true);
  });

  test('the scheduler role backfills from the OA Event Flow and schedules queued tasks', async () => {
    const before = await counts();
    const cq = await service('scheduler', 'true');
    expect(received).toContain('GET /oa');
    const deadline = Date.now() + 30_000;
    while (cq.counters.scheduled < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(cq.counters.backfilled).toBe(1);
    expect(cq.counters.scheduled).toBeGreaterThanOrEqual(3);
    expect((await counts()).queued).toBeLessThan(before.queued + 1);
  });
});

describe('Code Queue environment and fault injection', () => {
  test('a bad environment exits 2 naming every bad variable', () => {
    const main = join(import.meta.dirname, '../../fixtures/code-queue/main.ts');
    const r = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, CODE_QUEUE_SERVICE_ROLE: 'admin', DATABASE_URL: 'mysql://x', CODE_QUEUE_SCHEDULER_ENABLED: 'maybe' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CODE_QUEUE_SERVICE_ROLE/);
    expect(r.stderr).toMatch(/DATABASE_URL: a postgres:\/\/ URL/);
    expect(r.stderr).toMatch(/CODE_QUEUE_SCHEDULER_ENABLED/);
  });

  test('latency and status can be injected per endpoint, re-read on every request', async () => {
    const { writeFile } = await import('node:fs/promises');
    const faults = join(dir, 'faults.json');
    const cq = await service('read', 'false', { CODE_QUEUE_FAULTS_FILE: faults });
    const time = async (path: string) => {
      const t0 = performance.now();
      const r = await fetch(cq.url + path);
      await r.text();
      return { ms: performance.now() - t0, status: r.status };
    };
    await writeFile(faults, JSON.stringify({ overview: { latencyMs: 300 }, 'trace-summary': { status: 503 } }));
    expect((await time('/api/tasks/overview')).ms).toBeGreaterThanOrEqual(300);
    expect((await time('/api/tasks/10/trace-summary')).status).toBe(503);
    await writeFile(faults, '{}');
    expect((await time('/api/tasks/10/trace-summary')).status).toBe(200);
    await writeFile(faults, '{"overview": {"latencyMs": "slow"}}');
    expect((await time('/api/tasks/overview')).status).toBe(500);
  });
});

// The lab pieces Code Queue stands on: the lab's PostgreSQL (loopback only, passwords redacted,
// nothing left behind) and the pod runners the cluster double uses for `unidesk-code-queue:*`
// and `postgres:*` (the pod's environment honoured, output captured as the pod log, stopped by PID).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../fixtures/lab/index.ts';
import { codeQueueRunner } from '../../fixtures/lab/runners/code-queue.ts';
import { postgresRunner } from '../../fixtures/lab/runners/postgres.ts';
import { findPodRunner } from '../../fixtures/lab/runners/index.ts';
import { redact } from '../../harness/redact.ts';

let lab: Lab;
let dir: string;
beforeAll(async () => {
  lab = await startLab({ services: ['postgres'], log: () => undefined });
  dir = await mkdtemp(join(tmpdir(), 'cq-runners-'));
});
afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('lab PostgreSQL', () => {
  test('listens on 127.0.0.1 only; every published password is redacted', async () => {
    expect((await query(lab.env.LAB_POSTGRES_URL, 'SHOW listen_addresses'))[0]).toEqual({ listen_addresses: '127.0.0.1' });
    for (const k of ['LAB_POSTGRES_URL', 'LAB_CODE_QUEUE_DATABASE_URL', 'LAB_METRICS_DATABASE_URL']) {
      const u = new URL(lab.env[k]);
      expect(u.hostname).toBe('127.0.0.1');
      expect(u.password.length).toBeGreaterThan(10);
      expect(redact(`connecting to ${lab.env[k]} with ${u.password}`)).not.toContain(u.password);
    }
  });

  test('Code Queue data and CI metrics live in separate databases with separate roles', async () => {
    const cq = await query(lab.env.LAB_CODE_QUEUE_DATABASE_URL, 'SELECT current_database() AS db, current_user AS u, (SELECT count(*)::int FROM tasks) AS n');
    expect(cq[0]).toEqual({ db: 'code_queue', u: 'code_queue', n: 3000 });
    const m = await query(lab.env.LAB_METRICS_DATABASE_URL, 'SELECT current_database() AS db, current_user AS u');
    expect(m[0]).toEqual({ db: 'unidesk_ci_metrics', u: 'unidesk_ci' });
  });

  test('stop ends the postmaster and removes its directory', async () => {
    const other = await startLab({ services: ['postgres'], log: () => undefined });
    const port = new URL(other.env.LAB_POSTGRES_URL).port;
    const dataDir = (await query(other.env.LAB_POSTGRES_URL, "SELECT setting FROM pg_settings WHERE name = 'data_directory'"))[0].setting as string;
    await other.stop();
    expect(existsSync(dataDir)).toBe(false);
    await expect(query(other.env.LAB_POSTGRES_URL, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    expect(port).toMatch(/^\d+$/);
  });

  test('bad seed knobs stop the lab naming the variable', async () => {
    process.env.LAB_CODE_QUEUE_SEED_TASKS = 'many';
    try {
      await expect(startLab({ services: ['postgres'], log: () => undefined })).rejects.toThrow(/LAB_CODE_QUEUE_SEED_TASKS="many": expected a non-negative integer/);
    } finally {
      delete process.env.LAB_CODE_QUEUE_SEED_TASKS;
    }
  });
});

describe('pod runners', () => {
  test('images map to the right runner; latest-free pinned names only need the repository', () => {
    expect(findPodRunner('unidesk-code-queue:dev')).toBe(codeQueueRunner);
    expect(findPodRunner('127.0.0.1:5000/unidesk-code-queue:abc')).toBe(codeQueueRunner);
    expect(findPodRunner('postgres:15')).toBe(postgresRunner);
    expect(findPodRunner('unidesk-code-queue-evil:1')).toBeUndefined();
  });

  test('unidesk-code-queue:* runs the service with the pod env, logs to the pod log, stops by PID', async () => {
    const logs: string[] = [];
    const running = await codeQueueRunner.start(
      {
        namespace: 'unidesk-ci',
        name: 'code-queue-ci-read-abc',
        labels: {},
        container: {
          name: 'code-queue',
          image: 'unidesk-code-queue:dev',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: { CODE_QUEUE_SERVICE_ROLE: 'read', DATABASE_URL: lab.env.LAB_CODE_QUEUE_DATABASE_URL, PORT: '8080', CODE_QUEUE_SCHEDULER_ENABLED: 'false' },
        },
      },
      { dir: join(dir, 'cq'), log: (c) => logs.push(c) },
    );
    const ep = running.endpoints[8080];
    expect(ep.host).toBe('127.0.0.1');
    const deadline = Date.now() + 30_000;
    while (!(await running.ready().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`not ready: ${logs.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const health = (await (await fetch(`http://127.0.0.1:${ep.port}/healthz`)).json()) as { role: string };
    expect(health.role).toBe('read');
    expect(logs.join('')).toMatch(/code-queue: role=read listening on http:\/\/127\.0\.0\.1:\d+/);
    await running.stop();
    await expect(fetch(`http://127.0.0.1:${ep.port}/healthz`)).rejects.toThrow();
  });

  test('a bad pod env: the process exits, readiness stays false, the log says why', async () => {
    const logs: string[] = [];
    const running = await codeQueueRunner.start(
      { namespace: 'unidesk-ci', name: 'bad', labels: {}, container: { name: 'code-queue', image: 'unidesk-code-queue:dev', ports: [], env: { CODE_QUEUE_SERVICE_ROLE: 'admin' } } },
      { dir: join(dir, 'bad'), log: (c) => logs.push(c) },
    );
    const deadline = Date.now() + 15_000;
    while (!/DATABASE_URL/.test(logs.join('')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(logs.join('')).toMatch(/CODE_QUEUE_SERVICE_ROLE/);
    expect(await running.ready().catch(() => false)).toBe(false);
    await running.stop();
  });

  test('postgres:* needs POSTGRES_PASSWORD (the official image message) and honours POSTGRES_USER/DB', async () => {
    const logs: string[] = [];
    const pod = (env: Record<string, string>) => ({
      namespace: 'unidesk-ci-e2e-x',
      name: 'pg',
      labels: {},
      container: { name: 'postgres', image: 'postgres:15', ports: [{ containerPort: 5432 }], env },
    });
    await expect(postgresRunner.start(pod({}), { dir: join(dir, 'pg0'), log: (c) => logs.push(c) })).rejects.toThrow(/You must specify POSTGRES_PASSWORD/);
    const running = await postgresRunner.start(pod({ POSTGRES_PASSWORD: 'lab-secret-pw', POSTGRES_USER: 'cq', POSTGRES_DB: 'codequeue' }), { dir: join(dir, 'pg1'), log: (c) => logs.push(c) });
    try {
      expect(await running.ready()).toBe(true);
      const ep = running.endpoints[5432];
      const rows = await query(`postgres://cq:lab-secret-pw@127.0.0.1:${ep.port}/codequeue`, 'SELECT current_user AS u, current_database() AS d');
      expect(rows[0]).toEqual({ u: 'cq', d: 'codequeue' });
      expect(logs.join('')).toMatch(/ready to accept connections/);
      expect(redact('pw=lab-secret-pw')).not.toContain('lab-secret-pw');
    } finally {
      await running.stop();
    }
    await expect(query(`postgres://cq:lab-secret-pw@127.0.0.1:${running.endpoints[5432].port}/codequeue`, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});

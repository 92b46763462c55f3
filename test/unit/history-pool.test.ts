// The results/history database pool is opened with bounded waits: the config each opener hands to
// pg.Pool is captured (pg mocked) and checked, and a stalled database fails within the bound.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';

const pools: unknown[] = [];
vi.mock('pg', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: typeof import('pg') }).default;
  class CapturingPool extends real.Pool {
    constructor(config: import('pg').PoolConfig) {
      super(config);
      pools.push(config);
    }
  }
  return { default: { ...real, Pool: CapturingPool } };
});

const { historyPoolConfig, HISTORY_CONNECT_TIMEOUT_MS, HISTORY_QUERY_TIMEOUT_MS, HISTORY_STATEMENT_TIMEOUT_MS } = await import('../../harness/report/history-pool.ts');
const { openStore } = await import('../../harness/report/store/db.ts');
const { openHistory } = await import('../../harness/report/history.ts');
const { CiError } = await import('../../harness/failure.ts');

// a "database" that accepts TCP and never speaks: only the connect timeout can end the wait
let server: Server;
let url: string;
const sockets = new Set<import('node:net').Socket>();
beforeAll(async () => {
  server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `postgres://ci:pw@127.0.0.1:${(server.address() as AddressInfo).port}/results`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  pools.length = 0;
});

describe('history database pool', () => {
  test('documented bounds: connect 10 s, statement 60 s server-side, query a little above it client-side', () => {
    expect(historyPoolConfig('postgres://x/y')).toEqual({
      connectionString: 'postgres://x/y',
      max: 2,
      connectionTimeoutMillis: 10_000,
      statement_timeout: 60_000,
      query_timeout: 70_000,
    });
    expect(HISTORY_QUERY_TIMEOUT_MS).toBeGreaterThan(HISTORY_STATEMENT_TIMEOUT_MS);
    expect(HISTORY_CONNECT_TIMEOUT_MS).toBeLessThan(HISTORY_STATEMENT_TIMEOUT_MS);
  });

  test.each([
    ['openStore (gate results store)', (u: string) => openStore(u)],
    ['openHistory (perf history)', (u: string) => openHistory(u)],
  ])('%s hands pg.Pool the bounded config, and a silent server fails classified', async (_name, open) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const p = open(url).catch((e: unknown) => e);
      await vi.waitFor(() => expect(pools).toHaveLength(1));
      expect(pools[0]).toEqual(historyPoolConfig(url));
      await vi.advanceTimersByTimeAsync(HISTORY_CONNECT_TIMEOUT_MS + 100);
      const err = await p;
      expect(err).toBeInstanceOf(CiError);
      expect((err as InstanceType<typeof CiError>).failureClass).toBe('infra.network');
      expect((err as Error).message).toMatch(/timeout/i);
      expect((err as Error).message).not.toContain(':pw@');
    } finally {
      vi.useRealTimers();
    }
  });
});

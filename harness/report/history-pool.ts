// The pg Pool settings of the results/history database (perf history, gate results store): every
// wait on it is bounded, so an unreachable or stuck database fails the step in seconds with a
// classified error instead of holding it until the step's own timeout.
import type pg from 'pg';

/** A reachable Postgres accepts a connection in milliseconds; 10 s covers a slow TLS handshake or DNS across the cluster. */
export const HISTORY_CONNECT_TIMEOUT_MS = 10_000;
/**
 * Server-side bound of one statement. The heaviest are the baseline read (samples of the last k
 * good runs) and the HTML report's query: well under a second on a year of history; 60 s means a
 * lock wait or a runaway plan, which the server cancels with its own clear message.
 */
export const HISTORY_STATEMENT_TIMEOUT_MS = 60_000;
/**
 * Client-side bound of one query, for when the server cannot answer at all (a stalled connection):
 * a little above the statement timeout so the server's cancel normally comes first.
 */
export const HISTORY_QUERY_TIMEOUT_MS = HISTORY_STATEMENT_TIMEOUT_MS + 10_000;

/** Two connections: the writers are sequential; one more for the report read beside them. */
export function historyPoolConfig(databaseUrl: string): pg.PoolConfig {
  return {
    connectionString: databaseUrl,
    max: 2,
    connectionTimeoutMillis: HISTORY_CONNECT_TIMEOUT_MS,
    statement_timeout: HISTORY_STATEMENT_TIMEOUT_MS,
    query_timeout: HISTORY_QUERY_TIMEOUT_MS,
  };
}

// One pool per use on the results store, migrated on open; a database that cannot be reached or
// refuses the login is an infrastructure failure naming the variable, never with its password.
import pg from 'pg';
import { CiError } from '../../failure.ts';
import { redact } from '../../redact.ts';
import { historyPoolConfig } from '../history-pool.ts';
import { HISTORY_SCHEMA, migrateHistory } from '../history-schema.ts';

export function storeError(e: unknown, doing: string): CiError {
  if (e instanceof CiError) return e;
  const code = (e as { code?: string }).code;
  const failureClass = code === '28P01' || code === '28000' ? 'infra.auth' : 'infra.network';
  return new CiError(failureClass, `results store (schema ${HISTORY_SCHEMA} at UNIDESK_CI_METRICS_DATABASE_URL): ${doing}: ${redact((e as Error).message ?? String(e))}`);
}

export async function openStore(databaseUrl: string): Promise<pg.Pool> {
  const db = new pg.Pool(historyPoolConfig(databaseUrl));
  db.on('error', () => undefined); // an idle client's lost connection surfaces on the next query
  try {
    await migrateHistory(db);
  } catch (e) {
    await db.end().catch(() => undefined);
    throw storeError(e, 'cannot open it');
  }
  return db;
}

// Proof that the measured service is the read role: a write attempt must be refused with 403.
// The attempt carries an invalid body, so even a wrongly configured write-role service answers
// 400 and writes nothing — the check can never create a task in the production database.
import { Client } from 'undici';
import { CiError } from '../failure.ts';
import { readBoundedText } from '../http/bounded-body.ts';
import type { Transport } from './transport.ts';

/** The refusal is a short JSON error; only 200 characters are shown. 64 KiB more is the service's fault (`app`). */
export const WRITE_REFUSAL_MAX_BODY_BYTES = 64 * 1024;

export async function expectWriteRefused(t: Transport, timeoutMs: number): Promise<number> {
  const client = new Client(t.origin, { connect: t.tls });
  try {
    const res = await client.request({
      path: `${t.basePath}/api/tasks`,
      method: 'POST',
      headers: { ...t.headers, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readBoundedText(res.body, { maxBytes: WRITE_REFUSAL_MAX_BODY_BYTES, what: `write-refusal check: POST ${t.basePath}/api/tasks via ${t.describe}`, failureClass: 'app' });
    if (res.statusCode === 403) return 403;
    if (res.statusCode >= 500) throw new CiError(t.infraClass, `write-refusal check via ${t.describe}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    throw new CiError('app', `the read service answered a write attempt with HTTP ${res.statusCode} instead of 403: it must run with CODE_QUEUE_SERVICE_ROLE=read (${text.slice(0, 200)})`);
  } catch (e) {
    if (e instanceof CiError) throw e;
    throw new CiError(t.infraClass, `write-refusal check via ${t.describe}: ${(e as Error).message}`);
  } finally {
    await client.close().catch(() => undefined);
  }
}

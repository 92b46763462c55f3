// The environment fingerprint history comparisons group by: runs are only compared with runs
// measured the same way (transport, target, machine shape).
import { createHash } from 'node:crypto';
import os from 'node:os';

export function environmentFingerprint(parts: { transport: string; target: string }): string {
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', memGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()}-${os.arch()}` };
  const canonical = JSON.stringify({ ...parts, ...machine });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

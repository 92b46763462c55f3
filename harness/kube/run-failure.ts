// "This run failed" across processes: a gate step (in a Vitest worker) marks it; global teardown
// (another process) reads it to save diagnostics of the run namespace before deleting it.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function runFailureMarker(reportDir: string, runId: string): string {
  return join(reportDir, 'diagnostics', runId, '.failed');
}

export async function markRunFailed(reportDir: string, runId: string, reason: string): Promise<void> {
  const file = runFailureMarker(reportDir, runId);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, `${reason}\n`, { flag: 'a' });
}

export function runFailed(reportDir: string, runId: string): boolean {
  return existsSync(runFailureMarker(reportDir, runId));
}

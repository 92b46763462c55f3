// Registry health comes first: GET /v2/ must answer 200. Anything else stops publication with
// infra.registry before anything is built; there is no fallback registry.
import { CiError } from '../failure.ts';
import type { RegistryClient } from './client.ts';

export async function assertRegistryHealthy(client: RegistryClient, signal?: AbortSignal): Promise<void> {
  const hint = `bring the D601 artifact registry at ${client.registry} back (GET ${client.baseUrl}/v2/ must answer 200); publication never falls back to another registry`;
  let status: number;
  try {
    status = await client.ping(signal);
  } catch (e) {
    if (e instanceof CiError) throw new CiError('infra.registry', `artifact registry unhealthy: ${e.message}`, { hint });
    throw e;
  }
  if (status !== 200) throw new CiError('infra.registry', `artifact registry unhealthy: GET ${client.baseUrl}/v2/ answered HTTP ${status}`, { hint });
}

// The anonymous bearer-token exchange public registries ask for (WWW-Authenticate: Bearer
// realm=...,service=...). The loopback registries never ask; Docker Hub and ghcr.io do.
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { CiError } from '../failure.ts';
import { readBoundedText } from '../http/bounded-body.ts';
import { registerSecret } from '../redact.ts';

const tokenResponse = z.object({ token: z.string().optional(), access_token: z.string().optional() });

/** A token answer is a JWT or two in JSON (a few KiB); 1 MiB is no token, but a faulty endpoint (infra.registry). */
export const TOKEN_MAX_BODY_BYTES = 1024 * 1024;

export function parseChallenge(header: string): Record<string, string> | undefined {
  const m = /^Bearer\s+(.*)$/i.exec(header.trim());
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[1].matchAll(/(\w+)="([^"]*)"/g)) params[p[1]] = p[2];
  return params.realm ? params : undefined;
}

export async function bearerToken(challenge: string, scope: string, dispatcher?: Dispatcher, signal?: AbortSignal): Promise<string> {
  const params = parseChallenge(challenge);
  if (!params) throw new CiError('infra.auth', `registry asked for credentials this CI does not have (WWW-Authenticate: ${challenge || 'none'})`);
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.set('scope', scope);
  const res = await request(url.toString(), { dispatcher, signal });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new CiError('infra.auth', `registry token endpoint ${url.origin} answered HTTP ${res.statusCode} for ${scope}`);
  }
  const text = await readBoundedText(res.body, { maxBytes: TOKEN_MAX_BODY_BYTES, what: `registry token endpoint ${url.origin}${url.pathname}`, failureClass: 'infra.registry' });
  let body: z.infer<typeof tokenResponse>;
  try {
    body = tokenResponse.parse(JSON.parse(text));
  } catch {
    throw new CiError('infra.registry', `registry token endpoint ${url.origin}${url.pathname} answered no token JSON for ${scope}`);
  }
  const token = body.token ?? body.access_token;
  if (!token) throw new CiError('infra.auth', `registry token endpoint ${url.origin} returned no token for ${scope}`);
  registerSecret(token);
  return token;
}

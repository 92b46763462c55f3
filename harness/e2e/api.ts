// Code Queue's HTTP API as the dev-e2e gate checks it: only through the API server's service
// proxy, every call timed. The response shapes are the fields the checks read, no more.
import { z } from 'zod';
import { CiError } from '../failure.ts';
import type { Kube } from '../kube/kube.ts';
import { serviceProxyRequest } from '../kube/service-proxy.ts';
import { serviceName, type CodeQueueRole } from './workloads.ts';

export type ApiCall = { role: CodeQueueRole; method: 'GET' | 'POST'; path: string; status: number; ms: number };

export const taskCreated = z.object({ id: z.number().int().positive() });
export const taskPage = z.object({ tasks: z.array(z.object({ id: z.number(), status: z.string() })) });
export const traceSummary = z.object({ taskId: z.number(), stepCount: z.number().int() });
export const traceSteps = z.object({ taskId: z.number(), steps: z.array(z.object({ seq: z.number(), kind: z.string(), name: z.string() })) });
export const health = z.object({ ok: z.boolean(), role: z.string(), version: z.string().optional() });

export type CodeQueueApi = {
  calls: ApiCall[];
  /** Any status; the call is recorded. */
  raw: (role: CodeQueueRole, method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; text: string }>;
  /** 2xx JSON of the given shape, else app (service) or infra.cluster (the proxy found no endpoint). */
  json: <S extends z.ZodType>(role: CodeQueueRole, method: 'GET' | 'POST', path: string, schema: S, body?: unknown) => Promise<z.infer<S>>;
};

export function codeQueueApi(kube: Kube, namespace: string, signal?: AbortSignal): CodeQueueApi {
  const calls: ApiCall[] = [];
  const raw: CodeQueueApi['raw'] = async (role, method, path, body) => {
    const t0 = performance.now();
    const res = await serviceProxyRequest(kube, { namespace, service: serviceName(role), port: 'http' }, { method, path, body, signal });
    calls.push({ role, method, path, status: res.status, ms: Math.round(performance.now() - t0) });
    return res;
  };
  const json: CodeQueueApi['json'] = async (role, method, path, schema, body) => {
    const res = await raw(role, method, path, body);
    const what = `${method} ${path} on ${serviceName(role)} (service proxy, ${namespace})`;
    if (res.status === 502 || res.status === 503) throw new CiError('infra.cluster', `${what}: HTTP ${res.status} from the service proxy: ${res.text.slice(0, 300)}`);
    if (res.status < 200 || res.status > 299) throw new CiError('app', `${what}: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
    let value: unknown;
    try {
      value = JSON.parse(res.text);
    } catch {
      throw new CiError('app', `${what}: the response is not JSON: ${res.text.slice(0, 200)}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new CiError('app', `${what}: unexpected response: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  };
  return { calls, raw, json };
}

export const describeCall = (c: ApiCall) => `${c.method} ${serviceName(c.role)}${c.path} → ${c.status} in ${c.ms} ms`;

// Code Queue's HTTP API as the dev-e2e gate checks it: only through the API server's service
// proxy, every call timed. The response shapes are the fields the checks read, no more.
import { z } from 'zod';
import type { Kube } from '../kube/kube.ts';
import { proxiedJson, serviceProxyRequest } from '../kube/service-proxy.ts';
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
    return proxiedJson(res, `${method} ${path} on ${serviceName(role)} (service proxy, ${namespace})`, schema);
  };
  return { calls, raw, json };
}

export const describeCall = (c: ApiCall) => `${c.method} ${serviceName(c.role)}${c.path} → ${c.status} in ${c.ms} ms`;

// How the probe reaches Code Queue: directly at a base URL (laptops), or through the API server's
// service proxy (cluster). Either way: one origin, a path prefix, fixed headers, TLS options.
import type { ConnectionOptions } from 'node:tls';
import { CiError, type FailureClass } from '../failure.ts';

export type Transport = {
  kind: 'direct' | 'cluster';
  origin: string;
  /** Prefix put before every Code Queue path (the service proxy path in the cluster). */
  basePath: string;
  headers: Record<string, string>;
  tls?: ConnectionOptions;
  /** Class of a connection error or 5xx on this transport. */
  infraClass: FailureClass;
  describe: string;
};

export function directTransport(baseUrl: string): Transport {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new CiError('input', `UNIDESK_CI_PERF_BASE_URL=${JSON.stringify(baseUrl)}: expected an http(s) URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CiError('input', `UNIDESK_CI_PERF_BASE_URL: expected http or https, got ${u.protocol}`);
  return {
    kind: 'direct',
    origin: u.origin,
    basePath: u.pathname.replace(/\/$/, ''),
    headers: {},
    infraClass: 'infra.network',
    describe: `direct ${u.origin}${u.pathname.replace(/\/$/, '')}`,
  };
}

/** Path of a Service's proxy through the API server (what kubectl proxy / client-node use). */
export function serviceProxyPath(namespace: string, service: string, port: string): string {
  return `/api/v1/namespaces/${namespace}/services/${service}:${port}/proxy`;
}

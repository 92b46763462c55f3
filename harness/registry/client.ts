// A small OCI distribution client over undici: health, manifests (with their digest) and blobs.
// Loopback registries speak plain HTTP (the D601 registry listens on 127.0.0.1:5000 only); others
// HTTPS with the anonymous bearer-token dance. A proxy, when wanted, comes in as the dispatcher.
import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { loopbackRegistry } from '../config.ts';
import { CiError, type FailureClass } from '../failure.ts';
import { readBounded, readBoundedText } from '../http/bounded-body.ts';
import { bearerToken } from './token.ts';
import { MANIFEST_ACCEPT } from './media-types.ts';

/**
 * Caps of what the client holds in memory (blob layers are streamed by `blobStream`, not read here).
 * Manifests: 4 MiB is the size the distribution spec says registries should accept at least, and
 * what registries (distribution, Harbor) enforce on push, so a larger one is no valid manifest.
 * Config blobs (the only blobs `blob` reads: labels, prewarm's config): a few KiB in practice; 8 MiB
 * leaves room for long histories. Error bodies: only the first 300 characters are shown; 64 KiB.
 * Oversize is the registry's fault: the client's transport class (infra.registry by default).
 */
export const REGISTRY_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const REGISTRY_MAX_BLOB_BYTES = 8 * 1024 * 1024;
export const REGISTRY_MAX_ERROR_BYTES = 64 * 1024;

export type RegistryClientOptions = {
  /** host:port (or docker.io). */
  registry: string;
  dispatcher?: Dispatcher;
  /** Class of transport failures: infra.registry for the artifact registry, infra.network for pulls through the proxy. */
  transportFailure?: FailureClass;
  timeoutMs?: number;
};

export type Manifest = { digest: string; mediaType: string; body: Buffer };
type Body = Dispatcher.ResponseData<unknown>['body'];

export type RegistryClient = {
  registry: string;
  baseUrl: string;
  /** GET /v2/ → the HTTP status (throws on transport failure). */
  ping: (signal?: AbortSignal) => Promise<number>;
  /** The manifest at tag or digest, or undefined on 404. */
  manifest: (repository: string, reference: string, signal?: AbortSignal) => Promise<Manifest | undefined>;
  blob: (repository: string, digest: string, signal?: AbortSignal) => Promise<Buffer>;
  /** A blob's body stream, for pulls that measure their own throughput. */
  blobStream: (repository: string, digest: string, signal?: AbortSignal) => Promise<Body>;
};

export function registryBaseUrl(registry: string): string {
  if (loopbackRegistry.safeParse(registry).success) return `http://${registry}`;
  return `https://${registry === 'docker.io' ? 'registry-1.docker.io' : registry}`;
}

export function createRegistryClient(o: RegistryClientOptions): RegistryClient {
  const baseUrl = registryBaseUrl(o.registry);
  const transportFailure = o.transportFailure ?? 'infra.registry';
  const tokens = new Map<string, string>();

  async function get(path: string, headers: Record<string, string>, signal?: AbortSignal, scope?: string) {
    const url = `${baseUrl}${path}`;
    const send = (auth?: string) =>
      request(url, {
        method: 'GET',
        headers: auth ? { ...headers, authorization: `Bearer ${auth}` } : headers,
        dispatcher: o.dispatcher,
        signal,
        headersTimeout: o.timeoutMs ?? 30_000,
        // through a forward proxy, one connection per request: tinyproxy (and egress proxies like it)
        // may close a kept-alive client connection while undici reuses it mid-response
        reset: o.dispatcher !== undefined,
        bodyTimeout: o.timeoutMs ?? 30_000,
      });
    try {
      let res = await sendOnce(() => send(scope ? tokens.get(scope) : undefined), signal);
      if (res.statusCode === 401 && scope && !tokens.has(scope)) {
        await res.body.dump();
        const token = await bearerToken(String(res.headers['www-authenticate'] ?? ''), scope, o.dispatcher, signal);
        tokens.set(scope, token);
        res = await send(token);
      }
      // blob downloads redirect to storage: follow once, same dispatcher
      if ((res.statusCode === 307 || res.statusCode === 302) && res.headers.location) {
        await res.body.dump();
        res = await request(new URL(String(res.headers.location), url).toString(), { method: 'GET', dispatcher: o.dispatcher, signal });
      }
      return res;
    } catch (e) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : e;
      if (e instanceof CiError) throw e;
      throw new CiError(transportFailure, `registry ${o.registry} is not reachable (${describe(e)}) at ${url}`);
    }
  }

  const unexpected = async (res: Dispatcher.ResponseData<unknown>, what: string) => {
    const limit = { maxBytes: REGISTRY_MAX_ERROR_BYTES, what: `registry ${o.registry}: ${what} error body`, failureClass: transportFailure };
    const text = (await readBoundedText(res.body, limit).catch(() => '')).slice(0, 300);
    return new CiError(transportFailure, `registry ${o.registry}: ${what} answered HTTP ${res.statusCode} ${text}`.trim());
  };

  return {
    registry: o.registry,
    baseUrl,
    async ping(signal) {
      const res = await get('/v2/', {}, signal);
      await res.body.dump();
      return res.statusCode;
    },
    async manifest(repository, reference, signal) {
      const res = await get(`/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT }, signal, `repository:${repository}:pull`);
      if (res.statusCode === 404) {
        await res.body.dump();
        return undefined;
      }
      if (res.statusCode !== 200) throw await unexpected(res, `GET manifest ${repository}:${reference}`);
      const what = `manifest ${repository}:${reference}`;
      const limit = { maxBytes: REGISTRY_MAX_MANIFEST_BYTES, what: `registry ${o.registry}: ${what} (${baseUrl}/v2/${repository}/manifests/${reference})`, failureClass: transportFailure };
      const body = await readBody(o.registry, what, () => readBounded(res.body, limit), transportFailure);
      const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const header = res.headers['docker-content-digest'];
      // the header is authoritative when present; it must agree with the bytes we got
      if (typeof header === 'string' && header !== computed) {
        throw new CiError(transportFailure, `registry ${o.registry}: manifest ${repository}:${reference} has Docker-Content-Digest ${header} but its body hashes to ${computed}`);
      }
      const mediaType = String(res.headers['content-type'] ?? '').split(';')[0];
      return { digest: computed, mediaType, body };
    },
    async blob(repository, digest, signal) {
      const res = await get(`/v2/${repository}/blobs/${digest}`, {}, signal, `repository:${repository}:pull`);
      if (res.statusCode !== 200) throw await unexpected(res, `GET blob ${repository}@${digest}`);
      const what = `blob ${repository}@${digest}`;
      const limit = { maxBytes: REGISTRY_MAX_BLOB_BYTES, what: `registry ${o.registry}: ${what} (${baseUrl}/v2/${repository}/blobs/${digest})`, failureClass: transportFailure };
      return readBody(o.registry, what, () => readBounded(res.body, limit), transportFailure);
    },
    async blobStream(repository, digest, signal) {
      const res = await get(`/v2/${repository}/blobs/${digest}`, {}, signal, `repository:${repository}:pull`);
      if (res.statusCode !== 200) throw await unexpected(res, `GET blob ${repository}@${digest}`);
      return res.body;
    },
  };
}

/** A pooled keep-alive connection the proxy or registry already closed fails at once: GETs are retried once on a fresh one. */
async function sendOnce<T>(send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await send();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (signal?.aborted || !(code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')) throw e;
    return send();
  }
}

/** Read a response body; a connection dropped mid-body is a transport failure of the given class. */
export async function readBody(registry: string, what: string, read: () => Promise<Buffer>, failure: FailureClass): Promise<Buffer> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof CiError) throw e; // oversize: already names the URL and the cap
    throw new CiError(failure, `registry ${registry}: ${what} broke off while reading (${describe(e)})`);
  }
}

function describe(e: unknown): string {
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.code ?? err.cause?.message ?? err.message ?? String(e);
}

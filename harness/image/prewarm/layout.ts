// An OCI image layout on disk (oci-layout, index.json, blobs/sha256/*): what a pull writes and
// what `ctr images import` reads (as a tar). The index names the image for containerd.
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CiError } from '../../failure.ts';
import type { Descriptor } from '../../registry/schemas.ts';

export async function initLayout(dir: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
}

export function blobPath(dir: string, digest: string): string {
  return join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

export async function writeBlob(dir: string, digest: string, body: Buffer): Promise<void> {
  const got = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  if (got !== digest) throw new CiError('infra.network', `blob ${digest} arrived as ${got}: corrupted in transit`);
  await writeFile(blobPath(dir, digest), body);
}

/**
 * Stream a blob to disk, hashing as it goes; `onBytes` feeds the throughput meter. Chunks are
 * written synchronously so the response is never paused: a proxy that closes the connection right
 * after the last byte (tinyproxy does) would otherwise race undici's paused parser ("other side closed").
 */
export async function streamBlob(dir: string, digest: string, body: NodeJS.ReadableStream & { destroy: (e?: Error) => void }, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const hash = createHash('sha256');
  const tmp = `${blobPath(dir, digest)}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const abort = () => body.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', abort, { once: true });
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        writeSync(fd, chunk);
        onBytes(chunk.length);
      });
      body.once('end', () => resolve());
      body.once('error', (e: Error) => reject(e));
      body.once('close', () => signal?.removeEventListener('abort', abort));
      if (signal?.aborted) abort();
    });
  } finally {
    closeSync(fd);
  }
  const got = `sha256:${hash.digest('hex')}`;
  if (got !== digest) throw new CiError('infra.network', `blob ${digest} arrived as ${got}: corrupted in transit`);
  await rename(tmp, blobPath(dir, digest));
}

export async function writeIndex(dir: string, top: Descriptor, imageName: string, tag?: string): Promise<void> {
  const annotations: Record<string, string> = { 'io.containerd.image.name': imageName };
  if (tag) annotations['org.opencontainers.image.ref.name'] = tag;
  const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ ...top, annotations }] };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

// Reading a response body (undici `Dispatcher` body, fetch `Response.body`) or any byte stream with
// a size cap: nothing the harness reads from the network is buffered without limit. Beyond the cap
// the stream is cancelled at once (for-await's return() destroys an undici body, which closes its
// connection; it cancels a web ReadableStream) and the read fails with a classified error that
// names what was read and the cap. Each caller chooses and documents its own cap and class:
// `app` for the service under test, `infra.*` for infrastructure.
import { CiError, type FailureClass } from '../failure.ts';

export type BodyLimit = {
  /** Most bytes accepted; one more fails the read. */
  maxBytes: number;
  /** What is being read, with its URL or path, e.g. `GET /api/tasks on Code Queue`. */
  what: string;
  /** Class of an oversize body. */
  failureClass: FailureClass;
};

export type ByteStream = AsyncIterable<Uint8Array | string>;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

export function bodyTooLarge(l: BodyLimit): CiError {
  return new CiError(l.failureClass, `${l.what}: the response body is larger than ${formatBytes(l.maxBytes)} (the cap for this read); reading stopped there`);
}

/** The whole body as bytes, or a `failureClass` CiError once it exceeds `maxBytes`. */
export async function readBounded(body: ByteStream, l: BodyLimit): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of body) {
    const b = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    total += b.length;
    // throwing inside for-await ends the stream (iterator return): the sender is cut off here
    if (total > l.maxBytes) throw bodyTooLarge(l);
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

export async function readBoundedText(body: ByteStream, l: BodyLimit): Promise<string> {
  return (await readBounded(body, l)).toString('utf8');
}

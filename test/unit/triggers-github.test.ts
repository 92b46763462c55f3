// The lab's GitHub interceptor, table-driven like pkg/interceptors/github/github_test.go: the
// event-type check before the signature, go-github's signature errors word for word, HMAC over
// the raw bytes.
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { githubInterceptor, signatureError, statusError, type InterceptorResponse } from '../../fixtures/lab/cluster/controllers/triggers/github.ts';

const KEY = Buffer.from('s3cr3t');
const BODY = Buffer.from('{"after":"abc","repository":{"clone_url":"http://git/x.git"}}');
const mac = (alg: string, body: Buffer, key = KEY) => `${alg}=${createHmac(alg, key).update(body).digest('hex')}`;
const params = [
  { name: 'secretRef', value: { secretName: 'hook', secretKey: 'secret' } },
  { name: 'eventTypes', value: ['push'] },
];
const run = (headers: Record<string, string>, p = params, body = BODY, secret: () => Promise<Buffer> = async () => KEY) => githubInterceptor({ headers, body, params: p }, secret);
const stopped = (message: string, code = 'FailedPrecondition'): InterceptorResponse => ({ continue: false, status: { code: code as 'FailedPrecondition', message } });

describe('signatureError (go-github ValidateSignature)', () => {
  test.each([
    [mac('sha256', BODY), undefined],
    [mac('sha1', BODY), undefined],
    [mac('sha512', BODY), undefined],
    [mac('sha256', BODY).toUpperCase().replace('SHA256', 'sha256'), undefined],
    ['', 'missing signature'],
    ['abc', 'error parsing signature "abc"'],
    ['md5=00', 'unknown hash type prefix: "md5"'],
    ['sha256=xyz', 'error decoding signature "sha256=xyz": encoding/hex: invalid byte: U+0078 \'x\''],
    ['sha256=abc', 'error decoding signature "sha256=abc": encoding/hex: odd length hex string'],
    ['sha256=00', 'payload signature check failed'],
    [mac('sha256', BODY, Buffer.from('other')), 'payload signature check failed'],
    [mac('sha256', Buffer.from(`${BODY.toString()} `)), 'payload signature check failed'],
  ])('%s → %s', (sig, want) => expect(signatureError(sig, BODY, KEY)).toBe(want));
});

describe('githubInterceptor', () => {
  test('a signed push continues; the Secret is read with the ref', async () => {
    let asked: unknown;
    const r = await run({ 'X-GitHub-Event': 'push', 'x-hub-signature-256': mac('sha256', BODY) }, params, BODY, async () => ((asked = 'read'), KEY));
    expect(r).toEqual({ continue: true });
    expect(asked).toBe('read');
  });

  test.each<[string, Record<string, string>, InterceptorResponse]>([
    ['an event type not listed (checked before the signature)', { 'x-github-event': 'ping' }, stopped('event type ping is not allowed')],
    ['no event header', {}, stopped('event type  is not allowed')],
    ['no signature', { 'x-github-event': 'push' }, stopped('no X-Hub-Signature-256 header set')],
    ['only the sha1 header', { 'x-github-event': 'push', 'x-hub-signature': mac('sha1', BODY) }, stopped('no X-Hub-Signature-256 header set')],
    ['a wrong signature', { 'x-github-event': 'push', 'x-hub-signature-256': mac('sha256', Buffer.from('{}')) }, stopped('payload signature check failed')],
    [
      'a form-encoded body',
      { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push' },
      stopped('form parameter encoding not supported, please change the hook to send JSON payloads', 'InvalidArgument'),
    ],
  ])('%s', async (_n, headers, want) => expect(await run(headers)).toEqual(want));

  test('no eventTypes: any event; no secretRef: no signature needed', async () => {
    expect(await run({ 'x-github-event': 'anything' }, [])).toEqual({ continue: true });
  });

  test('an empty secretKey, and a Secret that cannot be read', async () => {
    expect(await run({ 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' }, [{ name: 'secretRef', value: { secretName: 'hook', secretKey: '' } }])).toEqual(
      stopped('github interceptor secretRef.secretKey is empty'),
    );
    const missing = await run({ 'x-github-event': 'push', 'x-hub-signature-256': mac('sha256', BODY) }, params, BODY, async () => {
      throw new Error('secrets "hook" not found');
    });
    expect(missing).toEqual(stopped('error getting secret: secrets "hook" not found'));
  });

  test('how the sink logs a stop', () => {
    expect(statusError({ code: 'FailedPrecondition', message: 'payload signature check failed' })).toBe('rpc error: code = FailedPrecondition desc = payload signature check failed');
  });
});

// The registry check behind reuse and the lab's step runner: an unhealthy registry is
// infra.registry (never "not served"), a missing tag is undefined; progress never goes silent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test, vi } from 'vitest';
import { checkoutVerdict, servedStepImage } from '../../harness/image/step-image/served.ts';
import { startTicker } from '../../harness/image/step-image/progress.ts';

async function registryAnswering(status: (path: string) => number): Promise<{ registry: string; close: () => void }> {
  const server = createServer((req, res) => {
    res.statusCode = status(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(res.statusCode === 404 ? JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN' }] }) : '{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { registry: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('servedStepImage', () => {
  test('a registry answering 503 on /v2/ is infra.registry', async () => {
    const r = await registryAnswering(() => 503);
    try {
      await expect(servedStepImage(r.registry, `${r.registry}/unidesk/unidesk-ci:0.1.0-0123456789ab`)).rejects.toMatchObject({
        failureClass: 'infra.registry',
        message: expect.stringMatching(/unhealthy: .* answered HTTP 503/),
      });
    } finally {
      r.close();
    }
  });

  test('nothing listening is infra.registry', async () => {
    const r = await registryAnswering(() => 200);
    r.close();
    await expect(servedStepImage(r.registry, `${r.registry}/unidesk/unidesk-ci:x`)).rejects.toMatchObject({ failureClass: 'infra.registry' });
  });

  test('a healthy registry without the tag: undefined (build it)', async () => {
    const r = await registryAnswering((p) => (p === '/v2/' ? 200 : 404));
    try {
      expect(await servedStepImage(r.registry, '127.0.0.1:5000/unidesk/unidesk-ci:0.1.0-0123456789ab')).toBeUndefined();
    } finally {
      r.close();
    }
  });
});

test("one verdict on this checkout's step image: served with its content hash, missing, or built from other content", () => {
  const d = `sha256:${'1'.repeat(64)}`;
  expect(checkoutVerdict({ digest: d, contentHash: 'abc', labels: {} }, 'abc')).toEqual({ state: 'served', digest: d });
  expect(checkoutVerdict(undefined, 'abc')).toEqual({ state: 'missing', why: 'the registry does not have that tag' });
  expect(checkoutVerdict({ digest: d, labels: {} }, 'abc')).toMatchObject({ state: 'other-content', why: expect.stringMatching(/content-hash is \(missing\), not abc/) });
});

test('the progress ticker prints the elapsed time during a silence and stays quiet while lines come', () => {
  // fake clock (timers and performance.now): the ticker's rule, not the machine's timer jitter
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
  try {
    const lines: string[] = [];
    const t = startTicker('step image build', (l) => lines.push(l), 300);
    vi.advanceTimersByTime(1100);
    expect(lines.filter((l) => /still running, \d+ s elapsed/.test(l)).length).toBeGreaterThanOrEqual(2);
    lines.length = 0;
    for (let i = 0; i < 8; i++) {
      t.line('STEP 2/10: RUN ...');
      vi.advanceTimersByTime(100);
    }
    expect(lines.filter((l) => /still running/.test(l))).toEqual([]);
    expect(lines).toHaveLength(8);
    vi.advanceTimersByTime(400); // silent again: it speaks
    expect(lines.filter((l) => /still running/.test(l))).toHaveLength(1);
    expect(t.stop()).toBe(2300);
  } finally {
    vi.useRealTimers();
  }
});

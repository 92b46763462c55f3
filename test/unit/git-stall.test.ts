import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classifyGitOutput } from '../../harness/git/classify.ts';
import { GIT_LOW_SPEED, gitEnv } from '../../harness/git/env.ts';
import { git } from '../../harness/git/exec.ts';
import { CiError } from '../../harness/failure.ts';

function configOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const n = Number(env.GIT_CONFIG_COUNT);
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`]!, env[`GIT_CONFIG_VALUE_${i}`]!]));
}

describe('git stall bound (http.lowSpeedLimit/Time)', () => {
  test('every git child gets the documented low-speed bound; a caller may override it', () => {
    expect(GIT_LOW_SPEED).toEqual({ limitBytesPerSecond: 1000, timeSeconds: 30 });
    const c = configOf(gitEnv({}, {}));
    expect(c['http.lowSpeedLimit']).toBe('1000');
    expect(c['http.lowSpeedTime']).toBe('30');
    const o = configOf(gitEnv({ lowSpeed: { limitBytesPerSecond: 10, timeSeconds: 2 } }, {}));
    expect([o['http.lowSpeedLimit'], o['http.lowSpeedTime']]).toEqual(['10', '2']);
  });

  test.each([
    'error: RPC failed; curl 28 Operation too slow. Less than 1000 bytes/sec transferred the last 30 seconds',
    "fatal: unable to access 'http://127.0.0.1:4000/u.git/': Operation too slow. Less than 1000 bytes/sec transferred the last 30 seconds",
  ])('curl low-speed abort is infra.network saying the server stalled: %s', (out) => {
    const f = classifyGitOutput(out, 'input');
    expect(f.failureClass).toBe('infra.network');
    expect(f.why).toMatch(/stalled/);
  });

  describe('against a server that accepts and never answers', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer(() => {
        /* never answers */
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/unidesk.git`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    test('git ls-remote fails within seconds as infra.network "stalled", not at the wait bound', async () => {
      const started = Date.now();
      const err = await git(['ls-remote', url], { lowSpeed: { limitBytesPerSecond: 1000, timeSeconds: 2 }, timeoutMs: 20_000 }).catch((e) => e);
      expect(err).toBeInstanceOf(CiError);
      expect((err as CiError).failureClass).toBe('infra.network');
      expect((err as CiError).message).toMatch(/stalled/);
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 15_000);
  });
});

// A missing system tool is a clear failure naming the package and the install command, never a skip.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ensureTools, which } from '../../fixtures/lab/system.ts';
import { GIT_TOOLS } from '../../fixtures/lab/git/service.ts';
import { PROXY_TOOLS, tinyproxyConfig } from '../../fixtures/lab/proxy/service.ts';

afterEach(() => vi.restoreAllMocks());

describe('ensureTools', () => {
  test('not root: stops with one message naming the tools and the apt-get command', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    const missing = [
      { bin: 'unidesk-no-such-tool', pkg: 'unidesk-no-such-pkg' },
      { bin: 'git', pkg: 'git' },
    ];
    expect(() => ensureTools(missing, () => undefined)).toThrow(
      expect.objectContaining({
        failureClass: 'input',
        message: 'the lab needs unidesk-no-such-tool; install them with: apt-get install -y unidesk-no-such-pkg',
      }),
    );
  });
  test('present tools pass without touching apt', () => {
    const log = vi.fn();
    ensureTools([{ bin: 'sh', pkg: 'dash' }], log);
    expect(log).not.toHaveBeenCalled();
  });
  test('the git and proxy services name their Debian packages and absolute paths', () => {
    expect(GIT_TOOLS.map((t) => t.pkg)).toEqual(['git', 'git']);
    expect(PROXY_TOOLS[0]).toMatchObject({ pkg: 'tinyproxy', path: '/usr/bin/tinyproxy' });
    expect(which('/definitely/not/here')).toBeUndefined();
  });
});

describe('tinyproxy config', () => {
  test('listens and allows loopback only, logs at Info, drops to the tinyproxy user when asked', () => {
    const conf = tinyproxyConfig({ port: 18789, logFile: '/tmp/x/tinyproxy.log', user: true });
    expect(conf).toContain('Listen 127.0.0.1\n');
    expect(conf).toContain('Allow 127.0.0.1\n');
    expect(conf).not.toMatch(/Listen 0\.0\.0\.0|Allow 0|Upstream/);
    expect(conf).toContain('LogLevel Info');
    expect(conf).toContain('User tinyproxy');
    expect(tinyproxyConfig({ port: 1, logFile: 'l' })).not.toContain('User ');
  });
});

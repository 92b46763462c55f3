// The commit gate's clone progress line names the egress proxy; a proxy URL with credentials is
// shown redacted (the resolve itself fails here: nothing listens on the loopback ports used).
import { afterEach, expect, test, vi } from 'vitest';
import { loadConfig } from '../../harness/config.ts';
import { clearSecrets } from '../../harness/redact.ts';
import { checkoutRevision } from '../../harness/commit/checkout.ts';

afterEach(() => {
  vi.restoreAllMocks();
  clearSecrets();
});

test('the resolving line does not print the proxy password', async () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const config = loadConfig({ UNIDESK_CI_REPO_URL: 'http://127.0.0.1:1/unidesk.git', UNIDESK_CI_PROXY_URL: 'http://egress:checkout-pr0xy-pass@127.0.0.1:2', UNIDESK_CI_WAIT_MS: '20000' });
  await expect(checkoutRevision(config)).rejects.toThrow();
  const resolving = lines.find((l) => l.includes('resolving'));
  expect(resolving).toBe('[commit : clone] resolving master on http://127.0.0.1:1/unidesk.git via http://***@127.0.0.1:2');
  expect(lines.join('\n')).not.toContain('checkout-pr0xy-pass');
});

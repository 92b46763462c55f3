// publish-backend-core names the revision --revision like every other command; the old --commit
// still works, with one warning line.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { parsePublishFlags } from '../../harness/cli/publish-backend-core.ts';

afterEach(() => vi.restoreAllMocks());

describe('publish-backend-core --revision', () => {
  test('--revision is the flag; no warning', () => {
    const warn = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(parsePublishFlags(['--local', '--revision', 'v1.2.3'])).toEqual({ local: true, revision: 'v1.2.3' });
    expect(warn).not.toHaveBeenCalled();
  });

  test('--commit means the same, with one deprecation line on stderr', () => {
    const warn = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(parsePublishFlags(['--commit', 'v1.2.3', '--wait-ms', '5'])).toEqual(parsePublishFlags(['--revision', 'v1.2.3', '--wait-ms', '5']));
    expect(warn.mock.calls).toEqual([['unidesk-ci: --commit is deprecated: use --revision (same meaning)']]);
  });

  test('both at once is input', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => parsePublishFlags(['--commit', 'a', '--revision', 'b'])).toThrow(
      expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('--commit is the old name of --revision') }),
    );
  });
});

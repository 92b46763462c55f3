import { describe, expect, test } from 'vitest';
import { classifyGitOutput } from '../../harness/git/classify.ts';

// The words git 2.39 / curl 7.88 print, as seen against the lab (docs/lab-recipes.md).
const CASES: Array<[string, string]> = [
  ["fatal: Authentication failed for 'http://127.0.0.1:4000/unidesk.git/'", 'infra.auth'],
  ["fatal: could not read Username for 'http://127.0.0.1:4000': terminal prompts disabled", 'infra.auth'],
  ["fatal: unable to access 'http://127.0.0.1:4000/unidesk.git/': The requested URL returned error: 403", 'infra.auth'],
  ["fatal: unable to access 'http://127.0.0.1:4000/unidesk.git/': Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server", 'infra.network'],
  ["fatal: unable to access 'http://127.0.0.1:4000/unidesk.git/': The requested URL returned error: 502", 'infra.network'],
  ["fatal: unable to access 'https://x/': Received HTTP code 503 from proxy after CONNECT", 'infra.network'],
  ["fatal: unable to access 'http://git.example/': Could not resolve host: git.example", 'infra.network'],
  ["fatal: repository 'http://127.0.0.1:4000/nope.git/' not found", 'input'],
  ["fatal: repository 'http://127.0.0.1:4000/proxy.git/' not found", 'input'],
];

describe('classifyGitOutput', () => {
  test.each(CASES)('%s → %s', (output, cls) => {
    expect(classifyGitOutput(output).failureClass).toBe(cls);
  });
  test('auth failures say it is an infrastructure gap, not an application result', () => {
    expect(classifyGitOutput(CASES[0][0]).why).toContain('CI infrastructure/auth gap, not an application test result');
  });
  test('unknown output falls back to the caller-given class', () => {
    expect(classifyGitOutput('something odd', 'input').failureClass).toBe('input');
    expect(classifyGitOutput('something odd').failureClass).toBe('infra.network');
  });
});

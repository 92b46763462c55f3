// The README's configuration table is the run configuration's own list: it cannot drift.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { variablesMarkdown } from '../../harness/cli/config.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  test('carries exactly the configuration table of harness/config.ts', () => {
    expect(readme).toContain(variablesMarkdown().trim());
  });

  test('opens with the two commands: the lab run and the tests', () => {
    const commands = [...readme.matchAll(/^npm ci && (.+?)(?:\s+#.*)?$/gm)].map((m) => m[1].trim());
    expect(commands.slice(0, 2)).toEqual(['npx unidesk-ci run --lab', 'npm test']);
  });
});

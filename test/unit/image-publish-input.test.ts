// Bad input to a publication is refused by name before anything touches the network.
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../harness/config.ts';
import { checkRequestedTarget, startPublication } from '../../harness/image/publish/index.ts';

const SHA = 'c'.repeat(40);
const start = (env: Record<string, string>) => startPublication({ config: loadConfig(env), env, log: () => undefined });

describe('publication input', () => {
  test('no repository URL → input naming UNIDESK_CI_REPO_URL', () => {
    expect(() => start({})).toThrow(/UNIDESK_CI_REPO_URL is not set/);
  });

  test('a repository URL with credentials is refused by the configuration', () => {
    expect(() => start({ UNIDESK_CI_REPO_URL: 'http://u:secret@127.0.0.1:1/unidesk.git' })).toThrow(/must not carry credentials/);
  });

  test.each([
    [`127.0.0.1:5000/unidesk/backend-core:latest`, /"latest" is never published/],
    [`ghcr.io/unidesk/backend-core:${SHA}`, /not the configured D601 artifact registry/],
  ])('UNIDESK_CI_IMAGE_REF=%s is refused at the first step', (ref, message) => {
    const p = start({ UNIDESK_CI_REPO_URL: 'http://127.0.0.1:1/unidesk.git', UNIDESK_CI_IMAGE_REF: ref });
    expect(() => checkRequestedTarget(p)).toThrow(message);
  });

  test('the right target passes the first step; results default under the report dir', () => {
    const p = start({ UNIDESK_CI_REPO_URL: 'http://127.0.0.1:1/unidesk.git', UNIDESK_CI_IMAGE_REF: `127.0.0.1:5000/unidesk/backend-core:${SHA}`, UNIDESK_CI_REPORT_DIR: 'r' });
    expect(() => checkRequestedTarget(p)).not.toThrow();
    expect(p.resultsDir).toBe('r/results');
    expect(start({ UNIDESK_CI_REPO_URL: 'http://127.0.0.1:1/x.git', UNIDESK_CI_RESULTS_DIR: '/tekton/results' }).resultsDir).toBe('/tekton/results');
  });
});

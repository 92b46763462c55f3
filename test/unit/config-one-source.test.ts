// One source per fact: the run configuration's variables are read in harness/config.ts and nowhere
// else in harness/ or suites/ — the rest reads typed RunConfig fields.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../harness/tekton/index.ts';

/** Files that still read a variable themselves, and why. */
const ALLOWED: Record<string, string> = {
  // dup's area (issue 16 round 2): the step image is built by CLI, lab and bench callers that hold an env, not a config
  'harness/image/step-image/base.ts': 'UNIDESK_CI_STEP_BASE_IMAGE, read by the step-image build from the env it is given',
  'harness/image/step-image/storage.ts': 'UNIDESK_CI_BUILD_CACHE_DIR, read by the step-image build from the env it is given',
  // the flag wins over the variable, and an empty value is refused before runTekton parses both (publish has no default)
  'harness/cli/run.ts': 'UNIDESK_CI_REVISION: --revision precedence and its empty check',
  'harness/cli/run-dev-e2e.ts': 'UNIDESK_CI_REVISION: --revision precedence and its empty check',
  // not a configuration variable: the pid the cleanup owner's parent hands to its child process
  'harness/cleanup/owner-process.ts': 'UNIDESK_CI_CLEANUP_WATCHED_PID, a parent → child handshake',
  // the lab's Tekton CRDs are located by lab fixtures and tests that have no run configuration
  'harness/tekton/crd-files.ts': 'UNIDESK_CI_TEKTON_CRDS_DIR, read for lab fixtures without a run configuration',
};

function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

// a read, not an assignment (`env.X = ...` maps a flag) nor a `delete`
const VARIABLE_READ = /(?<!delete\s+[\w.]*)\benv(?:\.|\[['"])((?:UNIDESK_CI|LAB)_[A-Z_]+)\b(?!['"]?\]?\s*=[^=])/g;
const RAW_READ = /\.raw\.UNIDESK_CI_|\bconfig\.raw\b|\braw: RawConfig\b/;

describe('the run configuration is read in harness/config.ts only', () => {
  const files = [...sources('harness'), ...sources('suites')].filter((f) => f !== join('harness', 'config.ts'));

  test('no file reads RunConfig.raw (there is none: typed fields only)', () => {
    expect(files.filter((f) => RAW_READ.test(readFileSync(join(REPO_ROOT, f), 'utf8')))).toEqual([]);
  });

  test('no file outside the allowed list reads a UNIDESK_CI_* or LAB_* variable from an environment', () => {
    const readers = files.filter((f) => [...readFileSync(join(REPO_ROOT, f), 'utf8').matchAll(VARIABLE_READ)].length > 0).map((f) => relative('.', f));
    expect(readers.filter((f) => !(f in ALLOWED))).toEqual([]);
    // an allowance that is no longer needed goes
    expect(Object.keys(ALLOWED).filter((f) => !readers.includes(f))).toEqual([]);
  });

  test('the check sees a read and a raw access', () => {
    expect('x = env.LAB_CODE_QUEUE_DATABASE_URL;'.match(VARIABLE_READ)).toHaveLength(1);
    expect("x = process.env['UNIDESK_CI_REVISION'] ?? 'master';".match(VARIABLE_READ)).toHaveLength(1);
    expect('env.UNIDESK_CI_LAB = "1"; delete run.env.UNIDESK_CI_LAB_EXTERNAL;'.match(VARIABLE_READ)).toBeNull();
    expect(RAW_READ.test('config.raw.UNIDESK_CI_RESULTS_DIR')).toBe(true);
  });
});

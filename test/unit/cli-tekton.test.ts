// The pure parts of the CLI's Tekton path: flags, the PipelineRuns it asks for, colours, the
// status report (drift, tkn-like run list) and the JSON the summary and status print.
import { describe, expect, test } from 'vitest';
import { parseRunFlags } from '../../harness/cli/run.ts';
import { driftCheck, formatStatus, statusReport } from '../../harness/cli/status/report.ts';
import { age, formatRuns, humanDuration, runRow } from '../../harness/cli/status/runs.ts';
import { colourEnabled, paintStatus } from '../../harness/cli/style.ts';
import { parseOutput, parseWaitMs } from '../../harness/cli/tekton/options.ts';
import { commitRunRequest, devE2eRunRequest, GIT_CREDENTIALS_SECRET, publishRunRequest } from '../../harness/cli/tekton/pipelines.ts';
import { formatVerdict, pipelineRunVerdict } from '../../harness/cli/tekton/verdict.ts';
import { pipelineRunManifest } from '../../harness/tekton/pipelinerun.ts';
import { driftPaths, objectDrift } from '../../harness/tekton/drift.ts';
import type { PipelineRun } from '../../harness/tekton/run-objects.ts';

describe('flags', () => {
  test("run: the Tekton path by default; --local keeps the gate flags; each path refuses the other's", () => {
    expect(parseRunFlags(['--revision', 'v1', '--wait-ms', '5000', '--publish-backend-core', '--output', 'json'])).toMatchObject({
      revision: 'v1',
      'wait-ms': '5000',
      'publish-backend-core': true,
      output: 'json',
    });
    expect(parseRunFlags(['--local', '--gate', 'commit', '--report-dir', 'r'])).toMatchObject({ local: true, gate: ['commit'], 'report-dir': 'r', output: 'text' });
    expect(() => parseRunFlags(['--gate', 'commit'])).toThrow(
      expect.objectContaining({ failureClass: 'input', message: expect.stringContaining('--gate select and place local gate runs: add --local') }),
    );
    expect(() => parseRunFlags(['--local', '--publish-backend-core'])).toThrow(/--publish-backend-core belong to the Tekton run/);
  });
  test('--wait-ms: a positive whole number, else input naming it; --output text|json', () => {
    expect(parseWaitMs(undefined, 600_000, 'u')).toBe(600_000);
    expect(parseWaitMs('1500', 1, 'u')).toBe(1500);
    for (const bad of ['0', '-1', '1.5', 'soon', '']) expect(() => parseWaitMs(bad, 1, 'u')).toThrow(expect.objectContaining({ failureClass: 'input' }));
    expect(parseOutput(undefined, 'u')).toBe('text');
    expect(parseOutput('json', 'u')).toBe('json');
    expect(() => parseOutput('yaml', 'u')).toThrow(/--output "yaml": expected text or json/);
  });
});

describe('the PipelineRuns the CLI creates', () => {
  const repo = 'http://git.example/unidesk.git';
  test('commit: generateName after the Pipeline, params, a fresh reports volume and the git credentials Secret', () => {
    const m = pipelineRunManifest(commitRunRequest(repo, 'master', true), 'r1');
    expect(m.metadata).toMatchObject({ generateName: 'unidesk-ci-commit-', namespace: 'unidesk-ci' });
    expect(m.spec).toMatchObject({
      pipelineRef: { name: 'unidesk-ci-commit' },
      params: [
        { name: 'repo-url', value: repo },
        { name: 'revision', value: 'master' },
        { name: 'publish-backend-core', value: 'true' },
      ],
      taskRunTemplate: { serviceAccountName: 'unidesk-ci-runner' },
    });
    expect(m.spec!.workspaces).toEqual([
      expect.objectContaining({ name: 'reports', volumeClaimTemplate: expect.any(Object) }),
      { name: 'git-credentials', secret: { secretName: GIT_CREDENTIALS_SECRET, defaultMode: 0o400 } },
    ]);
    expect(m.spec).toMatchObject({
      taskRunSpecs: [
        { pipelineTaskName: 'repo-check', serviceAccountName: 'unidesk-ci-repo-check' },
        { pipelineTaskName: 'backend-core-artifact', serviceAccountName: 'unidesk-ci-builder' },
      ],
    });
    expect(commitRunRequest(repo, 'master').params).not.toHaveProperty('publish-backend-core');
  });
  test('publish: unidesk-backend-core-artifact-publish-<suffix> with the commit; dev-e2e with the revision', () => {
    const p = pipelineRunManifest(publishRunRequest(repo, 'abc1234'), 'r1');
    expect(p.metadata.generateName).toBe('unidesk-backend-core-artifact-publish-');
    expect(p.spec!.params).toEqual([
      { name: 'repo-url', value: repo },
      { name: 'commit', value: 'abc1234' },
    ]);
    // the build of the commit's Dockerfile: no token, no rights
    expect(p.spec).toMatchObject({ taskRunSpecs: [{ pipelineTaskName: 'publish', serviceAccountName: 'unidesk-ci-builder' }] });
    const d = pipelineRunManifest(devE2eRunRequest(repo, 'master'), 'r1');
    expect(d.spec!.pipelineRef).toEqual({ name: 'unidesk-ci-dev-e2e' });
    expect(d.metadata.generateName).toBe('unidesk-ci-dev-e2e-');
  });
});

describe('colours', () => {
  test('only on a TTY, never with NO_COLOR', () => {
    expect(colourEnabled({ isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(paintStatus('Failed(CouldntGetTask)', false)).toBe('Failed(CouldntGetTask)');
    expect(paintStatus('Succeeded', true)).toBe('\x1b[32mSucceeded\x1b[0m');
  });
});

describe('drift', () => {
  test('every field the manifest sets must be live; server additions and omitted empties are not drift', () => {
    const want = { spec: { steps: [{ name: 's', image: 'r/x:1', env: [{ name: 'HTTP_PROXY', value: '' }] }], params: [] } };
    const live = { spec: { steps: [{ name: 's', image: 'r/x:1', env: [{ name: 'HTTP_PROXY' }], computeResources: {} }] }, status: {} };
    expect(driftPaths(want, live)).toEqual([]);
    expect(driftPaths(want, { spec: { steps: [{ name: 's', image: 'r/x:2', env: [{ name: 'HTTP_PROXY' }] }] } })).toEqual(['spec.steps[0].image']);
    expect(driftPaths({ a: [1, 2] }, { a: [1] })).toEqual(['a']);
    expect(driftPaths({ port: 8080 }, { port: '8080' })).toEqual([]);
  });
  test('per object: missing, in sync, differs; metadata only by labels and annotations', () => {
    const want = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'unidesk-ci', labels: { a: '1' } }, data: { k: 'v' } };
    expect(objectDrift('ConfigMap unidesk-ci/b', want, undefined)).toEqual({ object: 'ConfigMap unidesk-ci/b', state: 'missing', paths: [] });
    const live = { ...want, metadata: { ...want.metadata, uid: 'u', resourceVersion: '7', managedFields: [] } };
    expect(objectDrift('x', want, live).state).toBe('in sync');
    expect(objectDrift('x', want, { ...live, metadata: { name: 'b' }, data: { k: 'w' } })).toEqual({ object: 'x', state: 'differs', paths: ['metadata.labels', 'data.k'] });
    expect(
      driftCheck([
        { object: 'Task unidesk-ci/t', state: 'differs', paths: ['spec.steps[0].image'] },
        { object: 'Pipeline unidesk-ci/p', state: 'missing', paths: [] },
        { object: 'o', state: 'in sync', paths: [] },
      ]),
    ).toEqual({
      name: 'k3s/ci',
      ok: false,
      detail: 'drift from this checkout (2 of 3 objects; unidesk-ci install applies it): Task unidesk-ci/t differs at spec.steps[0].image; Pipeline unidesk-ci/p missing',
    });
  });
});

describe('the last runs, as tkn pr list shows them', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  const pr = (name: string, cond: { status: string; reason: string }, start?: string, end?: string, results: Array<{ name: string; value: string }> = []): PipelineRun => ({
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name },
    spec: { pipelineRef: { name: 'unidesk-ci-commit' }, params: [{ name: 'revision', value: 'master' }] },
    status: { conditions: [{ type: 'Succeeded', ...cond }], startTime: start, completionTime: end, results },
  });
  test("status with Tekton's reason, commit (or the revision asked for), age and duration", () => {
    const rows = [
      runRow(pr('unidesk-ci-commit-a', { status: 'False', reason: 'CouldntGetTask' }, '2026-12-02T09:57:00Z', '2026-12-02T09:57:01Z'), now),
      runRow(pr('unidesk-ci-commit-b', { status: 'True', reason: 'Succeeded' }, '2026-12-02T08:00:00Z', '2026-12-02T08:02:03Z', [{ name: 'commit', value: 'a'.repeat(40) }]), now),
      runRow(pr('unidesk-ci-commit-c', { status: 'Unknown', reason: 'Running' }, '2026-12-02T09:59:30Z'), now),
    ];
    expect(rows[0]).toEqual({ name: 'unidesk-ci-commit-a', pipeline: 'unidesk-ci-commit', revision: 'master', status: 'Failed(CouldntGetTask)', startTime: '2026-12-02T09:57:00Z', durationMs: 1000 });
    const text = formatRuns(rows, now);
    expect(text[0]).toMatch(/^NAME\s+PIPELINE\s+COMMIT\s+STATUS\s+STARTED\s+DURATION$/);
    expect(text[1]).toMatch(/^unidesk-ci-commit-a\s+unidesk-ci-commit\s+master\s+Failed\(CouldntGetTask\)\s+3 minutes ago\s+1s$/);
    expect(text[2]).toMatch(/aaaaaaaaaaaa\s+Succeeded\s+2 hours ago\s+2m3s$/);
    expect(text[3]).toMatch(/Running\s+30 seconds ago\s+30s$/);
    expect(formatRuns([], now)).toEqual(['No PipelineRuns found']);
    expect([humanDuration(59_000), humanDuration(3_600_000), humanDuration(3_780_000), age(undefined)]).toEqual(['59s', '1h', '1h3m', '---']);
  });
});

describe('status report', () => {
  test('healthy only when every check is ok; the reasons name the failing checks; JSON carries all of it', () => {
    const ok = statusReport([{ name: 'Tekton Pipelines', ok: true, detail: 'v1.12.0' }], [], []);
    expect(ok).toMatchObject({ healthy: true, reasons: [] });
    expect(formatStatus(ok, false).at(-1)).toBe('CI is healthy');
    const bad = statusReport(
      [
        { name: 'Tekton Pipelines', ok: false, detail: 'installed v1.11.0, required v1.12.0' },
        { name: 'budgets', ok: true, detail: 'x' },
      ],
      [],
      [],
    );
    expect(bad.reasons).toEqual(['Tekton Pipelines: installed v1.11.0, required v1.12.0']);
    const text = formatStatus(bad, false);
    expect(text[0]).toBe('Tekton Pipelines  FAIL  installed v1.11.0, required v1.12.0');
    expect(text.at(-1)).toBe('CI is not healthy: Tekton Pipelines: installed v1.11.0, required v1.12.0');
    // a detail naming its subject already is not prefixed twice
    expect(statusReport([{ name: 'Tekton Triggers', ok: false, detail: 'Tekton Triggers v0.34.0 is not installed' }], [], []).reasons).toEqual(['Tekton Triggers v0.34.0 is not installed']);
    expect(JSON.parse(JSON.stringify(bad))).toEqual({ healthy: false, checks: bad.checks, drift: [], runs: [], reasons: bad.reasons });
  });
});

describe('run summary', () => {
  test('text ends with the exit code; JSON is the verdict with results', () => {
    const pr: PipelineRun = {
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name: 'unidesk-backend-core-artifact-publish-x' },
      status: {
        conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }],
        results: [
          { name: 'IMAGE_URL', value: '127.0.0.1:5000/unidesk/backend-core:abc' },
          { name: 'IMAGE_DIGEST', value: 'sha256:00' },
        ],
        pipelineSpec: { tasks: [{ name: 'publish' }] },
        childReferences: [],
      },
    };
    const v = pipelineRunVerdict(pr, []);
    expect(formatVerdict(v)).toEqual([
      'PipelineRun unidesk-backend-core-artifact-publish-x: Succeeded',
      '  TASK  STATUS  CLASS           FIRST FAILURE LINE',
      '  IMAGE_URL=127.0.0.1:5000/unidesk/backend-core:abc',
      '  IMAGE_DIGEST=sha256:00',
      '  exit 0',
    ]);
    expect(JSON.parse(JSON.stringify(v))).toMatchObject({
      name: v.name,
      status: 'Succeeded',
      exitCode: 0,
      results: { IMAGE_URL: '127.0.0.1:5000/unidesk/backend-core:abc', IMAGE_DIGEST: 'sha256:00' },
      tasks: [],
    });
  });
});

describe('install: the closing table', () => {
  test('from the apply lines of the gate output, changes first, with the counts', async () => {
    const { applyTable } = await import('../../harness/cli/apply-table.ts');
    const out = [
      '[install] setup: janitor ...',
      '[install] apply: Namespace unidesk-ci unchanged',
      '[install] apply: Task unidesk-ci/unidesk-ci-repo-check changed',
      'apply: Pipeline unidesk-ci/unidesk-ci-commit created',
      '[install] apply: nonsense',
    ].join('\n');
    expect(applyTable(out)).toEqual([
      '',
      'k3s/ci as applied:',
      '  OBJECT                                 RESULT',
      '  Pipeline unidesk-ci/unidesk-ci-commit  created',
      '  Task unidesk-ci/unidesk-ci-repo-check  changed',
      '  Namespace unidesk-ci                   unchanged',
      '  1 created, 1 changed, 1 unchanged',
    ]);
    expect(applyTable('nothing applied')).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  test('the first one starts the cancellation, the second exits at once with 130', async () => {
    const { sigintHandler } = await import('../../harness/cli/tekton/flow.ts');
    const interrupted = new AbortController();
    const exits: number[] = [];
    const onSigint = sigintHandler(interrupted, (c) => exits.push(c));
    onSigint();
    expect([interrupted.signal.aborted, exits]).toEqual([true, []]);
    onSigint();
    expect(exits).toEqual([130]);
  });
});

// Every Task and Pipeline in k3s/ci passes the controller's resolution and validation (no field
// it refuses), and a run of each gets as far as pulling the step image: with no step runner for
// the harness image here, the first TaskRun fails TaskRunImagePullFailed naming it. (Running the
// steps for real is the harness image runner's end-to-end suite.)
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { create, finished, get, haveCrds, startTektonLab, succeeded, type Lab } from './support.ts';

type Doc = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { params?: { name: string; default?: unknown }[]; tasks?: { name: string; taskRef?: { name: string } }[]; steps?: { image: string }[] };
};
const dir = resolve(import.meta.dirname, '../../../k3s/ci');
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Doc | null))
  .filter((d): d is Doc => d?.kind === 'Task' || d?.kind === 'Pipeline');
const pipelines = docs.filter((d) => d.kind === 'Pipeline');

let c: Lab;
beforeAll(async () => {
  c = await startTektonLab('k3s-ci');
  for (const d of docs) await create(c, d.kind === 'Task' ? 'tasks' : 'pipelines', { metadata: { name: d.metadata.name, labels: { from: 'k3s-ci' } }, spec: d.spec });
});
afterAll(() => c?.double.stop());

describe.skipIf(!haveCrds())('k3s/ci through the lab controller', () => {
  test('k3s/ci has Pipelines', () => expect(pipelines.length).toBeGreaterThanOrEqual(3));

  test.each(pipelines.map((p) => [p.metadata.name, p] as const))('%s: validated, its first step waits for the harness image', async (name, p) => {
    const params = (p.spec.params ?? []).filter((x) => x.default === undefined).map((x) => ({ name: x.name, value: 'lab' }));
    const run = `${name.slice(0, 40)}-run`;
    await create(c, 'pipelineruns', {
      metadata: { name: run },
      spec: {
        pipelineRef: { name },
        taskRunTemplate: { serviceAccountName: 'default' },
        params,
        workspaces: [{ name: 'reports', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } }],
      },
    });
    const pr = await finished(c, 'pipelineruns', run);
    expect(succeeded(pr)).toMatchObject({ status: 'False', reason: 'Failed' });
    const first = p.spec.tasks![0];
    const image = docs.find((d) => d.kind === 'Task' && d.metadata.name === first.taskRef!.name)!.spec.steps![0].image;
    const tr = await get(c, 'taskruns', pr.status!.childReferences[0].name);
    expect(succeeded(tr)).toMatchObject({ reason: 'TaskRunImagePullFailed' });
    expect(succeeded(tr)!.message).toContain(`failed to pull the image "${image}"`);
  });
});

// Issue 15: code of the commit under test never sees a credential. The commit gate runs, through
// the lab's Tekton as the CLI creates the run, on hostile/read-secrets, whose `check` tries to read
// the ServiceAccount token, the git credentials, every /proc/*/environ (the harness's first) and
// what they point at, and credential-looking files in /tmp; it prints a sha256 per thing it read.
// No hash of a secret of the lab may appear. Without the uid switch or without the repo-check
// ServiceAccount this fails (docs/commit-gate.md says how it was tried).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { commitRunRequest } from '../../harness/cli/tekton/pipelines.ts';
import { createPipelineRun, listTaskRuns, pipelineRunLogs, pipelineRunManifest, prefixed, resultsOf, succeededCondition, waitForPipelineRun, type PipelineRun } from '../../harness/tekton/index.ts';
import { installLabCi, type LabCi } from '../../fixtures/lab/tekton/ci.ts';
import { useLab } from '../support/lab.ts';
import { HOSTILE_BRANCH, pushHostileBranch } from '../support/hostile-branch.ts';

const lab = useLab(['proxy', 'git', 'registry', 'postgres', 'cluster', 'tekton'], 300_000);
let ci: LabCi;
beforeAll(async () => {
  ci = await installLabCi(lab.env, (l) => console.log(l));
  await pushHostileBranch(lab.env.LAB_GIT_ROOT!);
}, 1_200_000);

const WAIT = 300_000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const repoCheck = async (pr: PipelineRun) => (await listTaskRuns(ci.kube, pr.metadata.name)).find((t) => t.metadata.labels?.['tekton.dev/pipelineTask'] === 'repo-check');
/** The commit-gate step's lines, without the `[repo-check : commit-gate] ` prefix. */
const gateLines = async (pr: PipelineRun) =>
  prefixed(await pipelineRunLogs(ci.kube, pr))
    .filter((l) => l.startsWith('[repo-check : commit-gate] '))
    .map((l) => l.slice('[repo-check : commit-gate] '.length));

/** Every ServiceAccount token the lab's kubelet and Tekton wrote (token files and kubeconfigs). */
function labTokens(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && e.name === 'token') out.push(readFileSync(p, 'utf8').trim());
      else if (e.isFile() && /kubeconfig/.test(e.name)) out.push(...[...readFileSync(p, 'utf8').matchAll(/token: (\S+)/g)].map((m) => m[1]));
    }
  };
  walk(dir);
  return [...new Set(out)];
}

/** The lab's secrets: git password, database URLs and their passwords, the webhook key, every ServiceAccount token. */
function labSecrets(): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [k, v] of Object.entries(lab.env)) {
    if (!v || !/PASSWORD|SECRET|TOKEN|DATABASE_URL/.test(k)) continue;
    secrets.set(k, v);
    if (/DATABASE_URL/.test(k)) secrets.set(`${k} password`, decodeURIComponent(new URL(v).password));
  }
  secrets.set('webhook secret', ci.webhookSecret);
  for (const [i, t] of labTokens(lab.dir).entries()) secrets.set(`ServiceAccount token ${i}`, t);
  return secrets;
}

test(
  'hostile/read-secrets: its check ran as another uid and read no secret — no token mounted, credentials and every other environment denied',
  async () => {
    const created = await createPipelineRun(ci.kube, commitRunRequest(lab.env.UNIDESK_CI_REPO_URL!, HOSTILE_BRANCH));
    const pr = await waitForPipelineRun(ci.kube, created.metadata.name, { timeoutMs: WAIT, log: () => undefined });
    const lines = await gateLines(pr);
    const text = lines.join('\n');
    const check = await repoCheck(pr);
    expect(succeededCondition(check), text).toMatchObject({ status: 'True' });
    expect(resultsOf(check)['failure-class']).toBe('none');
    expect(text).toMatch(/^\[commit : check\] hostile: done, \d+ paths tried$/m);
    // and no hash of any secret: the check is not vacuous (tokens and the git password are known)
    const secrets = labSecrets();
    expect(
      [...secrets.keys()].some((k) => k.startsWith('ServiceAccount token')),
      [...secrets.keys()].join(', '),
    ).toBe(true);
    expect(secrets.has('UNIDESK_CI_GIT_PASSWORD')).toBe(true);
    const leaked = [...secrets].filter(([, v]) => [v, `${v}\n`].some((x) => text.includes(sha(x)))).map(([k]) => k);
    expect(leaked).toEqual([]);
    expect(text).toMatch(/^\[commit : sandbox\] repository commands run as uid 65532:65532/m);
    expect(text).toMatch(/^\[commit : check\] hostile: uid 65532 /m);
    expect(text).toMatch(/^\[commit : check\] read \/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token: missing$/m);
    expect(text).toMatch(/^\[commit : check\] read \/workspace\/git-credentials\/password: missing$/m);
    const harness = /^\[commit : check\] hostile: harness (\/proc\/\d+)$/m.exec(text)?.[1];
    expect(harness, text).toBeDefined();
    expect(text).toContain(`[commit : check] read ${harness}/environ: denied`);
    expect(text).toContain(`[commit : check] read ${harness}/fd: denied`);
    expect(text.match(/read \/proc\/\d+\/environ: denied/g)?.length ?? 0).toBeGreaterThan(3);
    // the lab's state (TaskRun dirs with the Secret workspace, kubeconfigs) is closed to it
    expect(text).toContain(`[commit : check] read ${lab.dir}: denied`);
  },
  WAIT + 60_000,
);

test(
  'a PipelineRun without the repo-check ServiceAccount fails closed: the token is mounted, the gate refuses to run the commit',
  async () => {
    const body = pipelineRunManifest(commitRunRequest(lab.env.UNIDESK_CI_REPO_URL!, 'master'), ci.kube.runId);
    delete (body.spec as { taskRunSpecs?: unknown }).taskRunSpecs;
    const created = (await ci.kube.objects.create(body as k8s.KubernetesObject)) as unknown as PipelineRun;
    const pr = await waitForPipelineRun(ci.kube, created.metadata.name!, { timeoutMs: WAIT, log: () => undefined });
    const text = (await gateLines(pr)).join('\n');
    const r = resultsOf(await repoCheck(pr));
    expect(r['failure-class'], text).toBe('infra.cluster');
    expect(r['failure-message']).toMatch(/serviceaccount\/token is readable by uid 65532.*refusing to run it/);
    expect(text).toContain('unidesk-ci-repo-check');
    // nothing of the commit ran
    expect(text).not.toMatch(/\[commit : (install-root|install-src|check)\] \$/);
  },
  WAIT + 60_000,
);

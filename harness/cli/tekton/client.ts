// What `run`, `publish-backend-core` and `run-dev-e2e` share on their Tekton path: one
// configuration parse, the input checked before anything is created (the remote named, the revision
// resolved on it), then the PipelineRun created and followed (flow.ts). Progress and logs go to
// stdout, or to stderr under --output json so stdout carries only the JSON summary.
import { loadConfig, required, type RunConfig } from '../../config.ts';
import { gitAccessFrom } from '../../git/access.ts';
import { resolveRevisionDetailed } from '../../git/resolve.ts';
import { kubeForRun } from '../../kube/kube.ts';
import type { PipelineRunRequest } from '../../tekton/pipelinerun.ts';
import { colourEnabled } from '../style.ts';
import { runPipelineFlow, type FlowOutcome } from './flow.ts';
import { printers, type OutputFormat } from './options.ts';

export type TektonRunOptions = {
  env: Record<string, string | undefined>;
  output: OutputFormat;
  waitMs: number;
  /** The revision to resolve on the remote before anything is created. */
  revision: string;
  /** What to create, once the input is valid. */
  request: (repoUrl: string, revision: string) => PipelineRunRequest;
  /** Tests and --lab: instead of process signals. */
  interrupt?: AbortSignal;
  say?: (line: string) => void;
  print?: (line: string) => void;
};

export type TektonRunOutcome = FlowOutcome & { commit: string };

/** The remote the PipelineRun clones, and the revision resolved there: an `input` error before any object exists. */
export async function checkRevision(config: RunConfig, revision: string, say: (l: string) => void): Promise<{ repoUrl: string; commit: string }> {
  const repoUrl = required(config.repoUrl, 'UNIDESK_CI_REPO_URL', 'the git remote the PipelineRun clones (http/https, no credentials)');
  const started = Date.now();
  const resolved = await resolveRevisionDetailed({ remote: repoUrl, revision, ...gitAccessFrom(config), timeoutMs: Math.min(config.waitMs, 120_000) });
  say(`revision ${revision} is ${resolved.commit}${resolved.ref ? ` (${resolved.ref})` : ''} on ${repoUrl} (${Date.now() - started} ms)`);
  return { repoUrl, commit: resolved.commit };
}

export async function runTekton(o: TektonRunOptions): Promise<TektonRunOutcome> {
  const { say, print } = { ...printers(o.output), ...(o.say ? { say: o.say } : {}), ...(o.print ? { print: o.print } : {}) };
  // the revision (a flag or the variable) is checked by the schema: bad syntax is input before any git request
  const config = loadConfig({ ...o.env, UNIDESK_CI_REVISION: o.revision });
  const { repoUrl, commit } = await checkRevision(config, config.revision, say);
  const kube = kubeForRun(config, say);
  const out = await runPipelineFlow({
    kube,
    request: o.request(repoUrl, config.revision),
    waitMs: o.waitMs,
    say,
    print,
    json: o.output === 'json',
    interrupt: o.interrupt,
    colour: o.output === 'text' && !o.print && colourEnabled(),
  });
  return { ...out, commit };
}

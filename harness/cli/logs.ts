// unidesk-ci logs: the step logs of a PipelineRun (the newest CI run when none is named), every TaskRun's steps in
// Pipeline order with `[task : step] ` prefixes, as `tkn pr logs` prints them; -f follows a running
// one to its end. A run that does not exist is an `input` error naming the last few runs.
import { parseArgs } from 'node:util';
import { CI_NAMESPACE, loadConfig } from '../config.ts';
import { CiError } from '../failure.ts';
import { isNotFound } from '../kube/errors.ts';
import { kubeForRun } from '../kube/kube.ts';
import { succeededCondition, tknStatus } from '../tekton/condition.ts';
import { listPipelineRuns } from '../tekton/list.ts';
import { followPipelineRunLogs } from '../tekton/log-follow.ts';
import { pipelineRunLogs, prefixed } from '../tekton/logs.ts';
import { readPipelineRun } from '../tekton/pipelinerun.ts';
import type { Command } from './command.ts';

const USAGE = 'unidesk-ci logs [<pipelinerun>] [-f|--follow]';

export const logsCommand: Command = {
  name: 'logs',
  summary: "a PipelineRun's step logs as [task : step] lines (the newest run by default); -f follows it",
  usage: USAGE,
  run: (argv) => logs(argv),
};

export async function logs(argv: string[], env: NodeJS.ProcessEnv = process.env, out: (l: string) => void = (l) => console.log(l)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { follow: { type: 'boolean', short: 'f' } }, strict: true, allowPositionals: true });
  } catch (e) {
    throw new CiError('input', `${(e as Error).message}\n\nusage: ${USAGE}`);
  }
  if (parsed.positionals.length > 1) throw new CiError('input', `name one PipelineRun, not ${parsed.positionals.length}\n\nusage: ${USAGE}`);
  const config = loadConfig(env);
  const kube = kubeForRun(config, (l) => console.error(l));
  const recent = () => listPipelineRuns(kube, 5).then((runs) => runs.map((r) => `  ${r.metadata.name}  ${tknStatus(succeededCondition(r))}`).join('\n') || '  (none)');
  let name = parsed.positionals[0];
  if (!name) {
    const [newest] = await listPipelineRuns(kube, 1);
    if (!newest) throw new CiError('input', `no PipelineRun in ${CI_NAMESPACE} yet: start one with unidesk-ci run --revision <rev>`);
    name = newest.metadata.name;
  }
  const pr = await readPipelineRun(kube, name).catch(async (e) => {
    if (isNotFound(e)) throw new CiError('input', `PipelineRun ${name} not found in ${CI_NAMESPACE}; the last runs are:\n${await recent()}`);
    throw e;
  });
  if (parsed.values.follow) {
    await followPipelineRunLogs(kube, name, { onLine: out });
  } else {
    for (const line of prefixed(await pipelineRunLogs(kube, pr))) out(line);
  }
  const final = await readPipelineRun(kube, name);
  const c = succeededCondition(final);
  if (c?.status === 'False') out(`PipelineRun ${name} has failed: ${c.message ?? c.reason ?? ''}`);
  return 0;
}

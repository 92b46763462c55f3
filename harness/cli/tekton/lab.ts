// --lab on the Tekton path: the embedded lab with its cluster double and Tekton controller, CI
// installed into it as an operator would (the step image of this checkout built or reused, k3s/ci
// applied, the Secrets created), then the command runs against it as against D601; the lab stops
// afterwards. The lab is test tooling and a program of its own (fixtures/lab/ci-program.ts): the
// harness starts it like kubectl, by its command line, and reads its environment from the file it
// writes once up. It shares the terminal's process group, so Ctrl-C stops it as it stops the
// command (the command's own interrupt handling stands down here), and it stops when its stdin
// closes, however this process ends.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CiError, isFailureClass } from '../../failure.ts';
import { REPO_ROOT } from '../../tekton/index.ts';

/** The lab program, run from this checkout (the lab exists only where the project's fixtures do). */
const LAB_PROGRAM = join(REPO_ROOT, 'fixtures', 'lab', 'ci-program.ts');

type LabReady = { env: Record<string, string> } | { failureClass?: string; message: string };

export async function withLabCi<T>(
  base: Record<string, string | undefined>,
  say: (l: string) => void,
  fn: (env: Record<string, string | undefined>, interrupt: AbortSignal) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'unidesk-ci-lab-'));
  const readyFile = join(dir, 'ready.json');
  const lab = spawn(process.execPath, [LAB_PROGRAM, '--ready-file', readyFile], { cwd: REPO_ROOT, env: base as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  for (const stream of [lab.stdout, lab.stderr]) createInterface({ input: stream }).on('line', say);
  const exited = once(lab, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    const ready = await labReady(readyFile, exited);
    if (!('env' in ready)) throw new CiError(isFailureClass(ready.failureClass) ? ready.failureClass : 'internal', `lab: ${ready.message}`);
    const env = { ...base, ...ready.env, UNIDESK_CI_LAB: '1', UNIDESK_CI_LAB_EXTERNAL: '1' };
    return await fn(env, new AbortController().signal);
  } finally {
    lab.stdin.end();
    if (lab.exitCode === null && lab.signalCode === null) await exited;
    await rm(dir, { recursive: true, force: true });
  }
}

/** The lab's ready file, or a failure when it ends without writing one. */
export async function labReady(file: string, exited: Promise<[number | null, NodeJS.Signals | null]>): Promise<LabReady> {
  let done: [number | null, NodeJS.Signals | null] | undefined;
  void exited.then((r) => (done = r));
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return JSON.parse(text) as LabReady;
    if (done) return { failureClass: 'internal', message: `the lab program ended (${done[1] ?? `exit ${done[0]}`}) before it was up` };
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A step as a local process, the way Tekton's entrypoint runs it: set -e for scripts without a
// shebang, only the step's env (plus PATH and HOME), exit codes, and abort ending the whole tree.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runLocalStep, scriptFile } from '../../fixtures/lab/cluster/controllers/tekton/local-step.ts';
import type { TektonStep } from '../../fixtures/lab/cluster/controllers/tekton/step-runner.ts';

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'tekton-local-step-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const step = (o: Partial<TektonStep>): TektonStep => ({
  namespace: 'ns',
  taskRun: 'tr',
  pod: 'tr-pod',
  container: 'step-s',
  name: 's',
  image: 'lab.test/sh:1',
  env: {},
  serviceAccount: { namespace: 'ns', name: 'default' },
  ...o,
});
async function run(o: Partial<TektonStep>, signal = new AbortController().signal) {
  let out = '';
  const r = await runLocalStep(step(o), { dir, signal, log: (c) => (out += c) });
  return { ...r, out };
}

describe('scriptFile', () => {
  test.each([
    ['echo hi', '#!/bin/sh\nset -e\necho hi'],
    ['#!/bin/bash\necho hi', '#!/bin/bash\necho hi'],
  ])('%j', (script, want) => expect(scriptFile(script)).toBe(want));
});

describe('runLocalStep', () => {
  test.each<[string, Partial<TektonStep>, number, string]>([
    ['a script stops at the first failing command (set -e)', { script: 'echo one\nfalse\necho two' }, 1, 'one\n'],
    ['its own shebang is kept', { script: '#!/bin/sh\nfalse\necho two' }, 0, 'two\n'],
    ["the exit code is the process's", { script: 'exit 42' }, 42, ''],
    ['command and args', { command: ['/bin/echo'], args: ['a', 'b'] }, 0, 'a b\n'],
    ['script args', { script: 'echo "$1-$2"', args: ['x', 'y'] }, 0, 'x-y\n'],
    ['stderr is in the log too', { script: 'echo err >&2' }, 0, 'err\n'],
    ['only the step env, PATH and HOME', { script: 'env | cut -d= -f1 | grep -v -e PWD -e SHLVL -e "^_$" | sort | tr "\\n" " "', env: { A: '1' } }, 0, 'A HOME PATH '],
    ['a missing command', { command: ['/nonexistent/tool'] }, 127, '/nonexistent/tool: spawn /nonexistent/tool ENOENT\n'],
  ])('%s', async (_, o, code, out) => expect(await run(o)).toEqual({ exitCode: code, out }));

  test('abort ends the whole process group, background children included', async () => {
    const ac = new AbortController();
    const pidFile = join(dir, 'pids');
    const p = run({ script: `sleep 300 & echo $! > ${pidFile}; wait` }, ac.signal);
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 30));
      pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    }
    expect(pid).toBeGreaterThan(0);
    ac.abort();
    expect((await p).exitCode).toBe(143);
    const gone = () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    for (let i = 0; i < 100 && !gone(); i++) await new Promise((r) => setTimeout(r, 30));
    expect(gone()).toBe(true);
  });
});

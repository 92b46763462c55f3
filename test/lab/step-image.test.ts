// The real step image, built in the lab: `ensureStepImage` builds k3s/image/Containerfile FROM the
// lab's Debian base (mmdebstrap, cached), pushes it to the lab registry and verifies it by digest;
// a second call with nothing changed reuses it within seconds. Inside the image (`buildah run`):
// Node 24, bun, git, cargo, buildah, skopeo and ctr run, /opt/unidesk-ci computes the same tag,
// and `vitest list --project commit` lists the commit gate's steps from the image's own copy.
// (Do not edit the checkout while this runs: the image is built from the files as they are then.)
import { describe, expect, test } from 'vitest';
import { useLab } from '../support/lab.ts';
import { CONTENT_HASH_LABEL, ensureStepImage, servedStepImage, stepImageBuildEnv, stepImageTag, type EnsuredStepImage } from '../../harness/image/step-image/index.ts';
import { runProcess } from '../../harness/process/run.ts';
import { REPO_ROOT } from '../../harness/tekton/index.ts';

const lab = useLab(['registry']);
const env = () => ({ ...process.env, ...lab.env });

let first: EnsuredStepImage;
const lines: string[] = [];

async function inImage(image: string, command: string[]): Promise<{ exitCode: number; out: string }> {
  const buildEnv = await stepImageBuildEnv(env());
  const from = await runProcess('buildah', ['from', '--pull=never', image], { env: buildEnv });
  expect(from.exitCode, from.tail).toBe(0);
  const ctr = from.stdout.trim();
  try {
    const r = await runProcess('buildah', ['run', '--isolation', 'chroot', '--workingdir', '/opt/unidesk-ci', ctr, '--', ...command], { env: buildEnv, timeoutMs: 300_000, tailLines: 400 });
    return { exitCode: r.exitCode, out: r.tail };
  } finally {
    await runProcess('buildah', ['rm', ctr], { env: buildEnv });
  }
}

describe('the harness step image', () => {
  test('is built from the lab Debian base, pushed and verified by digest, with progress lines', { timeout: 1_200_000 }, async () => {
    // rebuild: other labs of this machine may have built this tag already (then reused from the build storage)
    first = await ensureStepImage({ registry: lab.env.UNIDESK_CI_REGISTRY, env: env(), log: (l) => lines.push(l), rebuild: true });
    const { tag, contentHash } = await stepImageTag(REPO_ROOT);
    expect(first).toMatchObject({ built: true, tag, contentHash, ref: `${lab.env.UNIDESK_CI_REGISTRY}/unidesk/unidesk-ci:${tag}` });
    expect(first.tag).toMatch(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    const served = await servedStepImage(lab.env.UNIDESK_CI_REGISTRY, first.ref);
    expect(served).toMatchObject({ digest: first.digest, contentHash, baseImage: lab.env.UNIDESK_CI_STEP_BASE_IMAGE });
    expect(served!.labels[CONTENT_HASH_LABEL]).toBe(contentHash);
    expect(served!.labels['unidesk.ai/service-id']).toBe('unidesk-ci');
    // the lab's base is its own Debian, pinned by digest
    expect(lab.env.UNIDESK_CI_STEP_BASE_IMAGE).toMatch(/^localhost\/unidesk-lab\/debian-base:[0-9a-f]{16}@sha256:[0-9a-f]{64}$/);
    const log = lines.join('\n');
    expect(log).toMatch(/step image build: STEP 1\/\d+: FROM localhost\/unidesk-lab\/debian-base/);
    expect(log).toMatch(/step image push: \S+ in \d+ s/);
    expect(log).toContain(`pushed and verified by digest ${first.digest}`);
  });

  test('a second ensure with nothing changed reuses the served image: no build, seconds', async () => {
    const again: string[] = [];
    const second = await ensureStepImage({ registry: lab.env.UNIDESK_CI_REGISTRY, env: env(), log: (l) => again.push(l) });
    expect(second).toMatchObject({ built: false, digest: first.digest, ref: first.ref });
    expect(second.durationMs).toBeLessThan(10_000);
    expect(again.join('\n')).toMatch(/reused, nothing built/);
    expect(again.join('\n')).not.toMatch(/STEP \d/);
  });

  test('inside: Node 24, bun, git, cargo, buildah, skopeo, ctr run', { timeout: 300_000 }, async () => {
    const image = `localhost/unidesk/unidesk-ci:${first.tag}`;
    const r = await inImage(image, ['sh', '-c', 'node --version && bun --version && git --version && cargo --version && buildah --version && skopeo --version && ctr --version && pwd']);
    expect(r.exitCode, r.out).toBe(0);
    expect(r.out).toMatch(/^v24\.\d+\.\d+$/m);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+$/m); // bun
    expect(r.out).toMatch(/^git version 2\./m);
    expect(r.out).toMatch(/^cargo \d+\.\d+/m);
    expect(r.out).toMatch(/^buildah version \d/m);
    expect(r.out).toMatch(/^skopeo version \d/m);
    expect(r.out).toMatch(/^ctr (github\.com\/containerd\/containerd )?\S*\d/m);
    expect(r.out).toMatch(/^\/opt\/unidesk-ci$/m);
  });

  test('inside: /opt/unidesk-ci is this checkout (same tag) and vitest lists the commit gate from it', { timeout: 300_000 }, async () => {
    const image = `localhost/unidesk/unidesk-ci:${first.tag}`;
    const tag = await inImage(image, [
      'node',
      '-e',
      "import('/opt/unidesk-ci/harness/image/step-image/tag.ts').then(async (m) => console.log('tag=' + (await m.computeStepImageTag('/opt/unidesk-ci')).tag))",
    ]);
    expect(tag.exitCode, tag.out).toBe(0);
    expect(tag.out).toContain(`tag=${first.tag}`);
    // --no-static-parse: the gate's steps are `gate.step(...)` calls, which Vitest 5's AST lister does not see
    const list = await inImage(image, ['node_modules/.bin/vitest', 'list', '--project', 'commit', '--no-static-parse']);
    expect(list.exitCode, list.out).toBe(0);
    expect(list.out).toContain('git clone and checkout of the requested revision');
    expect(list.out).toContain('[commit] suites/commit/commit.test.ts > bun install --frozen-lockfile at the repo root');
    expect(list.out).toContain('check --full --rust');
    // dev-only packages were pruned
    const pruned = await inImage(image, ['sh', '-c', 'test ! -e node_modules/typescript && test ! -e node_modules/node && test -x node_modules/.bin/vitest && echo pruned']);
    expect(pruned.out).toContain('pruned');
  });
});

// k3s/ci names the step image symbolically; install renders the kustomization's `images:` with
// the checkout's tag before the policies and the apply. Unrendered, the image is refused.
import { describe, expect, test } from 'vitest';
import { loadManifests, policyViolations, type Manifest } from '../../harness/kube/index.ts';
import { kustomizationImages } from '../../harness/kube/manifests.ts';
import { STEP_IMAGE_NAME, mapImage, renderImages, withStepImageTag } from '../../harness/kube/render.ts';
import { stepsOf } from '../../harness/kube/policy.ts';
import { K3S_CI } from './manifests-support.ts';

const raw = (await loadManifests(K3S_CI)).map((m) => m.object);
const mappings = await kustomizationImages(K3S_CI);
const TAG = '0.1.0-0123456789ab';
const stepImages = (all: readonly Manifest[]) => all.flatMap((o) => stepsOf(o)).map((s) => s.step.image as string);
const prewarmLines = (all: readonly Manifest[]) =>
  (all.find((o) => o.metadata.name === 'unidesk-ci-prewarm-images') as Manifest & { data: { images: string } }).data.images.split('\n').filter(Boolean);

describe('rendering the step image', () => {
  test('every Task step names the symbolic step image; no hard-coded tag is left in k3s/ci', () => {
    expect(new Set(stepImages(raw))).toEqual(new Set([STEP_IMAGE_NAME]));
    expect(mappings).toEqual([{ name: STEP_IMAGE_NAME, newName: '127.0.0.1:5000/unidesk/unidesk-ci' }]);
  });

  test('unrendered (kubectl apply -k without the tag), the step image is refused by the policies', () => {
    const asKustomizeLeavesIt = renderImages(raw, mappings);
    expect(new Set(stepImages(asKustomizeLeavesIt))).toEqual(new Set(['127.0.0.1:5000/unidesk/unidesk-ci']));
    const v = policyViolations(asKustomizeLeavesIt).filter((x) => x.rule === 'pinned-images');
    expect(v.map((x) => x.message)).toContain('step unidesk-ci-perf/perf-gate: 127.0.0.1:5000/unidesk/unidesk-ci has no tag or digest (implies latest)');
    // and the bare symbolic name, applied as is, likewise
    expect(policyViolations(raw).some((x) => x.rule === 'pinned-images' && x.message.includes(`${STEP_IMAGE_NAME} has no tag`))).toBe(true);
  });

  test('rendered with a tag: every step runs <registry>/unidesk/unidesk-ci:<tag>, the prewarm list holds it, no violation', () => {
    const rendered = renderImages(raw, withStepImageTag(mappings, TAG));
    expect(new Set(stepImages(rendered))).toEqual(new Set([`127.0.0.1:5000/unidesk/unidesk-ci:${TAG}`]));
    expect(prewarmLines(rendered)).toContain(`127.0.0.1:5000/unidesk/unidesk-ci:${TAG}`);
    expect(policyViolations(rendered)).toEqual([]);
    // the loaded objects themselves are untouched
    expect(new Set(stepImages(raw))).toEqual(new Set([STEP_IMAGE_NAME]));
  });

  test('a rendered latest or a foreign registry is still refused', () => {
    const latest = renderImages(raw, withStepImageTag(mappings, 'latest'));
    expect(policyViolations(latest).some((x) => x.rule === 'pinned-images' && /uses the mutable tag latest/.test(x.message))).toBe(true);
  });

  test('kustomize semantics: name match without tag, newName/newTag/digest', () => {
    const m = [
      { name: 'a', newName: 'r/b', newTag: '2' },
      { name: 'c', digest: `sha256:${'f'.repeat(64)}` },
    ];
    expect(mapImage('a', m)).toBe('r/b:2');
    expect(mapImage('a:1', m)).toBe('r/b:2');
    expect(mapImage('c:1', m)).toBe(`c@sha256:${'f'.repeat(64)}`);
    expect(mapImage('ab:1', m)).toBe('ab:1');
    expect(mapImage('127.0.0.1:5000/x:1', [{ name: '127.0.0.1:5000/x', newTag: '3' }])).toBe('127.0.0.1:5000/x:3');
  });

  test('a kustomization without the step image mapping, or mapping it to a foreign registry, is an input error', () => {
    expect(() => withStepImageTag([], TAG)).toThrow(/images has no entry for unidesk-ci-step/);
    expect(() => withStepImageTag([{ name: STEP_IMAGE_NAME, newName: 'docker.io/unidesk/unidesk-ci' }], TAG)).toThrow(/maps to docker\.io\/unidesk\/unidesk-ci, which is not on a loopback registry/);
    expect(() => withStepImageTag([{ name: STEP_IMAGE_NAME }], TAG)).toThrow(/not on a loopback registry/);
  });
});

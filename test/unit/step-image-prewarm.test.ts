// The prewarm list's Tekton helpers come from the controller Deployment's args (upstream v1.12.0
// shape, as the lab's stand-in carries them); the step image is appended; the lab mirror's
// stand-ins replace digests only where it declares one.
import { describe, expect, test } from 'vitest';
import { componentObjects } from '../../fixtures/lab/tekton/components.ts';
import { composePrewarmList, throughMirror } from '../../harness/image/prewarm/compose.ts';
import { parsePrewarmList } from '../../harness/image/prewarm/list.ts';
import { helperImagesFromArgs, helperImagesOfDeployment } from '../../harness/image/prewarm/tekton-helpers.ts';
import { TEKTON_PIPELINES } from '../../harness/tekton/index.ts';
import { prewarmListYaml } from '../support/lab.ts';

const controller = componentObjects(TEKTON_PIPELINES, 'v1.12.0').find((o) => o.metadata.name === 'tekton-pipelines-controller')!;

describe('Tekton helper images', () => {
  test('read from the stand-in controller Deployment: the Linux helpers, pinned by digest as upstream v1.12.0 ships them', () => {
    const helpers = helperImagesOfDeployment(controller as never);
    expect(helpers.map((h) => h.flag)).toEqual(['entrypoint-image', 'nop-image', 'sidecarlogresults-image', 'workingdirinit-image', 'shell-image']);
    for (const h of helpers) expect(h.image).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(helpers[0]!.image).toMatch(/^ghcr\.io\/tektoncd\/pipeline\/entrypoint-bff0a22da108bc2f16c818c97641a296:v1\.12\.0@/);
  });

  test('both flag forms; a flag without value and a Deployment without -entrypoint-image are refused', () => {
    expect(helperImagesFromArgs(['-nop-image=a:1', '--entrypoint-image', 'b:2', '-shell-image-win', 'w:1', '-v', '3'])).toEqual([
      { flag: 'nop-image', image: 'a:1' },
      { flag: 'entrypoint-image', image: 'b:2' },
    ]);
    expect(() => helperImagesFromArgs(['-nop-image'])).toThrow(/-nop-image has no image/);
    expect(() => helperImagesOfDeployment({ spec: { template: { spec: { containers: [{ name: 'tekton-pipelines-controller', args: ['-nop-image', 'a:1'] }] } } } })).toThrow(
      /has no -entrypoint-image arg/,
    );
  });

  test('composed: list file, helpers, step image, each once; an unpinned helper is refused', () => {
    const listed = parsePrewarmList(prewarmListYaml('oven/bun:1-debian'));
    const all = composePrewarmList(
      listed,
      [
        { flag: 'entrypoint-image', image: 'ghcr.io/x/e:1' },
        { flag: 'nop-image', image: 'oven/bun:1-debian' },
      ],
      '127.0.0.1:5000/unidesk/unidesk-ci:0.1.0-0123456789ab',
    );
    expect(all.map((i) => i.name)).toEqual(['docker.io/oven/bun:1-debian', 'ghcr.io/x/e:1', '127.0.0.1:5000/unidesk/unidesk-ci:0.1.0-0123456789ab']);
    expect(() => composePrewarmList(listed, [{ flag: 'nop-image', image: 'ghcr.io/x/nop' }])).toThrow(/-nop-image: ghcr.io\/x\/nop is not pinned/);
  });

  test('through the lab mirror: declared stand-in digests replace the pinned ones, nothing else changes', () => {
    const pinned = `sha256:${'1'.repeat(64)}`;
    const standIn = `sha256:${'2'.repeat(64)}`;
    const images = parsePrewarmList(prewarmListYaml(`ghcr.io/x/e:1@${pinned}`, 'oven/bun:1-debian'));
    const through = throughMirror(images, { [pinned]: standIn });
    expect(through.map((i) => [i.name, i.digest])).toEqual([
      [`ghcr.io/x/e:1@${pinned}`, standIn],
      ['docker.io/oven/bun:1-debian', undefined],
    ]);
  });
});

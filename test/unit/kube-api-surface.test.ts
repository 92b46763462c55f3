// The harness's Kubernetes API offers no unguarded write: rawApply (SSA without the write guard)
// is only importable from its own module by lab fixtures, never from harness/kube.
import { expect, test } from 'vitest';
import * as kube from '../../harness/kube/index.ts';

test('harness/kube exports no unguarded apply', () => {
  expect(Object.keys(kube)).not.toContain('rawApply');
  expect(Object.keys(kube)).toEqual(expect.arrayContaining(['applyObject', 'applyCiManifests', 'write', 'rawRead']));
});

// kubectl's rollout rules, as a pure function over the Deployment main resource.
import { describe, expect, test } from 'vitest';
import type * as k8s from '@kubernetes/client-node';
import { rolloutState } from '../../harness/kube/index.ts';

const deploy = (generation: number, replicas: number, status: k8s.V1DeploymentStatus): k8s.V1Deployment => ({
  metadata: { name: 'web', generation },
  spec: { replicas, selector: {}, template: {} },
  status,
});

describe('rolloutState', () => {
  test.each([
    ['spec not observed', deploy(2, 1, { observedGeneration: 1 }), 'waiting for deployment spec update to be observed'],
    ['no replicas updated', deploy(1, 2, { observedGeneration: 1, updatedReplicas: 1, replicas: 1 }), '1 out of 2 new replicas have been updated'],
    ['old replicas left', deploy(1, 1, { observedGeneration: 1, updatedReplicas: 1, replicas: 2 }), '1 old replicas are pending termination'],
    ['not available', deploy(1, 1, { observedGeneration: 1, updatedReplicas: 1, replicas: 1, availableReplicas: 0 }), '0 of 1 updated replicas are available'],
  ])('%s → waiting', (_n, d, status) => {
    expect(rolloutState(d)).toEqual({ done: false, failed: false, status });
  });

  test('rolled out', () => {
    expect(rolloutState(deploy(3, 1, { observedGeneration: 3, updatedReplicas: 1, replicas: 1, availableReplicas: 1 }))).toEqual({ done: true });
  });

  test('ProgressDeadlineExceeded fails (even with replicas still missing)', () => {
    const d = deploy(1, 1, {
      observedGeneration: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }],
    });
    expect(rolloutState(d)).toEqual({ done: false, failed: true, status: 'deployment "web" exceeded its progress deadline: ReplicaSet "web-1" has timed out progressing.' });
  });

  test('an unobserved spec wins over an old ProgressDeadlineExceeded', () => {
    const d = deploy(2, 1, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    expect(rolloutState(d)).toMatchObject({ done: false, failed: false });
  });
});

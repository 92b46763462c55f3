// What the dev-e2e gate's steps learn and hand on, in order.
import type { CodeQueueApi } from '../../harness/e2e/api.ts';
import type { DevPin } from '../../harness/e2e/deploy-source.ts';
import type { CodeQueueImage } from '../../harness/e2e/image.ts';
import type { Kube } from '../../harness/kube/kube.ts';

export type E2eState = {
  kube?: Kube;
  pin?: DevPin;
  image?: CodeQueueImage;
  api?: CodeQueueApi;
};

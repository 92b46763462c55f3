// Budget endpoint name → the Code Queue path the probe requests for the discovered task.
import type { DiscoveredTask } from './discovery.ts';

export function endpointPath(endpoint: string, task: DiscoveredTask | undefined): string {
  if (endpoint === 'overview') return '/api/tasks/overview';
  if (endpoint === 'control') return '/healthz';
  // unclassified: a harness bug (measure asks for task endpoints only after discovery)
  if (!task) throw new Error(`endpoint ${endpoint} needs a discovered task`);
  switch (endpoint) {
    case 'trace-summary':
      return `/api/tasks/${task.taskId}/trace-summary`;
    case 'trace-steps':
      return `/api/tasks/${task.taskId}/trace-steps`;
    case 'trace-step':
      return `/api/tasks/${task.taskId}/trace-step?seq=${task.stepSeq}`;
    default:
      // unclassified: a harness bug (endpoints are the fixed BUDGET_DEFINITIONS)
      throw new Error(`unknown endpoint ${endpoint}`);
  }
}

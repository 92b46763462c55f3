// What a failed gate step reports: the error's class, or `internal` for an error nobody classified
// (a harness bug must not blame the application as `app`).
import { CiError, failureClassOf, INTERNAL_MESSAGE, type FailureClass } from '../failure.ts';

export type StepFailure = { failureClass: FailureClass; error: unknown };

export function stepFailure(error: unknown): StepFailure {
  const failureClass = failureClassOf(error);
  if (failureClass) return { failureClass, error };
  const message = error instanceof Error ? error.message : String(error);
  const internal = new CiError('internal', `${INTERNAL_MESSAGE}: ${message}`, {}, { cause: error });
  // the report needs where the bug is: the original frames, not this function's
  if (error instanceof Error && error.stack) internal.stack = `internal: ${internal.message}\n${error.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}`;
  return { failureClass: 'internal', error: internal };
}

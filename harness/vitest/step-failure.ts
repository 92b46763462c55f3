// What a failed gate step reports: the error's class, or `internal` for an error nobody classified
// (a harness bug must not blame the application as `app`).
import { CiError, failureClassOf, INTERNAL_MESSAGE, type FailureClass } from '../failure.ts';
import { redact } from '../redact.ts';

export type StepFailure = { failureClass: FailureClass; error: unknown };

/**
 * The error's message and stack (which repeats the message), and those of its causes, redacted in
 * place: whatever was thrown reaches the JUnit failure text and the console.
 */
export function redactError(error: unknown, depth = 0): void {
  if (!(error instanceof Error) || depth > 5) return;
  error.message = redact(error.message);
  if (error.stack) error.stack = redact(error.stack);
  redactError(error.cause, depth + 1);
}

export function stepFailure(error: unknown): StepFailure {
  redactError(error);
  const failureClass = failureClassOf(error);
  if (failureClass) return { failureClass, error };
  const message = error instanceof Error ? error.message : redact(String(error));
  const internal = new CiError('internal', `${INTERNAL_MESSAGE}: ${message}`, {}, { cause: error });
  // the report needs where the bug is: the original frames, not this function's
  if (error instanceof Error && error.stack)
    internal.stack = `internal: ${internal.message}\n${error.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .join('\n')}`;
  return { failureClass: 'internal', error: internal };
}

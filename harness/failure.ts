// Failure classes: an infrastructure failure is never reported as an application failure.
// The class travels into JUnit (failure type + unidesk.failure-class) and into the exit code.

export const FAILURE_CLASSES = ['infra.auth', 'infra.network', 'infra.registry', 'infra.cluster', 'app', 'budget', 'input', 'internal'] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** Distinct process exit codes; 1 is `internal`, as for any unclassified crash. */
export const EXIT_CODES: Readonly<Record<FailureClass, number>> = {
  app: 20,
  budget: 21,
  input: 22,
  'infra.auth': 30,
  'infra.network': 31,
  'infra.registry': 32,
  'infra.cluster': 33,
  internal: 1,
};

export const UNCLASSIFIED_EXIT_CODE = 1;

/**
 * What an `internal` failure says first: an error no part of the harness classified is a harness
 * bug (not the application's fault, not bad input), and its verdict cannot be trusted.
 */
export const INTERNAL_MESSAGE = 'harness error — please report';

export type CiErrorDetails = {
  /** The command that failed, already redacted. */
  command?: string;
  exitCode?: number;
  /** Last lines of the command's output, already redacted. */
  outputTail?: string;
  /** What a CI engineer should do next. */
  hint?: string;
};

/**
 * An error a CI engineer can act on without reading the code.
 * `name` is the failure class so Vitest's JUnit reporter writes it as the failure `type`.
 */
export class CiError extends Error {
  readonly failureClass: FailureClass;
  readonly details: CiErrorDetails;

  constructor(failureClass: FailureClass, message: string, details: CiErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = failureClass;
    this.failureClass = failureClass;
    this.details = details;
  }
}

export function isFailureClass(value: unknown): value is FailureClass {
  return typeof value === 'string' && (FAILURE_CLASSES as readonly string[]).includes(value);
}

/** The class of any thrown value; unknown errors are not guessed at. */
export function failureClassOf(error: unknown): FailureClass | undefined {
  if (error instanceof CiError) return error.failureClass;
  if (error && typeof error === 'object' && isFailureClass((error as { failureClass?: unknown }).failureClass)) {
    return (error as { failureClass: FailureClass }).failureClass;
  }
  return undefined;
}

export function exitCodeFor(failureClass: FailureClass | undefined): number {
  return failureClass ? EXIT_CODES[failureClass] : UNCLASSIFIED_EXIT_CODE;
}

/**
 * When several gates fail, the most "infrastructural" class decides the exit code; a harness bug
 * (`internal`) comes first, since it makes the run's other verdicts suspect.
 */
const PRECEDENCE: readonly FailureClass[] = ['internal', 'infra.auth', 'infra.cluster', 'infra.registry', 'infra.network', 'input', 'app', 'budget'];

export function worstFailureClass(classes: Iterable<FailureClass | undefined>): FailureClass | undefined {
  let best: number | undefined;
  for (const c of classes) {
    if (!c) continue;
    const i = PRECEDENCE.indexOf(c);
    if (best === undefined || i < best) best = i;
  }
  return best === undefined ? undefined : PRECEDENCE[best];
}

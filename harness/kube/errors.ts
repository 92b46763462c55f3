// Kubernetes API failures as classified CiErrors: unreachable API / server errors are infra.cluster,
// 401/403 infra.auth, a rejected object (400/422) input — never an app failure.
import * as k8s from '@kubernetes/client-node';
import { CiError, type FailureClass } from '../failure.ts';
import { redact } from '../redact.ts';
import { attemptsNote } from './retry.ts';

export type StatusBody = { message?: string; reason?: string; code?: number };

export function statusOf(e: unknown): { code?: number; body: StatusBody } {
  if (e instanceof k8s.ApiException) {
    let body: StatusBody = {};
    try {
      body = typeof e.body === 'string' ? JSON.parse(e.body) : ((e.body as StatusBody) ?? {});
    } catch {
      body = { message: String(e.body).slice(0, 300) };
    }
    return { code: e.code, body };
  }
  return { body: {} };
}

export function isNotFound(e: unknown): boolean {
  return statusOf(e).code === 404;
}

function classFor(code: number | undefined): FailureClass {
  if (code === 401 || code === 403) return 'infra.auth';
  if (code === 400 || code === 422) return 'input';
  return 'infra.cluster';
}

/** Wrap any error from a client call; `what` says what was attempted ("apply Deployment unidesk-ci/web"). */
export function kubeError(e: unknown, what: string): CiError {
  if (e instanceof CiError) return e;
  const { code, body } = statusOf(e);
  // the transport retried transient failures of an idempotent request before giving up (retry.ts)
  const note = attemptsNote(e);
  const after = note ? ` ${note}` : '';
  if (code !== undefined) {
    const reason = body.reason ? ` ${body.reason}` : '';
    return new CiError(classFor(code), redact(`${what}:${after}${after ? ':' : ''} HTTP ${code}${reason}: ${body.message ?? 'no message'}`), {}, { cause: e });
  }
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const detail = err.cause?.code ?? err.cause?.message ?? err.message;
  return new CiError('infra.cluster', redact(`${what}: Kubernetes API unreachable or failed${after} (${detail}); check the kubeconfig server address and that the API server is up`), {}, { cause: e });
}

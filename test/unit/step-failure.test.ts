// A gate step's failure class: what the error says, `internal` when nobody classified it.
import { afterEach, describe, expect, test } from 'vitest';
import { clearSecrets, registerSecret } from '../../harness/redact.ts';
import { CiError, exitCodeFor, INTERNAL_MESSAGE } from '../../harness/failure.ts';
import { stepFailure } from '../../harness/vitest/step-failure.ts';

describe('stepFailure', () => {
  test('a plain Error is internal (exit 1, "harness error — please report"), never app', () => {
    const thrown = new Error('Cannot read properties of undefined');
    const { failureClass, error } = stepFailure(thrown);
    expect(failureClass).toBe('internal');
    expect(exitCodeFor(failureClass)).toBe(1);
    expect(error).toBeInstanceOf(CiError);
    expect((error as CiError).name).toBe('internal');
    expect((error as Error).message).toBe(`${INTERNAL_MESSAGE}: Cannot read properties of undefined`);
    expect((error as Error).cause).toBe(thrown);
    // where the bug is: the original frames are kept
    expect((error as Error).stack).toContain(thrown.stack!.split('\n')[1].trim());
  });
  test('a thrown non-Error is internal too', () => {
    expect(stepFailure('boom')).toMatchObject({ failureClass: 'internal', error: { message: `${INTERNAL_MESSAGE}: boom` } });
  });
  test('a CiError keeps its class and is the error thrown', () => {
    const e = new CiError('infra.registry', 'registry down');
    expect(stepFailure(e)).toEqual({ failureClass: 'infra.registry', error: e });
    const app = new CiError('app', 'tsc failed');
    expect(stepFailure(app).failureClass).toBe('app');
  });
  test('a structurally classified error keeps its class', () => {
    const e = Object.assign(new Error('over budget'), { failureClass: 'budget' });
    expect(stepFailure(e).failureClass).toBe('budget');
  });
});

describe('stepFailure redacts every error, not only CiErrors', () => {
  afterEach(() => clearSecrets());
  test('a plain Error, a structurally classified error and a cause: message and stack', () => {
    registerSecret('s3cr3t-token-value');
    const plain = stepFailure(new Error('login with s3cr3t-token-value failed')).error as Error;
    expect(plain.message).toBe(`${INTERNAL_MESSAGE}: login with *** failed`);
    expect(plain.stack).not.toContain('s3cr3t-token-value');
    expect((plain.cause as Error).message).not.toContain('s3cr3t-token-value');
    const cause = new Error('Authorization: Bearer abc.def-ghi');
    const classified = Object.assign(new Error('proxy said s3cr3t-token-value', { cause }), { failureClass: 'infra.network' });
    const { error } = stepFailure(classified);
    expect((error as Error).message).toBe('proxy said ***');
    expect((error as Error).stack).not.toContain('s3cr3t-token-value');
    expect(cause.message).toBe('Authorization: Bearer ***');
    expect(cause.stack).not.toContain('abc.def-ghi');
    expect((stepFailure('thrown s3cr3t-token-value').error as Error).message).toBe(`${INTERNAL_MESSAGE}: thrown ***`);
  });
});

// A gate step's failure class: what the error says, `internal` when nobody classified it.
import { describe, expect, test } from 'vitest';
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

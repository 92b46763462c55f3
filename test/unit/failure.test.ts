import { describe, expect, test } from 'vitest';
import { CiError, EXIT_CODES, exitCodeFor, FAILURE_CLASSES, failureClassOf, UNCLASSIFIED_EXIT_CODE, worstFailureClass } from '../../harness/failure.ts';

describe('failure classes', () => {
  test('each class has its own exit code, none of them 0; internal (a harness bug) is the unclassified 1', () => {
    const codes = FAILURE_CLASSES.filter((c) => c !== 'internal').map((c) => EXIT_CODES[c]);
    expect(new Set(codes).size).toBe(FAILURE_CLASSES.length - 1);
    for (const c of codes) expect(c).toBeGreaterThan(UNCLASSIFIED_EXIT_CODE);
    expect(exitCodeFor('internal')).toBe(UNCLASSIFIED_EXIT_CODE);
    expect(exitCodeFor(undefined)).toBe(UNCLASSIFIED_EXIT_CODE);
    expect(exitCodeFor('infra.auth')).toBe(30);
  });
  test('CiError carries its class as name (the JUnit failure type) and details', () => {
    const e = new CiError('infra.network', 'proxy down', { command: 'git ls-remote', exitCode: 128 });
    expect(e.name).toBe('infra.network');
    expect(failureClassOf(e)).toBe('infra.network');
    expect(e.details.exitCode).toBe(128);
  });
  test('unknown errors are not guessed at; structurally classified ones are recognised', () => {
    expect(failureClassOf(new Error('x'))).toBeUndefined();
    expect(failureClassOf('boom')).toBeUndefined();
    expect(failureClassOf({ failureClass: 'budget' })).toBe('budget');
    expect(failureClassOf({ failureClass: 'made-up' })).toBeUndefined();
  });
  test('the worst class decides: infrastructure before input before app before budget', () => {
    expect(worstFailureClass(['app', 'infra.auth', 'budget'])).toBe('infra.auth');
    expect(worstFailureClass(['budget', 'app'])).toBe('app');
    expect(worstFailureClass(['app', 'input'])).toBe('input');
    expect(worstFailureClass(['infra.network', 'infra.registry'])).toBe('infra.registry');
    expect(worstFailureClass(['infra.auth', 'internal', 'app'])).toBe('internal');
    expect(worstFailureClass([undefined, undefined])).toBeUndefined();
    expect(worstFailureClass([])).toBeUndefined();
  });
});

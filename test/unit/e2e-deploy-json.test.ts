// deploy.json parsing for the dev-e2e gate: every bad shape is `input` naming where and what.
import { describe, expect, test } from 'vitest';
import { devServicePin } from '../../harness/e2e/deploy-json.ts';
import { failureClassOf } from '../../harness/failure.ts';

const C = 'a'.repeat(40);
const doc = (services: unknown) => JSON.stringify({ environments: { dev: { namespace: 'unidesk-dev', services } } });
const where = 'origin/master (0123456789ab)';

describe('devServicePin', () => {
  test('finds the code-queue entry among others', () => {
    expect(
      devServicePin(
        doc([
          { id: 'backend-core', commit: 'b'.repeat(40) },
          { id: 'code-queue', commit: C },
        ]),
        where,
      ),
    ).toEqual({ id: 'code-queue', commit: C, index: 1 });
  });

  test.each([
    ['invalid JSON', '{"environments": ', /deploy\.json on origin\/master \(0123456789ab\): invalid JSON: /],
    ['no environments', '{}', /no "environments" object/],
    ['no environments.dev', JSON.stringify({ environments: { prod: {} } }), /no environments\.dev \(environments: prod\)/],
    ['services not a list', JSON.stringify({ environments: { dev: { services: {} } } }), /environments\.dev\.services is not a list/],
    ['no code-queue entry', doc([{ id: 'backend-core', commit: C }]), /has no entry with id "code-queue" \(ids: backend-core\)/],
    ['a short commit', doc([{ id: 'code-queue', commit: 'abc1234' }]), /environments\.dev\.services\[0\]\.commit is "abc1234": not a full 40-character/],
    ['an upper-case commit', doc([{ id: 'code-queue', commit: C.toUpperCase() }]), /not a full 40-character lowercase commit/],
    ['no commit', doc([{ id: 'code-queue' }]), /\.commit is undefined/],
    ['a top-level list', '[]', /the top level is not an object/],
  ])('%s → input naming the path', (_what, text, message) => {
    let err: unknown;
    try {
      devServicePin(text, where);
    } catch (e) {
      err = e;
    }
    expect(failureClassOf(err)).toBe('input');
    expect((err as Error).message).toMatch(message);
  });
});

// The sink's payload validation (Go's encoding/json errors), TriggerBinding params from an event
// and TriggerTemplate rendering, table-driven like pkg/template/*_test.go.
import { describe, expect, test } from 'vitest';
import { canonicalHeaderKey, evaluate, resolveParams, tektonExpressions, triggerEvent } from '../../fixtures/lab/cluster/controllers/triggers/binding.ts';
import { goJsonObjectError } from '../../fixtures/lab/cluster/controllers/triggers/go-json.ts';
import { renderTemplates } from '../../fixtures/lab/cluster/controllers/triggers/template.ts';

describe('goJsonObjectError (json.Unmarshal into map[string]interface{})', () => {
  test.each([
    ['{}', undefined],
    ['null', undefined],
    [' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]} \n', undefined],
    ['', 'unexpected end of JSON input'],
    ['{"after": ', 'unexpected end of JSON input'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a": 1 "b"}', "invalid character '\"' after object key:value pair"],
    ['{a: 1}', "invalid character 'a' looking for beginning of object key string"],
    ['not json', "invalid character 'o' in literal null (expecting 'u')"],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{} {}', "invalid character '{' after top-level value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a": 01}', "invalid character '1' after object key:value pair"],
    ['{"a": 1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a": "\\q"}', "invalid character 'q' in string escape code"],
    ['{"a": "\n"}', "invalid character '\\n' in string literal"],
    ['[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"push"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['42', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
    ['true', 'json: cannot unmarshal bool into Go value of type map[string]interface {}'],
  ])('%j → %s', (body, want) => expect(goJsonObjectError(Buffer.from(body))).toBe(want));
});

const event = triggerEvent(
  Buffer.from(
    JSON.stringify({
      after: 'abc',
      repository: { clone_url: 'http://git/x.git', 'full.name': 'o/x' },
      commits: [{ id: 'c1' }, { id: 'c2' }],
      quote: 'say "hi" <b>',
      n: 3,
      obj: { b: 1, a: [true] },
      nil: null,
    }),
  ),
  { 'x-github-event': 'push', 'x-multi': ['a', 'b'] },
  'evt-1',
);

describe('bindings', () => {
  test.each([
    ['x-github-event', 'X-Github-Event'],
    ['X-GitHub-Event', 'X-Github-Event'],
    ['content-type', 'Content-Type'],
  ])('canonicalHeaderKey %s → %s', (k, want) => expect(canonicalHeaderKey(k)).toBe(want));

  test('expressions: balanced parentheses; header names canonical', () => {
    expect(tektonExpressions('$(body.after)-$(header.x-github-event) $(body.f(x))')).toEqual([
      { expr: 'body.after', original: '$(body.after)' },
      { expr: 'header.X-Github-Event', original: '$(header.x-github-event)' },
      { expr: 'body.f(x)', original: '$(body.f(x))' },
    ]);
  });

  test.each([
    ['body.after', 'abc'],
    ['{.body.after}', 'abc'],
    ['body.repository.clone_url', 'http://git/x.git'],
    ["body.repository['full.name']", 'o/x'],
    ['body.commits[1].id', 'c2'],
    ['body.quote', 'say \\"hi\\" \\u003cb\\u003e'],
    ['body.n', '3'],
    ['body.obj', '{"a":[true],"b":1}'],
    ['body.nil', 'null'],
    ['header.X-Github-Event', 'push'],
    ['header.X-Multi', 'a,b'],
    ['context.eventID', 'evt-1'],
  ])('%s → %s', (expr, want) => expect(evaluate(event, expr)).toBe(want));

  test.each([
    ['body.missing', 'missing is not found'],
    ['body.commits[5].id', 'array index out of bounds: index 5, length 2'],
    ['body.commits[*].id', `the lab's JSONPath does not implement "body.commits[*].id" (fields, ['key'] and [n] only)`],
    ['body..id', `the lab's JSONPath does not implement "body..id" (fields, ['key'] and [n] only)`],
  ])('%s fails: %s', (expr, msg) => expect(() => evaluate(event, expr)).toThrow(msg));

  test('resolveParams: values substituted, template defaults, and the upstream error without one', () => {
    const bindings = [
      { name: 'revision', value: '$(body.after)' },
      { name: 'ref', value: 'refs/$(body.missing)' },
      { name: 'both', value: '$(body.after)@$(header.X-GitHub-Event)' },
    ];
    expect(
      resolveParams(bindings, event, [
        { name: 'ref', default: 'main' },
        { name: 'extra', default: 'd' },
      ]),
    ).toEqual(
      new Map([
        ['ref', 'refs/main'],
        ['extra', 'd'],
        ['revision', 'abc'],
        ['both', 'abc@push'],
      ]),
    );
    expect(() => resolveParams(bindings, event, [])).toThrow('failed to ApplyEventValuesToParams: failed to replace JSONPath value for param ref: refs/$(body.missing): missing is not found');
  });
});

describe('renderTemplates', () => {
  const pr = {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { generateName: 'run-', labels: { a: 'b' } },
    spec: {
      params: [
        { name: 'revision', value: '$(tt.params.revision)' },
        { name: 'id', value: '$(uid)' },
        { name: 'unknown', value: '$(tt.params.nope)' },
      ],
    },
  };
  const render = (params: [string, string][], templates: unknown[] = [pr]) =>
    renderTemplates({ resourcetemplates: templates, params: new Map(params), eventListener: 'el', namespace: 'ci', trigger: 't', eventID: 'evt', uid: 'u-1' });

  test('params and $(uid) replaced; Triggers labels added; the EventListener namespace by default', () => {
    const [r] = render([['revision', 'abc']]);
    expect(r).toEqual({
      namespace: 'ci',
      object: {
        apiVersion: 'tekton.dev/v1',
        kind: 'PipelineRun',
        metadata: { generateName: 'run-', labels: { a: 'b', 'triggers.tekton.dev/eventlistener': 'el', 'triggers.tekton.dev/triggers-eventid': 'evt', 'triggers.tekton.dev/trigger': 't' } },
        spec: {
          params: [
            { name: 'revision', value: 'abc' },
            { name: 'id', value: 'u-1' },
            { name: 'unknown', value: '$(tt.params.nope)' },
          ],
        },
      },
    });
  });

  test('a value cannot inject a Tekton variable ($( is escaped), and a quote breaks the JSON as upstream', () => {
    expect((render([['revision', '$(params.x)']])[0]!.object.spec as { params: { value: string }[] }).params[0]!.value).toBe('$$(params.x)');
    expect(() => render([['revision', 'a"b']])).toThrow(/^couldn't unmarshal json from the TriggerTemplate: /);
  });

  test('a template naming its namespace keeps it', () => {
    expect(render([], [{ ...pr, metadata: { name: 'x', namespace: 'other' } }])[0]!.namespace).toBe('other');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { and, cmp, isIn, match, not, or, TRUE, FALSE, type Filter } from '../../../src/query/ast.js';
import { JsonLogicError, parseJsonLogic, pyRepr, type JsonLogicTerm } from '../../../src/dialects/cvat/json-logic.js';

const TERMS: Readonly<Record<string, JsonLogicTerm>> = {
  username: { field: 'name', type: 'string' },
  first_name: { field: 'first_name', type: 'string' },
  id: { field: 'id', type: 'integer' },
  is_active: { field: 'is_active', type: 'boolean' },
};

const parse = (rules: unknown): Filter => parseJsonLogic(JSON.stringify(rules), TERMS);

describe('CVAT JSON Logic: every operator into the filter AST', () => {
  const cases: [string, unknown, Filter][] = [
    ['==', { '==': [{ var: 'username' }, 'alice'] }, cmp('name', 'eq', 'alice')],
    ['<', { '<': [{ var: 'id' }, 5] }, cmp('id', 'lt', 5)],
    ['<=', { '<=': [{ var: 'id' }, 5] }, cmp('id', 'lte', 5)],
    ['>', { '>': [{ var: 'id' }, 5] }, cmp('id', 'gt', 5)],
    ['>=', { '>=': [{ var: 'id' }, 5] }, cmp('id', 'gte', 5)],
    ['<= between', { '<=': [2, { var: 'id' }, 4] }, and(cmp('id', 'gte', 2), cmp('id', 'lte', 4))],
    ['in list', { in: [{ var: 'id' }, [1, 2]] }, isIn('id', [1, 2])],
    ['in substring', { in: ['li', { var: 'username' }] }, match('name', 'contains', 'li', true)],
    ['and', { and: [{ '==': [{ var: 'id' }, 1] }, { '==': [{ var: 'is_active' }, true] }] }, and(cmp('id', 'eq', 1), cmp('is_active', 'eq', true))],
    ['or', { or: [{ '==': [{ var: 'id' }, 1] }, { '==': [{ var: 'id' }, 2] }] }, or(cmp('id', 'eq', 1), cmp('id', 'eq', 2))],
    ['!', { '!': { '==': [{ var: 'id' }, 1] } }, not(cmp('id', 'eq', 1))],
    ['! with a list', { '!': [{ '==': [{ var: 'id' }, 1] }] }, not(cmp('id', 'eq', 1))],
    ['!!', { '!!': { '==': [{ var: 'id' }, 1] } }, cmp('id', 'eq', 1)],
    ['bare var', { var: 'first_name' }, TRUE],
    ['not a bare var', { '!': { var: 'first_name' } }, FALSE],
    ['in empty list', { in: [{ var: 'id' }, []] }, FALSE],
    ['in over a boolean', { in: [{ var: 'is_active' }, [true, false]] }, or(cmp('is_active', 'eq', true), cmp('is_active', 'eq', false))],
    ['< true on a boolean', { '<': [{ var: 'is_active' }, true] }, cmp('is_active', 'eq', false)],
    ['< false on a boolean', { '<': [{ var: 'is_active' }, false] }, FALSE],
    ['<= true on a boolean', { '<=': [{ var: 'is_active' }, true] }, TRUE],
    ['<= false on a boolean', { '<=': [{ var: 'is_active' }, false] }, cmp('is_active', 'eq', false)],
    ['> false on a boolean', { '>': [{ var: 'is_active' }, false] }, cmp('is_active', 'eq', true)],
    ['> true on a boolean', { '>': [{ var: 'is_active' }, true] }, FALSE],
    ['>= true on a boolean', { '>=': [{ var: 'is_active' }, true] }, cmp('is_active', 'eq', true)],
    ['>= false on a boolean', { '>=': [{ var: 'is_active' }, false] }, TRUE],
  ];
  for (const [name, rules, expected] of cases) test(name, () => assert.deepEqual(parse(rules), expected));
});

describe('CVAT JSON Logic: every refusal, worded as CVAT words it', () => {
  const refusals: [string, string, string][] = [
    ['bad JSON', '{"==":', "filter: can't parse filter expression: "],
    ['empty object', '{}', "filter shouldn't be empty"],
    ['unknown var', '{"==":[{"var":"email"},"x"]}', "filter: term 'email' is not supported"],
    ['unknown bare var', '{"var":"password"}', "filter: term 'password' is not supported"],
    ['!= does not exist', '{"!=":[{"var":"id"},1]}', "filter: operation '!=' with arguments '[{'var': 'id'}, 1]' is not supported"],
    ['and needs a list', '{"and":{"var":"id"}}', "filter: operation 'and' requires a non-empty list argument, got '{'var': 'id'}' of type 'dict'"],
    ['or needs a non-empty list', '{"or":[]}', "filter: operation 'or' requires a non-empty list argument, got '[]' of type 'list'"],
    ['and given a string', '{"and":"x"}', "filter: operation 'and' requires a non-empty list argument, got ''x'' of type 'str'"],
    ['wrong value type', '{"==":[{"var":"id"},"1"]}', "filter: operation '==' with arguments '[{'var': 'id'}, '1']' is not supported"],
    ['comparison of one argument', '{"<":[{"var":"id"}]}', "filter: operation '<' with arguments '[{'var': 'id'}]' is not supported"],
    ['in over a number field as substring', '{"in":["1",{"var":"id"}]}', "filter: operation 'in' with arguments '['1', {'var': 'id'}]' is not supported"],
    ['a rule that is not an object', '[1]', "filter: rule '[1]' is not supported"],
    [
      'boolean in a list of strings',
      '{"in":[{"var":"username"},[true]]}',
      "filter: operation 'in' with arguments '[{'var': 'username'}, [True]]' is not supported",
    ],
  ];
  for (const [name, text, message] of refusals) {
    test(name, () => {
      assert.throws(
        () => parseJsonLogic(text, TERMS),
        (error: unknown) => error instanceof JsonLogicError && (name === 'bad JSON' ? error.message.startsWith(message) : error.message === message),
      );
    });
  }

  test("Python's repr of JSON values", () => {
    assert.equal(pyRepr({ a: [null, true, false, 1.5, "it's"] }), "{'a': [None, True, False, 1.5, 'it\\'s']}");
  });
});

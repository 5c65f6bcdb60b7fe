import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidFilterPattern } from '../../../src/mapping/filter-pattern.ts';

describe('isValidFilterPattern', () => {
  const valid = [
    '{"value":{"status":["PAID"]}}',
    '{"value":{"amount":[{"numeric":[">",0,"<=",100]}]}}',
    '{"value":{"name":[{"prefix":"ab"}],"region":[{"suffix":{"equals-ignore-case":"-EU"}}]}}',
    '{"value":{"kind":[{"anything-but":["a","b"]}],"x":[{"anything-but":{"prefix":"t"}}]}}',
    '{"value":{"id":[{"exists":true}],"tag":[null,true,3,"s"]}}',
    '{"value":{"$or":[{"a":["1"]},{"b":["2"]}]}}',
    '{"value":[{"wildcard":"*.png"}]}',
    '{"value":{"ip":[{"cidr":"10.0.0.0/24"}],"e":[{"equals-ignore-case":"x"}]}}',
  ];
  const invalid = [
    '',
    'not json',
    '[]',
    '"value"',
    '{}',
    '{"value":"PAID"}',
    '{"value":{"status":[]}}',
    '{"value":{"status":[{"prefix":1}]}}',
    '{"value":{"status":[{"unknown-op":"x"}]}}',
    '{"value":{"status":[{"prefix":"a","suffix":"b"}]}}',
    '{"value":{"n":[{"numeric":[">"]}]}}',
    '{"value":{"n":[{"numeric":["~",1]}]}}',
    '{"value":{"$or":[{"a":["1"]}]}}',
    '{"value":{"s":[{"exists":"yes"}]}}',
    '{"value":{"s":[[1]]}}',
    `${'{"a":'.repeat(20)}["x"]${'}'.repeat(20)}`,
  ];
  for (const p of valid) it(`accepts ${p}`, () => assert.equal(isValidFilterPattern(p), true));
  for (const p of invalid)
    it(`rejects ${JSON.stringify(p).slice(0, 60)}`, () => assert.equal(isValidFilterPattern(p), false));
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilters, decodeValue } from '../../../src/filter/index.ts';
import { bytes, cases, keeps } from './helpers.ts';

describe('compileFilters', () => {
  it('returns undefined without patterns', () => assert.equal(compileFilters([]), undefined));

  it('throws INVALID_PARAMETER on a pattern the validator refuses', () => {
    assert.throws(() => compileFilters(['{"value":"x"}']), { code: 'INVALID_PARAMETER' });
  });

  it('keeps a record when any of up to five patterns matches', () => {
    const patterns = [1, 2, 3, 4, 5].map((n) => `{"value":{"n":[${n}]}}`);
    for (const n of [1, 3, 5]) assert.equal(keeps(patterns, `{"n":${n}}`), true);
    assert.equal(keeps(patterns, '{"n":6}'), false);
  });

  it('is reusable across many records (no state leaks between calls)', () => {
    const filter = compileFilters(['{"value":{"a":[{"exists":false}]}}']);
    assert.ok(filter);
    assert.equal(filter(bytes('{"a":1}')), false);
    assert.equal(filter(bytes('{"b":1}')), true);
    assert.equal(filter(bytes('{"a":1}')), false);
  });
});

describe('plain-string values', () => {
  cases('{"value":["hello"]}', ['hello'], ['Hello', 'hello world', '{"value":"hello"}']);
  cases('{"value":[{"prefix":"ERR"}]}', ['ERROR: disk', 'ERR'], ['warn ERR', '']);
  cases('{"value":[""]}', [''], [' ', 'x']);
  // A JSON string literal is JSON: its content is the value.
  cases('{"value":["quoted"]}', ['"quoted"'], ['"other"']);
  // JSON numbers and booleans at the top level are numbers and booleans.
  cases('{"value":[{"numeric":[">",10]}]}', ['42', ' 11 '], ['9', '"42"', 'forty-two']);
});

describe('JSON versus plain-string mismatch', () => {
  // A field pattern never matches a plain string, a string pattern never matches a JSON object.
  cases('{"value":{"status":["PAID"]}}', ['{"status":"PAID"}'], ['PAID', 'status=PAID', '[1,2']);
  cases('{"value":[{"prefix":"{"}]}', ['{not json'], ['{"a":1}']);
  cases('{"value":["tru"]}', ['tru'], ['true']);
});

describe('tombstones and non-UTF-8 values', () => {
  const invalid = Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d);
  it('a tombstone has no value field', () => {
    assert.equal(keeps('{"value":[{"exists":false}]}', null), true);
    assert.equal(keeps('{"value":[{"exists":true}]}', null), false);
    assert.equal(keeps('{"value":[null]}', null), false);
    assert.equal(keeps('{"value":{"a":[{"exists":false}]}}', null), false);
  });
  it('non-UTF-8 bytes are treated like an absent value (metadata-only filtering)', () => {
    assert.equal(decodeValue(invalid), undefined);
    assert.equal(keeps('{"value":[{"exists":true}]}', invalid), false);
    assert.equal(keeps('{"value":[{"anything-but":"x"}]}', invalid), false);
    assert.equal(keeps('{"value":[{"exists":false}]}', invalid), true);
  });
  it('valid multi-byte UTF-8 is decoded', () => {
    assert.equal(keeps('{"value":{"city":["Zürich"]}}', '{"city":"Zürich"}'), true);
    assert.equal(keeps('{"value":[{"equals-ignore-case":"ÉTÉ"}]}', 'été'), true);
  });
  it('fields other than value are absent', () => {
    assert.equal(keeps('{"key":[{"exists":true}]}', '{"key":1}'), false);
    assert.equal(keeps('{"partition":[{"exists":false}],"value":["x"]}', 'x'), true);
  });
});

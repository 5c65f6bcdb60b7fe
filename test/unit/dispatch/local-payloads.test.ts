import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalPayloads } from '../../../src/dispatch/local-payloads.ts';

function store() {
  const freed: Uint8Array[] = [];
  return { freed, payloads: new LocalPayloads((b) => freed.push(b)) };
}

describe('LocalPayloads', () => {
  it('frees the bytes when the runner drops a key nobody is using', () => {
    const { freed, payloads } = store();
    const bytes = new Uint8Array(8);
    payloads.set('k', bytes);
    assert.equal(payloads.size, 1);
    payloads.drop('k');
    assert.deepEqual(freed, [bytes]);
    assert.equal(payloads.use('k'), undefined);
    assert.equal(payloads.size, 0);
  });

  it('keeps bytes still in use (a Redis write, an invocation) until the last use ends, and hands them to no new use', () => {
    const { freed, payloads } = store();
    const bytes = new Uint8Array(8);
    payloads.set('k', bytes);
    assert.equal(payloads.use('k'), bytes);
    assert.equal(payloads.use('k'), bytes);
    payloads.drop('k');
    assert.deepEqual(freed, [], 'two invocations still hold the bytes');
    assert.equal(payloads.use('k'), undefined, 'a dropped key serves no new invocation');
    payloads.done('k');
    assert.deepEqual(freed, []);
    payloads.done('k');
    assert.deepEqual(freed, [bytes], 'freed when the last use ends');
    assert.equal(payloads.size, 0);
  });

  it('ignores keys it does not hold', () => {
    const { freed, payloads } = store();
    assert.equal(payloads.use('x'), undefined);
    payloads.done('x');
    payloads.drop('x');
    assert.deepEqual(freed, []);
  });
});

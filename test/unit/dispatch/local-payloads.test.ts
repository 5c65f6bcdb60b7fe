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
    assert.equal(payloads.get('k'), bytes);
    payloads.drop('k', { free: true });
    assert.deepEqual(freed, [bytes]);
    assert.equal(payloads.get('k'), undefined);
    assert.equal(payloads.size, 0);
  });

  it('keeps bytes still used by an invocation until that use ends, and hands them to no new use', () => {
    const { freed, payloads } = store();
    const bytes = new Uint8Array(8);
    payloads.set('k', bytes);
    assert.equal(payloads.use('k'), bytes);
    assert.equal(payloads.use('k'), bytes);
    payloads.drop('k', { free: true });
    assert.deepEqual(freed, [], 'two invocations still hold the bytes');
    assert.equal(payloads.use('k'), undefined, 'a dropped key serves no new invocation');
    payloads.done('k');
    assert.deepEqual(freed, []);
    payloads.done('k');
    assert.deepEqual(freed, [bytes], 'freed when the last use ends');
    assert.equal(payloads.size, 0);
  });

  it('leaves bytes to the GC when the runner says they may be referenced elsewhere', () => {
    const { freed, payloads } = store();
    payloads.set('a', new Uint8Array(8));
    payloads.drop('a', { free: false });
    payloads.set('b', new Uint8Array(8));
    payloads.use('b');
    payloads.drop('b', { free: false });
    payloads.done('b');
    assert.deepEqual(freed, []);
    assert.equal(payloads.size, 0);
  });

  it('ignores keys it does not hold', () => {
    const { freed, payloads } = store();
    assert.equal(payloads.use('x'), undefined);
    payloads.done('x');
    payloads.drop('x', { free: true });
    assert.deepEqual(freed, []);
  });
});

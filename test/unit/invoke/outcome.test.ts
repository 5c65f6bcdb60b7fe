import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../../src/invoke/outcome.ts';
import type { InvokeResponse } from '../../../src/invoke/target.ts';

const batch = { topic: 'orders', partition: 3, firstOffset: 100, lastOffset: 109 };
const ok = (body: unknown): InvokeResponse => ({
  status: 'ok',
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  durationMs: 1,
});
const failure = (id: unknown) => ({ batchItemFailures: [{ itemIdentifier: id }] });

describe('classify', () => {
  it('any answer is success when partial batch response is off', () => {
    assert.deepEqual(classify(ok(failure({ partition: 'orders-3', offset: 104 })), batch, false), {
      kind: 'success',
    });
  });

  it('empty, null, {} and [] batchItemFailures all mean success', () => {
    for (const body of [{}, { batchItemFailures: [] }, { batchItemFailures: null }, 'null', '']) {
      assert.deepEqual(classify(ok(body), batch, true), { kind: 'success' }, JSON.stringify(body));
    }
  });

  it('retries from the lowest failed offset of the partition', () => {
    const body = {
      batchItemFailures: [
        { itemIdentifier: { partition: 'orders-3', offset: 107 } },
        { itemIdentifier: { partition: 'orders-3', offset: 104 } },
      ],
    };
    assert.deepEqual(classify(ok(body), batch, true), {
      kind: 'partial',
      retryFromOffset: 104,
      failedOffsets: [104, 107],
    });
  });

  it('an identifier that is not in the batch fails the whole batch', () => {
    for (const id of [
      { partition: 'orders-4', offset: 104 },
      { partition: 'orders-3', offset: 99 },
      { partition: 'orders-3', offset: 110 },
      { partition: 3, offset: 104 },
      { partition: 'orders-3' },
      null,
    ]) {
      const out = classify(ok(failure(id)), batch, true);
      assert.equal(out.kind, 'failure', JSON.stringify(id));
    }
    assert.equal(classify(ok({ batchItemFailures: 'x' }), batch, true).kind, 'failure');
  });

  it('carries non-ok statuses through, with Retry-After for throttles', () => {
    const out = classify(
      { status: 'throttled', retryAfterMs: 2000, message: 'HTTP 429', durationMs: 1 },
      batch,
      true,
    );
    assert.deepEqual(out, { kind: 'failure', reason: 'throttled', message: 'HTTP 429', retryAfterMs: 2000 });
    assert.equal(classify({ status: 'function-error', durationMs: 1 }, batch, false).kind, 'failure');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, type PolicySettings, retryCap } from '../../../src/dispatch/retry-policy.ts';

const backoff = { baseDelayMs: 100, maxDelayMs: 1000 };
const base: PolicySettings = {
  maximumRetryAttempts: -1,
  maximumRecordAgeSeconds: -1,
  bisect: false,
  hasDestination: false,
};
const attempt = {
  failedAttempts: 1,
  throttles: 0,
  throttled: false,
  records: 10,
  oldestTimestampMs: 1_000_000,
  nowMs: 1_000_500,
};

describe('retry policy', () => {
  it('retries forever by default (AWS on-demand semantics)', () => {
    assert.equal(decide(base, backoff, { ...attempt, failedAttempts: 10_000 }).kind, 'retry');
    assert.equal(retryCap(base), Number.POSITIVE_INFINITY);
  });

  it('caps infinite retries at 10 when an on-failure destination is set, as Lambda does', () => {
    const s = { ...base, hasDestination: true };
    assert.equal(decide(s, backoff, { ...attempt, failedAttempts: 10 }).kind, 'retry');
    assert.deepEqual(decide(s, backoff, { ...attempt, failedAttempts: 11 }), {
      kind: 'give-up',
      condition: 'RetryAttemptsExhausted',
    });
  });

  it('MaximumRetryAttempts counts retries after the first attempt', () => {
    const s = { ...base, maximumRetryAttempts: 2 };
    assert.equal(decide(s, backoff, { ...attempt, failedAttempts: 3 }).kind, 'give-up');
    assert.equal(decide(s, backoff, { ...attempt, failedAttempts: 2 }).kind, 'retry');
    assert.equal(decide({ ...s, maximumRetryAttempts: 0 }, backoff, attempt).kind, 'give-up');
  });

  it('bisects a failing multi-record batch before spending attempts, never a single record', () => {
    const s = { ...base, bisect: true, maximumRetryAttempts: 0 };
    assert.deepEqual(decide(s, backoff, attempt), { kind: 'bisect' });
    assert.equal(decide(s, backoff, { ...attempt, records: 1 }).kind, 'give-up');
  });

  it('throttles never spend attempts or bisect, and honour Retry-After', () => {
    const s = { ...base, bisect: true, maximumRetryAttempts: 0 };
    assert.deepEqual(decide(s, backoff, { ...attempt, throttled: true, throttles: 5, retryAfterMs: 3000 }), {
      kind: 'retry',
      delayMs: 3000,
    });
  });

  it('gives up records older than MaximumRecordAgeInSeconds', () => {
    const s = { ...base, maximumRecordAgeSeconds: 60 };
    assert.equal(decide(s, backoff, { ...attempt, nowMs: attempt.oldestTimestampMs + 59_000 }).kind, 'retry');
    assert.deepEqual(decide(s, backoff, { ...attempt, nowMs: attempt.oldestTimestampMs + 61_000 }), {
      kind: 'give-up',
      condition: 'MaximumRecordAgeExceeded',
    });
  });
});

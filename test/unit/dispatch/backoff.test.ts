import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs, throttleDelayMs } from '../../../src/dispatch/backoff.ts';

const policy = { baseDelayMs: 100, maxDelayMs: 5000 };

describe('backoff', () => {
  it('grows exponentially with jitter between half and the full step, capped', () => {
    assert.equal(
      retryDelayMs(policy, 1, () => 0),
      50,
    );
    assert.equal(
      retryDelayMs(policy, 1, () => 1),
      100,
    );
    assert.equal(
      retryDelayMs(policy, 3, () => 1),
      400,
    );
    assert.equal(
      retryDelayMs(policy, 30, () => 1),
      5000,
    );
  });

  it('honours Retry-After for throttles', () => {
    assert.equal(throttleDelayMs(policy, 2500, 1), 2500);
    assert.equal(throttleDelayMs(policy, 0, 1), 100);
    assert.ok(throttleDelayMs(policy, undefined, 3) >= 800);
  });
});

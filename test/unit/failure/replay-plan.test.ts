import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  estimatedDurationMs,
  intervalMs,
  mayReplay,
  nextStartDelayMs,
  planBatch,
  summarizePlan,
} from '../../../src/failure/replay-plan.ts';
import type { FailedBatchMeta } from '../../../src/failure/types.ts';

describe('loop guard', () => {
  it('allows a batch below the limit and refuses it at the limit unless forced', () => {
    assert.equal(mayReplay(0, 3, false), true);
    assert.equal(mayReplay(2, 3, false), true);
    assert.equal(mayReplay(3, 3, false), false);
    assert.equal(mayReplay(7, 3, true), true);
    assert.equal(mayReplay(0, 0, false), false);
  });
});

describe('rate limit', () => {
  it('spaces batch starts 1/rate seconds apart', () => {
    assert.equal(intervalMs(5), 200);
    assert.equal(intervalMs(0.5), 2000);
    assert.equal(nextStartDelayMs(undefined, 1000, 5), 0);
    assert.equal(nextStartDelayMs(1000, 1000, 5), 200);
    assert.equal(nextStartDelayMs(1000, 1150, 5), 50);
    assert.equal(nextStartDelayMs(1000, 1300, 5), 0);
    assert.equal(nextStartDelayMs(0, 0, 3), 334); // rounded up: never faster than the rate
  });

  it('estimates a replay from the first start to the last', () => {
    assert.equal(estimatedDurationMs(0, 5), 0);
    assert.equal(estimatedDurationMs(1, 5), 0);
    assert.equal(estimatedDurationMs(11, 5), 2000);
    assert.equal(estimatedDurationMs(3, 1000), 2);
  });
});

const meta = (replayCount: number): FailedBatchMeta => ({
  id: '0-1-2',
  mappingId: 'm',
  functionArn: 'f',
  topic: 't',
  partition: 0,
  firstOffset: 1,
  lastOffset: 2,
  recordCount: 2,
  firstTimestampMs: 0,
  lastTimestampMs: 0,
  packedBytes: 10,
  condition: 'RetryAttemptsExhausted',
  error: 'e',
  attempts: [],
  approximateInvokeCount: 1,
  responseContext: null,
  createdAtMs: 0,
  replayCount,
  state: 'failed',
  destination: 'none',
});

describe('dry-run planning', () => {
  const encoded = { payloads: 2, payloadBytes: 900, oversized: 0 };
  const guard = { maxReplays: 3, force: false };

  it('plans a send with its invocations and bytes', () => {
    const p = planBatch('0-1-2', meta(0), encoded, guard);
    assert.equal(p.action, 'Send');
    assert.equal(p.payloads, 2);
    assert.equal(p.payloadBytes, 900);
    assert.equal(p.recordCount, 2);
  });

  it('reports the loop guard, missing batches and records too large to send', () => {
    assert.equal(planBatch('0-1-2', meta(3), encoded, guard).action, 'SkipLoopGuard');
    assert.match(planBatch('0-1-2', meta(3), encoded, guard).reason ?? '', /replayed 3 times.*Force/);
    assert.equal(planBatch('0-1-2', meta(3), encoded, { ...guard, force: true }).action, 'Send');
    assert.equal(planBatch('x', undefined, undefined, guard).action, 'Missing');
    assert.equal(planBatch('0-1-2', meta(0), { ...encoded, oversized: 1 }, guard).action, 'TooLarge');
  });

  it('sums a plan', () => {
    const batches = [
      planBatch('a', meta(0), encoded, guard),
      planBatch('b', meta(5), encoded, guard),
      planBatch('c', meta(1), { ...encoded, payloads: 1 }, guard),
    ];
    const plan = summarizePlan({ mappingId: 'm', functionName: 'f', ratePerSecond: 2 }, batches);
    assert.equal(plan.toSend, 2);
    assert.equal(plan.invocations, 3);
    assert.equal(plan.estimatedDurationMs, 500);
  });
});

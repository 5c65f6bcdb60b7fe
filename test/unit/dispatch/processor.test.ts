import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FailureSink } from '../../../src/dispatch/failure-sink.ts';
import type { BatchJobData, BatchJobResult } from '../../../src/dispatch/job.ts';
import { LocalPayloads } from '../../../src/dispatch/local-payloads.ts';
import { createProcessor, RetryLater } from '../../../src/dispatch/processor.ts';
import { packedOffsets } from '../../../src/encode/packed.ts';
import { referenceEncodeMessages } from '../../../src/encode/reference.ts';
import type { TargetResolver } from '../../../src/invoke/resolve.ts';
import type { InvokeResponse } from '../../../src/invoke/target.ts';
import { silentLogger } from '../../../src/log.ts';
import type { Mapping } from '../../../src/mapping/types.ts';

const mapping = {
  uuid: 'm-1',
  functionName: 'fn',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
  topic: 't',
  maximumRetryAttempts: 0,
  maximumRecordAgeSeconds: -1,
  bisect: false,
  reportBatchItemFailures: false,
} as unknown as Mapping;

const payload = referenceEncodeMessages(
  [0, 1, 2].map((offset) => ({
    topic: 't',
    partition: 0,
    offset,
    timestamp: 1,
    timestampType: 1 as const,
    key: null,
    value: `v${offset}`,
  })),
  { eventSource: 'SelfManagedKafka', bootstrapServers: 'b:9092' },
).payloads[0]?.bytes as Uint8Array;

function job(failedAttempts = 0): Job<BatchJobData, BatchJobResult> {
  const data: BatchJobData = {
    mappingId: 'm-1',
    topic: 't',
    partition: 0,
    firstOffset: 0,
    lastOffset: 2,
    count: 3,
    payloadKeys: ['k0'],
    payloadRanges: [[0, 2]],
    payloadsDone: 0,
    createdAtMs: 0,
    oldestTimestampMs: 0,
    failedAttempts,
  };
  const j = { data, attemptsMade: 0, updateData: async (d: BatchJobData) => void Object.assign(j.data, d) };
  return j as unknown as Job<BatchJobData, BatchJobResult>;
}

function processor(
  response: InvokeResponse,
  failures: FailureSink,
  extra: Partial<Parameters<typeof createProcessor>[0]> = {},
) {
  const local = new LocalPayloads(() => undefined);
  local.set('k0', payload);
  const targets = {
    get: () => ({ kind: 'local', name: 'fn', invoke: async () => response }),
  } as unknown as TargetResolver;
  return createProcessor({
    getMapping: () => mapping,
    targets,
    redis: {} as Redis,
    localPayloads: local,
    backoff: { baseDelayMs: 10, maxDelayMs: 100 },
    failures,
    report: () => undefined,
    logger: silentLogger,
    ...extra,
  });
}

describe('processor', () => {
  it('gives up after the last allowed attempt and hands the records (rebuilt from the payload) to failure handling', async () => {
    let handed: Uint8Array | undefined;
    const run = processor(
      { status: 'function-error', durationMs: 1 },
      {
        handOff: async (input) => {
          handed = input.packed;
          assert.equal(input.condition, 'RetryAttemptsExhausted');
          return { storedId: 'x' };
        },
      },
    );
    const result = await run(job());
    assert.deepEqual(result, { kind: 'given-up', storedId: 'x', condition: 'RetryAttemptsExhausted' });
    assert.ok(handed);
    // The rebuilt records encode to the very payload that failed.
    const again = referenceEncodeMessages(
      [0, 1, 2].map((offset) => ({
        topic: 't',
        partition: 0,
        offset,
        timestamp: 1,
        timestampType: 1 as const,
        key: null,
        value: `v${offset}`,
      })),
      { eventSource: 'SelfManagedKafka', bootstrapServers: 'b:9092' },
    );
    assert.deepEqual(Buffer.from(again.payloads[0]?.bytes ?? []), Buffer.from(payload));
  });

  it('never completes a batch that failure handling could not store: it retries instead (invariant 2)', async () => {
    const run = processor(
      { status: 'function-error', durationMs: 1 },
      {
        handOff: async () => {
          throw new Error('Redis is down');
        },
      },
    );
    await assert.rejects(
      run(job()),
      (error: unknown) => error instanceof RetryLater && /failure handling unavailable/.test(error.message),
    );
  });

  it('throws RetryLater with the Retry-After delay on a throttle, without spending an attempt', async () => {
    const j = job();
    const run = processor(
      { status: 'throttled', retryAfterMs: 2500, durationMs: 1 },
      {
        handOff: async () => ({ storedId: 'never' }),
      },
    );
    await assert.rejects(run(j), (error: unknown) => error instanceof RetryLater && error.delayMs === 2500);
    assert.equal(j.data.failedAttempts, 0);
    assert.equal(j.data.throttles, 1);
  });

  it('stops retrying a batch whose records all left the topic: given up as RecordsExpired, records kept', async () => {
    let handed: Uint8Array | undefined;
    let invoked = 0;
    const run = processor(
      { status: 'function-error', durationMs: 1 },
      {
        handOff: async (input) => {
          handed = input.packed;
          assert.equal(input.condition, 'RecordsExpired');
          return { storedId: 'e' };
        },
      },
      {
        lowWatermark: async () => 3,
        targets: {
          get: () => ({ kind: 'local', name: 'fn', invoke: async () => ({ status: 'ok', durationMs: 1 }) }),
        } as unknown as TargetResolver,
        report: (event) => {
          if (event.kind === 'invoked') invoked += 1;
        },
      },
    );
    assert.deepEqual(await run(job(1)), { kind: 'given-up', storedId: 'e', condition: 'RecordsExpired' });
    assert.equal(invoked, 0, 'an expired batch is not invoked again');
    assert.deepEqual([...packedOffsets(handed ?? new Uint8Array())], [0, 1, 2]);
  });

  it('gives up only the expired head of a batch and retries from the first record still in the topic', async () => {
    let handed: Uint8Array | undefined;
    const run = processor(
      { status: 'function-error', durationMs: 1 },
      {
        handOff: async (input) => {
          handed = input.packed;
          return { storedId: 'e' };
        },
      },
      { lowWatermark: async () => 2 },
    );
    assert.deepEqual(await run(job(1)), { kind: 'partial', retryFromOffset: 2 });
    assert.deepEqual([...packedOffsets(handed ?? new Uint8Array())], [0, 1]);
  });

  it('asks for the low watermark only when retrying, and keeps retrying when it cannot be read', async () => {
    let asked = 0;
    const lowWatermark = async () => {
      asked += 1;
      throw new Error('broker down');
    };
    const handOff = async () => ({ storedId: 'x' });
    await processor({ status: 'ok', durationMs: 1 }, { handOff }, { lowWatermark })(job(0));
    assert.equal(asked, 0);
    const result = await processor({ status: 'ok', durationMs: 1 }, { handOff }, { lowWatermark })(job(1));
    assert.equal(asked, 1);
    assert.deepEqual(result, { kind: 'success' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pack } from '../../../src/encode/pack.ts';
import {
  decodeMarker,
  encodeMarker,
  fromFields,
  MAX_ERROR_CHARS,
  matchesQuery,
  toFields,
} from '../../../src/failure/codec.ts';
import type { FailedBatchMeta } from '../../../src/failure/types.ts';
import { displayRecords, summarize } from '../../../src/failure/view.ts';

const meta: FailedBatchMeta = {
  id: '3-10-12',
  mappingId: 'm',
  functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f',
  topic: 'orders',
  partition: 3,
  firstOffset: 10,
  lastOffset: 12,
  recordCount: 3,
  firstTimestampMs: 1000,
  lastTimestampMs: -1,
  packedBytes: 200,
  condition: 'RetryAttemptsExhausted',
  error: 'Unhandled: Boom',
  attempts: [
    { atMs: 1, error: 'timeout' },
    { atMs: 2, error: 'Boom' },
  ],
  approximateInvokeCount: 2,
  responseContext: { statusCode: 200, functionError: 'Unhandled' },
  createdAtMs: 5000,
  replayCount: 1,
  replayedAtMs: 6000,
  state: 'replayed',
  destination: 'failed',
  destinationError: 'broker down',
};

describe('metadata codec', () => {
  it('round-trips through hash fields', () => {
    assert.deepEqual(fromFields(toFields(meta)), meta);
    const { replayedAtMs: _r, destinationError: _d, ...plain } = meta;
    assert.deepEqual(fromFields(toFields({ ...plain, state: 'failed', responseContext: null })), {
      ...plain,
      state: 'failed',
      responseContext: null,
    });
  });

  it('an empty hash is no batch', () => assert.equal(fromFields({}), undefined));

  it('clips long error texts', () => {
    const fields = toFields({ ...meta, error: 'e'.repeat(MAX_ERROR_CHARS * 2) });
    assert.equal(fields.error?.length, MAX_ERROR_CHARS + 1);
  });

  it('markers round-trip and reject junk', () => {
    assert.deepEqual(decodeMarker(encodeMarker(5000, '3-10-12')), { score: 5000, id: '3-10-12' });
    assert.equal(decodeMarker('not-a-marker'), undefined);
  });

  it('filters on partition, state and error text (case-insensitive, attempts included)', () => {
    assert.equal(matchesQuery(meta, { partition: 3 }), true);
    assert.equal(matchesQuery(meta, { partition: 4 }), false);
    assert.equal(matchesQuery(meta, { state: 'failed' }), false);
    assert.equal(matchesQuery(meta, { errorContains: 'boom' }), true);
    assert.equal(matchesQuery(meta, { errorContains: 'TIMEOUT' }), true);
    assert.equal(matchesQuery(meta, { errorContains: 'throttle' }), false);
  });
});

describe('view', () => {
  const every = Uint8Array.from({ length: 256 }, (_, i) => i);
  const packed = pack([
    {
      topic: 't',
      partition: 2,
      offset: 7,
      timestamp: 99,
      timestampType: 2,
      key: every,
      value: every,
      headers: [{ h: every }, { n: null }],
    },
    { topic: 't', partition: 2, offset: 8 },
  ]);

  it('summarizes a batch', () => {
    assert.deepEqual(summarize(packed), {
      topic: 't',
      partition: 2,
      firstOffset: 7,
      lastOffset: 8,
      recordCount: 2,
      firstTimestampMs: 99,
      lastTimestampMs: -1,
      packedBytes: packed.length,
    });
  });

  it('refuses an empty batch', () => assert.throws(() => summarize(pack([])), { code: 'INVALID_PARAMETER' }));

  it('decodes records for display, bytes as base64', () => {
    const [a, b] = displayRecords(packed);
    const b64 = Buffer.from(every).toString('base64');
    assert.deepEqual(a, {
      topic: 't',
      partition: 2,
      offset: 7,
      timestampMs: 99,
      timestampType: 'LOG_APPEND_TIME',
      key: b64,
      value: b64,
      headers: [
        { name: 'h', value: b64 },
        { name: 'n', value: null },
      ],
    });
    assert.equal(b?.key, null);
    assert.equal(b?.value, null);
  });
});

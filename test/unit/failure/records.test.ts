import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatPacked } from '../../../src/encode/packed.ts';
import {
  type FailureContext,
  isoTime,
  kafkaFailureRecord,
  metadataFailureRecord,
  recordsInfo,
} from '../../../src/failure/records.ts';
import { FUNCTION_ARN, MSK_ARN, orders } from './fixtures.ts';

const ctx: FailureContext = {
  requestId: 'd2f1c0b9-8a7e-4d6c-9b5a-4f3e2d1c0b9a',
  functionArn: FUNCTION_ARN,
  condition: 'RetryAttemptsExhausted',
  approximateInvokeCount: 6,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  nowMs: Date.parse('2026-01-01T00:05:12.345Z'),
  eventSourceArn: MSK_ARN,
  bootstrapServers: 'b-1.orders.abcd12.c2.kafka.eu-west-1.amazonaws.com:9098',
};

describe('kafkaFailureRecord (the kafka:// destination message value)', () => {
  it('has the AWS shape: one record, offset as a string, ISO timestamps, payload as an object', () => {
    const payload = { eventSource: 'aws:kafka', records: { 'orders-0': [{ offset: 4101 }] } };
    const record = kafkaFailureRecord(ctx, { offset: 4101, timestampMs: 1767225600123 }, payload, 612);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), {
      requestContext: {
        requestId: ctx.requestId,
        functionArn: FUNCTION_ARN,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 6,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-01T00:05:12.345Z',
      KafkaBatchInfo: {
        batchSize: 1,
        eventSourceArn: MSK_ARN,
        bootstrapServers: ctx.bootstrapServers,
        payloadSize: 612,
        recordInfo: { offset: '4101', timestamp: '2026-01-01T00:00:00.123Z' },
      },
      payload,
    });
  });

  it('omits eventSourceArn for self-managed Kafka and keeps responseContext null when never invoked', () => {
    const { eventSourceArn: _arn, ...selfManaged } = ctx;
    const record = kafkaFailureRecord(
      { ...selfManaged, condition: 'MaximumPayloadSizeExceeded', responseContext: null },
      { offset: 7, timestampMs: -1 },
      {},
      2,
    );
    assert.equal('eventSourceArn' in record.KafkaBatchInfo, false);
    assert.equal(record.responseContext, null);
    assert.deepEqual(record.KafkaBatchInfo.recordInfo, { offset: '7', timestamp: null });
  });
});

describe('metadataFailureRecord (SQS/SNS/http shape)', () => {
  it('summarises the batch in recordsInfo keyed by topic-partition', () => {
    const packed = orders([4101, 4102]);
    const record = metadataFailureRecord(ctx, packed, 1874);
    assert.equal(record.KafkaBatchInfo.batchSize, 2);
    assert.equal(record.KafkaBatchInfo.payloadSize, 1874);
    assert.equal(record.KafkaBatchInfo.eventSourceArn, MSK_ARN);
    assert.deepEqual(record.KafkaBatchInfo.recordsInfo, {
      'orders-0': {
        firstRecordOffset: '4101',
        lastRecordOffset: '4102',
        firstRecordTimestamp: '2026-01-01T00:00:04.101Z',
        lastRecordTimestamp: '2026-01-01T00:00:04.102Z',
      },
    });
    assert.equal(record.version, '1.0');
    assert.equal('payload' in record, false);
  });

  it('keeps one entry per partition in order of first appearance', () => {
    const packed = concatPacked([orders([5], 1), orders([9, 10], 0)]);
    assert.deepEqual(Object.keys(recordsInfo(packed)), ['orders-1', 'orders-0']);
    assert.equal(recordsInfo(packed)['orders-0']?.lastRecordOffset, '10');
  });
});

describe('isoTime', () => {
  it('formats epoch ms and maps "no timestamp" to null', () => {
    assert.equal(isoTime(0), '1970-01-01T00:00:00.000Z');
    assert.equal(isoTime(-1), null);
  });
});

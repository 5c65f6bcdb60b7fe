import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecords, MSKEvent } from '@aws-lambda-powertools/kafka/types';
import { type MessageLike, pack } from '../../../src/encode/pack.ts';
import { b, encoders, label, MSK, owned, SELF_MANAGED } from './helpers.ts';

/**
 * Compatibility with what functions actually run: a handler wrapped with Powertools' kafkaConsumer
 * (the AWS-maintained Kafka event utility) must get our records back intact from our payload bytes.
 */
const messages: MessageLike[] = [
  {
    topic: 'orders',
    partition: 0,
    offset: 41,
    timestamp: 1767225600123,
    timestampType: 1,
    key: b('order-42'),
    value: b('{"id":42,"note":"hië ✓"}'),
    headers: [{ 'trace-id': b('abc123') }, { 'content-type': b('application/json') }, { 'x-ünï': b('ë') }],
  },
  {
    topic: 'orders',
    partition: 2,
    offset: 7,
    timestamp: 1767225600456,
    timestampType: 2,
    key: null,
    value: b('[1,2]'),
  },
  {
    topic: 'orders',
    partition: 0,
    offset: 42,
    timestamp: -1,
    key: b('tomb'),
    value: null,
    headers: [{ empty: b('') }],
  },
];

interface Seen {
  key: unknown;
  value: unknown;
  originalValue: unknown;
  headers: unknown;
  offset: number;
  partition: number;
  timestampType: string;
}

describe('payloads read by @aws-lambda-powertools/kafka kafkaConsumer', () => {
  encoders.forEach((encoder, i) => {
    for (const options of [MSK, SELF_MANAGED]) {
      it(`${label(encoder, i)}, ${options.eventSource}: keys, values and headers come back`, async () => {
        const [payload] = owned(encoder.encode(pack(messages), options)).payloads;
        assert.ok(payload);
        const event = JSON.parse(Buffer.from(payload.bytes).toString('utf8'));
        const seen: Seen[] = [];
        // Powertools types its handler with aws-lambda's Handler; without @types/aws-lambda (not a
        // dependency here) that collapses to (unknown) => Promise<never>, hence the cast below.
        const handler = kafkaConsumer<string, unknown>(
          (async (event: unknown) => {
            const e = event as ConsumerRecords<string, unknown>;
            for (const r of e.records) {
              seen.push({
                key: r.key,
                value: r.value,
                originalValue: r.originalValue,
                headers: r.headers,
                offset: r.offset,
                partition: r.partition,
                timestampType: r.timestampType,
              });
            }
            return e.eventSource;
          }) as never,
          { value: { type: 'json' } },
        );
        // The handler does not use the Lambda context.
        const source = await handler(event as MSKEvent, {} as Parameters<typeof handler>[1]);
        assert.equal(source, options.eventSource);
        // Powertools flattens records in the order of the "topic-partition" groups.
        assert.deepEqual(
          seen.map((r) => [r.partition, r.offset, r.timestampType]),
          [
            [0, 41, 'CREATE_TIME'],
            [0, 42, 'NO_TIMESTAMP_TYPE'],
            [2, 7, 'LOG_APPEND_TIME'],
          ],
        );
        const [first, tombstone, second] = seen as [Seen, Seen, Seen];
        assert.equal(first.key, 'order-42');
        assert.deepEqual(first.value, { id: 42, note: 'hië ✓' });
        assert.deepEqual(first.headers, [
          { 'trace-id': 'abc123' },
          { 'content-type': 'application/json' },
          { 'x-ünï': 'ë' },
        ]);
        assert.equal(second.key, undefined, 'no key');
        assert.deepEqual(second.value, [1, 2]);
        assert.equal(second.originalValue, Buffer.from('[1,2]').toString('base64'));
        assert.equal(tombstone.key, 'tomb');
        assert.equal(tombstone.value, undefined, 'a tombstone has no value');
        assert.deepEqual(tombstone.headers, [{ empty: '' }]);
      });
    }
  });
});

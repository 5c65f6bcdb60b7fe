import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EncodeOptions } from '../../../src/encode/envelope.ts';
import { type MessageLike, pack } from '../../../src/encode/pack.ts';
import { referenceEncoder } from '../../../src/encode/reference.ts';
import { b, encoders, label, MSK, owned, SELF_MANAGED, texts } from './helpers.ts';

/**
 * Known-answer tests. Expected payloads are written out by hand (from docs/lambda-esm.md §1 and the
 * decisions in src/encode/types.ts), not produced by any encoder; every encoder, through both entry
 * points, and the reference encoder must produce exactly these bytes.
 */
function check(messages: MessageLike[], options: EncodeOptions, expected: string[]): void {
  const packed = pack(messages);
  const all = [referenceEncoder, ...encoders];
  all.forEach((encoder, i) => {
    const name = i === 0 ? 'reference' : label(encoder, i - 1);
    const fromPacked = owned(encoder.encode(packed, options));
    assert.deepEqual(texts(fromPacked), expected, `${name}: encode(packed)`);
    assert.deepEqual(fromPacked.oversized, [], `${name}: nothing oversized`);
    const fromMessages = owned(encoder.encodeMessages(messages, options));
    assert.deepEqual(texts(fromMessages), expected, `${name}: encodeMessages`);
    for (const p of fromPacked.payloads)
      assert.doesNotThrow(() => JSON.parse(Buffer.from(p.bytes).toString()));
  });
}

describe('encoder goldens', () => {
  it('the MSK example of lambda-esm.md §1.3 (two partitions, signed header bytes)', () => {
    check(
      [
        {
          topic: 'orders',
          partition: 0,
          offset: 4101,
          timestamp: 1767225600123,
          timestampType: 1,
          key: b('order-42'),
          value: b('{"id":42,"total":9.99}'),
          headers: [{ 'trace-id': b('abc123') }, { note: b('hië') }],
        },
        {
          topic: 'orders',
          partition: 2,
          offset: 77,
          timestamp: 1767225600456,
          timestampType: 2,
          key: null,
          value: b('hello'),
        },
      ],
      MSK,
      [
        '{"eventSource":"aws:kafka","eventSourceArn":"arn:aws:kafka:eu-west-1:111122223333:cluster/orders/6c1f0a3e-2",' +
          '"bootstrapServers":"b-1.example:9098,b-2.example:9098","records":{' +
          '"orders-0":[{"topic":"orders","partition":0,"offset":4101,"timestamp":1767225600123,"timestampType":"CREATE_TIME",' +
          '"key":"b3JkZXItNDI=","value":"eyJpZCI6NDIsInRvdGFsIjo5Ljk5fQ==",' +
          '"headers":[{"trace-id":[97,98,99,49,50,51]},{"note":[104,105,-61,-85]}]}],' +
          '"orders-2":[{"topic":"orders","partition":2,"offset":77,"timestamp":1767225600456,"timestampType":"LOG_APPEND_TIME",' +
          '"value":"aGVsbG8=","headers":[]}]}}',
      ],
    );
  });

  it('self-managed: no ARN; null key omitted, empty value kept, tombstone omits value, escapes, large offset, timestamp -1', () => {
    const name = `q"b\\s\n\t\u0000\u001f\u007fé€😀`;
    check(
      [
        {
          topic: 'my.topic-name',
          partition: 12,
          offset: 2 ** 53 - 1,
          timestamp: -1,
          key: null,
          value: new Uint8Array(0),
        },
        {
          topic: 'my.topic-name',
          partition: 3,
          offset: 0,
          timestamp: 1700000000000,
          timestampType: 2,
          key: b('k'),
          value: null,
          headers: [
            { [name]: new Uint8Array([0, 127, 128, 255]) },
            { empty: null },
            { z: new Uint8Array(0) },
          ],
        },
        {
          topic: 'my.topic-name',
          partition: 12,
          offset: 5,
          timestamp: 1,
          timestampType: 1,
          key: b('ab'),
          value: 'abc',
          headers: [{ a: 'x' }, { a: b('y') }],
        },
      ],
      SELF_MANAGED,
      [
        '{"eventSource":"SelfManagedKafka","bootstrapServers":"kafka-1.internal:9092","records":{' +
          '"my.topic-name-12":[{"topic":"my.topic-name","partition":12,"offset":9007199254740991,"timestamp":-1,' +
          '"timestampType":"NO_TIMESTAMP_TYPE","value":"","headers":[]},' +
          '{"topic":"my.topic-name","partition":12,"offset":5,"timestamp":1,"timestampType":"CREATE_TIME",' +
          '"key":"YWI=","value":"YWJj","headers":[{"a":[120]},{"a":[121]}]}],' +
          '"my.topic-name-3":[{"topic":"my.topic-name","partition":3,"offset":0,"timestamp":1700000000000,' +
          '"timestampType":"LOG_APPEND_TIME","key":"aw==","headers":[' +
          String.raw`{"q\"b\\s\n\t\u0000\u001f${'\u007f'}é€😀":[0,127,-128,-1]},{"empty":[]},{"z":[]}]}]}}`,
      ],
    );
  });

  it('every byte value 0-255 in key, value and a header', () => {
    const up = Uint8Array.from({ length: 256 }, (_, i) => i);
    const down = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    // Independent oracles: Node's base64, and the signed bytes spelled out.
    const signed = [
      ...Array.from({ length: 128 }, (_, i) => i),
      ...Array.from({ length: 128 }, (_, i) => i - 128),
    ];
    check(
      [
        {
          topic: 't',
          partition: 0,
          offset: 1,
          timestamp: 2,
          timestampType: 1,
          key: up,
          value: down,
          headers: [{ all: up }],
        },
      ],
      SELF_MANAGED,
      [
        '{"eventSource":"SelfManagedKafka","bootstrapServers":"kafka-1.internal:9092","records":{"t-0":[' +
          '{"topic":"t","partition":0,"offset":1,"timestamp":2,"timestampType":"CREATE_TIME",' +
          `"key":"${Buffer.from(up).toString('base64')}","value":"${Buffer.from(down).toString('base64')}",` +
          `"headers":[{"all":[${signed.join(',')}]}]}]}}`,
      ],
    );
  });

  it('partitions interleaved: groups in order of first appearance, records in batch order inside each', () => {
    const r = (partition: number, offset: number): MessageLike => ({
      topic: 'x',
      partition,
      offset,
      timestamp: 0,
      timestampType: 1,
      value: b(''),
    });
    const rec = (partition: number, offset: number) =>
      `{"topic":"x","partition":${partition},"offset":${offset},"timestamp":0,"timestampType":"CREATE_TIME","value":"","headers":[]}`;
    check([r(1, 10), r(0, 20), r(1, 11), r(2, 30), r(0, 21), r(1, 12)], SELF_MANAGED, [
      '{"eventSource":"SelfManagedKafka","bootstrapServers":"kafka-1.internal:9092","records":{' +
        `"x-1":[${rec(1, 10)},${rec(1, 11)},${rec(1, 12)}],"x-0":[${rec(0, 20)},${rec(0, 21)}],"x-2":[${rec(2, 30)}]}}`,
    ]);
  });

  it('an empty batch gives no payload at all (nothing to invoke)', () => {
    check([], MSK, []);
  });

  it('a negative partition and the extremes of i64 print exactly (offsets beyond 2^53 come from the layout)', () => {
    const packed = pack([{ topic: 't', partition: -1, offset: 0, timestamp: 0, value: null }]);
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    const record = packed.length - 34; // the only record: fixed part, two lengths, header count
    view.setBigInt64(record + 8, 9223372036854775807n, true);
    view.setBigInt64(record + 16, -9223372036854775808n, true);
    const expected =
      '{"eventSource":"SelfManagedKafka","bootstrapServers":"kafka-1.internal:9092","records":{"t--1":[' +
      '{"topic":"t","partition":-1,"offset":9223372036854775807,"timestamp":-9223372036854775808,' +
      '"timestampType":"NO_TIMESTAMP_TYPE","headers":[]}]}}';
    assert.deepEqual(texts(referenceEncoder.encode(packed, SELF_MANAGED)), [expected], 'reference');
    encoders.forEach((encoder, i) => {
      assert.deepEqual(texts(encoder.encode(packed, SELF_MANAGED)), [expected], label(encoder, i));
    });
  });
});

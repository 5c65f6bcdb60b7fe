import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type MessageLike, pack, packInto } from '../../../src/encode/pack.ts';
import {
  concatPacked,
  joinPacked,
  packedOffsets,
  packedOps,
  slicePacked,
} from '../../../src/encode/packed.ts';
import {
  firstOffset,
  lastOffset,
  readPacked,
  recordHeaders,
  recordKey,
  recordOffset,
  recordOffsets,
  recordPartition,
  recordTimestamp,
  recordTimestampType,
  recordTopic,
  recordValue,
} from '../../../src/encode/reader.ts';
import { recordsFromPacked } from '../../../src/encode/reference.ts';
import { b } from './helpers.ts';

const plain = (u: Uint8Array | null) => (u === null ? null : [...u]);

const sample: MessageLike[] = [
  {
    topic: 'orders',
    partition: 3,
    offset: 100,
    timestamp: 1700000000000,
    timestampType: 1,
    key: b('k'),
    value: b('v1'),
    headers: [{ a: b('1') }, { ünï: 'x', b: null }],
  },
  { topic: 'clicks', partition: 0, offset: 7, timestamp: -1, key: null, value: null },
  {
    topic: 'orders',
    partition: 3,
    offset: 101,
    timestamp: 1700000000001,
    timestampType: 2,
    key: '',
    value: 'text',
  },
];

describe('pack and read the raw-batch layout', () => {
  it('round-trips every field, with a topic table in order of first appearance', () => {
    const batch = readPacked(pack(sample));
    assert.equal(batch.recordCount, 3);
    assert.deepEqual(batch.topics, ['orders', 'clicks']);
    assert.deepEqual(
      [0, 1, 2].map((i) => [
        recordTopic(batch, i),
        recordPartition(batch, i),
        recordOffset(batch, i),
        recordTimestamp(batch, i),
      ]),
      [
        ['orders', 3, 100, 1700000000000],
        ['clicks', 0, 7, -1],
        ['orders', 3, 101, 1700000000001],
      ],
    );
    assert.deepEqual(
      [0, 1, 2].map((i) => recordTimestampType(batch, i)),
      [1, 0, 2],
    );
    assert.deepEqual(plain(recordKey(batch, 0)), [...b('k')]);
    assert.equal(recordKey(batch, 1), null);
    assert.deepEqual(plain(recordKey(batch, 2)), []);
    assert.equal(recordValue(batch, 1), null);
    assert.deepEqual(plain(recordValue(batch, 2)), [...b('text')]);
    assert.deepEqual(
      recordHeaders(batch, 0).map((h) => [h.name, plain(h.value)]),
      [
        ['a', [...b('1')]],
        ['ünï', [...b('x')]],
        ['b', null],
      ],
    );
    assert.deepEqual([firstOffset(batch), lastOffset(batch)], [100, 101]);
    assert.deepEqual([...recordOffsets(batch)], [100, 7, 101]);
  });

  it('round-trips names and short fields of every length around the fast paths (words, 8/16-byte copies)', () => {
    // Names up to 62 bytes are written as whole words, longer ones (and u16 lengths > 255) byte-wise.
    const names = [0, 1, 2, 3, 4, 5, 61, 62, 63, 64, 300].map((n) => 'n'.repeat(n));
    names.push('ünï-ü'.repeat(13)); // 91 bytes of UTF-8
    const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
    const messages: MessageLike[] = names.map((name, i) => ({
      topic: 't',
      partition: 0,
      offset: i,
      key: bytes(i * 3),
      value: bytes(40 - i),
      headers: [{ [name]: bytes(i + 6) }, { [`h${name}`]: bytes(33 - i) }, { x: null }],
    }));
    // The same batch twice: the second time the header names come from the per-position cache.
    for (let round = 0; round < 2; round++) {
      const batch = readPacked(pack(messages));
      messages.forEach((m, i) => {
        assert.deepEqual(plain(recordKey(batch, i)), [...(m.key as Uint8Array)]);
        assert.deepEqual(plain(recordValue(batch, i)), [...(m.value as Uint8Array)]);
        assert.deepEqual(
          recordHeaders(batch, i).map((h) => [h.name, plain(h.value)]),
          (m.headers ?? []).map((h) => {
            const [name, value] = Object.entries(h)[0] as [string, Uint8Array | null];
            return [name, plain(value)];
          }),
        );
      });
    }
  });

  it('writes the same bytes as the native addon (test/unit/kafka/fixtures/native-batch.bin)', () => {
    const fixture = readFileSync(new URL('../kafka/fixtures/native-batch.bin', import.meta.url));
    const batch = readPacked(fixture);
    const messages: MessageLike[] = [];
    for (let i = 0; i < batch.recordCount; i++) {
      messages.push({
        topic: recordTopic(batch, i),
        partition: recordPartition(batch, i),
        offset: recordOffset(batch, i),
        timestamp: recordTimestamp(batch, i),
        timestampType: recordTimestampType(batch, i),
        key: recordKey(batch, i),
        value: recordValue(batch, i),
        headers: recordHeaders(batch, i).map((h) => ({ [h.name]: h.value })),
      });
    }
    assert.equal(messages.length, 4);
    assert.deepEqual([...pack(messages)], [...fixture]);
  });

  it('packInto writes at an offset into a larger buffer, and reports the exact size when it is too small', () => {
    const exact = pack(sample);
    const big = new Uint8Array(exact.length + 10).fill(0xee);
    assert.equal(packInto(sample, big, 5), exact.length);
    assert.deepEqual([...big.subarray(5, 5 + exact.length)], [...exact]);
    assert.deepEqual([...big.subarray(0, 5), ...big.subarray(5 + exact.length)], new Array(10).fill(0xee));
    for (const size of [0, 10, exact.length - 1])
      assert.equal(packInto(sample, new Uint8Array(size)), exact.length);
  });

  it('refuses what the layout cannot hold or Lambda could not print', () => {
    const base: MessageLike = { topic: 't', partition: 0, offset: 0, timestamp: 0, value: null };
    const bad: [Partial<MessageLike>, RegExp][] = [
      [{ partition: 2 ** 31 }, /partition/],
      [{ offset: 1.5 }, /offset/],
      [{ offset: 2 ** 53 }, /offset/],
      [{ timestamp: Number.NaN }, /timestamp/],
      [{ timestampType: 3 as 0 }, /timestampType/],
      [{ topic: 'x'.repeat(250) }, /topic name/],
      [{ headers: [{ ['n'.repeat(70000)]: null }] }, /header name/],
    ];
    for (const [change, message] of bad) {
      assert.throws(() => pack([{ ...base, ...change }]), {
        name: 'EncodeError',
        code: 'ENCODE_FAILED',
        message,
      });
    }
  });
});

describe('slice and concat packed batches', () => {
  const arbitraryBatch = fc
    .array(
      fc.record({
        topic: fc.constantFrom('a', 'b', 'c'),
        partition: fc.integer({ min: 0, max: 3 }),
        offset: fc.nat(),
        timestamp: fc.nat(),
        value: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: null }),
        headers: fc.array(fc.constantFrom({ h: b('1') }, { g: null }), { maxLength: 2 }),
      }),
      { maxLength: 10 },
    )
    .map((ms) => ms as MessageLike[]);

  it('slice(i, j) and concat of parts equal packing the same messages directly', () => {
    fc.assert(
      fc.property(arbitraryBatch, arbitraryBatch, fc.nat(), fc.nat(), (one, two, x, y) => {
        const [from, to] = [x % (one.length + 1), y % (one.length + 1)].sort((p, q) => p - q) as [
          number,
          number,
        ];
        const sliced = readPacked(slicePacked(pack(one), from, to));
        const direct = readPacked(pack(one.slice(from, to)));
        assert.deepEqual([...recordOffsets(sliced)], [...recordOffsets(direct)]);
        for (let i = 0; i < direct.recordCount; i++)
          assert.equal(recordTopic(sliced, i), recordTopic(direct, i));
        // Concatenation merges topic tables in order of first appearance, which is what pack does.
        const joined = concatPacked([pack(one), pack([]), pack(two)]);
        assert.deepEqual([...joined], [...pack([...one, ...two])]);
      }),
      { numRuns: 500 },
    );
  });

  it('slice keeps record bytes verbatim and rejects bad ranges', () => {
    const packed = pack(sample);
    assert.deepEqual([...slicePacked(packed, 0, 3)], [...packed]);
    assert.equal(readPacked(slicePacked(packed, 1, 1)).recordCount, 0);
    assert.throws(() => slicePacked(packed, 2, 1), RangeError);
    assert.throws(() => slicePacked(packed, 0, 4), RangeError);
  });

  it('packedOps gives the batcher offsets, slice and join', () => {
    const packed = pack(sample);
    assert.deepEqual([...packedOps.offsets(packed)], [100, 7, 101]);
    assert.deepEqual(
      [
        ...packedOffsets(
          packedOps.join([
            { data: packed, from: 2, to: 3 },
            { data: packed, from: 0, to: 2 },
          ]),
        ),
      ],
      [101, 100, 7],
    );
    assert.throws(() => joinPacked([{ data: packed, from: 1, to: 4 }]), RangeError);
  });

  it('join of record ranges holds the records of packing those messages directly', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbitraryBatch, fc.nat(), fc.nat()), { maxLength: 4 }), (parts) => {
        const ranges = parts.map(([ms, x, y]) => {
          const [from, to] = [x % (ms.length + 1), y % (ms.length + 1)].sort((p, q) => p - q) as [
            number,
            number,
          ];
          return { ms, from, to };
        });
        const joined = joinPacked(ranges.map(({ ms, from, to }) => ({ data: pack(ms), from, to })));
        const direct = pack(ranges.flatMap(({ ms, from, to }) => ms.slice(from, to)));
        // The same records; the topic table may list topics of records left out (as slice does).
        assert.deepEqual(recordsFromPacked(joined), recordsFromPacked(direct));
      }),
      { numRuns: 500 },
    );
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pack } from '../../../src/encode/pack.ts';
import { readRawBatch } from '../../helpers/raw-batch.ts';

/** Written by the native addon from four records produced to a 1-partition topic (see the test names). */
const fixture = readFileSync(new URL('./fixtures/native-batch.bin', import.meta.url));
const TOPIC = 'fixture-1795691270510';
const b = (s: string) => new Uint8Array(Buffer.from(s));

const expected = [
  {
    offset: 0,
    timestamp: 1700000000000,
    key: b('k-0'),
    value: b('hello'),
    headers: [
      { name: 'a', value: b('1') },
      { name: 'ünï', value: new Uint8Array([0, 255]) },
    ],
  },
  { offset: 1, timestamp: 1700000000001, key: null, value: b('no key'), headers: [] },
  {
    offset: 2,
    timestamp: 1700000000002,
    key: b('tomb'),
    value: null,
    headers: [{ name: 'empty', value: b('') }],
  },
  { offset: 3, timestamp: 1700000000003, key: b(''), value: b(''), headers: [] },
];

const plain = (u: Uint8Array | null) => (u === null ? null : [...u]);

describe('raw batch written by the native addon', () => {
  it('reads back every field: null key, tombstone, empty key and value, UTF-8 and binary headers', () => {
    const records = readRawBatch(fixture);
    assert.equal(records.length, 4);
    records.forEach((r, i) => {
      const e = expected[i];
      assert.ok(e);
      assert.equal(r.topic, TOPIC);
      assert.equal(r.partition, 0);
      assert.equal(r.offset, e.offset);
      assert.equal(r.timestamp, e.timestamp);
      assert.equal(r.timestampType, 1);
      assert.deepEqual(plain(r.key), plain(e.key));
      assert.deepEqual(plain(r.value), plain(e.value));
      assert.deepEqual(
        r.headers.map((h) => ({ name: h.name, value: plain(h.value) })),
        e.headers.map((h) => ({ name: h.name, value: plain(h.value) })),
      );
    });
  });

  it('src/encode/pack.ts, the binding adapter packer, writes the very same bytes', () => {
    const messages = expected.map((e) => ({
      topic: TOPIC,
      partition: 0,
      timestampType: 1 as const,
      offset: e.offset,
      timestamp: e.timestamp,
      key: e.key,
      value: e.value,
      headers: e.headers.map((h) => ({ [h.name]: h.value })),
    }));
    const packed = pack(messages);
    assert.deepEqual([...packed], [...fixture]);
  });
});

describe('readRawBatch rejects bad input', () => {
  it('a truncated buffer', () => {
    const cut = fixture.subarray(0, fixture.length - 3);
    assert.throws(() => readRawBatch(cut), { code: 'ENCODE_FAILED', message: /length does not match/ });
  });

  it('a byteLength shorter than the records', () => {
    const copy = Buffer.from(fixture);
    copy.writeUInt32LE(copy.length - 5, 16);
    assert.throws(() => readRawBatch(copy), {
      code: 'ENCODE_FAILED',
      message: /length does not match|truncated/,
    });
  });

  it('bad magic and unknown version', () => {
    const copy = Buffer.from(fixture);
    copy[0] = 0;
    assert.throws(() => readRawBatch(copy), { code: 'ENCODE_FAILED', message: /bad magic/ });
    const v2 = Buffer.from(fixture);
    v2.writeUInt16LE(2, 4);
    assert.throws(() => readRawBatch(v2), {
      code: 'ENCODE_FAILED',
      message: /unsupported packed batch version/,
    });
  });

  it('an empty batch round-trips', () => {
    assert.deepEqual(readRawBatch(pack([])), []);
  });
});

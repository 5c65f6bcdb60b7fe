import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type MessageLike, pack } from '../../../src/encode/pack.ts';
import { referenceEncode } from '../../../src/encode/reference.ts';
import { STATUS } from '../../../src/encode/status.ts';
import type { BatchEncoder } from '../../../src/encode/types.ts';
import { isBridgeError } from '../../../src/errors.ts';
import { b, encoders, label, MSK, SELF_MANAGED, texts } from './helpers.ts';

type Outcome = { ok: string[] } | { error: unknown };

function outcome(run: () => { payloads: { bytes: Uint8Array }[] }): Outcome {
  try {
    return { ok: texts(run() as Parameters<typeof texts>[0]) };
  } catch (error) {
    assert.ok(isBridgeError(error), `throws a BridgeError, not ${String(error)}`);
    assert.equal(error.code, 'ENCODE_FAILED');
    return { error: error.context };
  }
}

/** Every encoder must fail the way the reference (the JS reader) fails, or produce its exact bytes. */
function sameOutcome(bytes: Uint8Array): Outcome {
  const expected = outcome(() => referenceEncode(bytes, MSK));
  encoders.forEach((encoder: BatchEncoder, i) => {
    assert.deepEqual(
      outcome(() => encoder.encode(bytes, MSK)),
      expected,
      label(encoder, i),
    );
  });
  return expected;
}

const valid = pack([
  {
    topic: 'orders',
    partition: 0,
    offset: 1,
    timestamp: 2,
    timestampType: 1,
    key: b('k'),
    value: b('v'),
    headers: [{ h: b('x') }],
  },
  { topic: 'orders', partition: 1, offset: 2, timestamp: 3, timestampType: 1, key: null, value: b('w') },
]);
const FIRST_RECORD = 20 + 2 + 'orders'.length;
const SECOND_RECORD = FIRST_RECORD + 24 + 4 + 1 + 4 + 1 + 2 + 2 + 1 + 4 + 1;

function mutate(change: (view: DataView, bytes: Uint8Array) => void, length = valid.length): Uint8Array {
  const bytes = new Uint8Array(length);
  bytes.set(valid.subarray(0, Math.min(length, valid.length)));
  const view = new DataView(bytes.buffer);
  if (length >= 20) view.setUint32(16, length, true);
  change(view, bytes);
  return bytes;
}

describe('bad packed input: every encoder reports the same status, none reads out of bounds', () => {
  const cases: [string, Uint8Array, keyof typeof STATUS, number?][] = [
    ['shorter than a header', valid.subarray(0, 19), 'BAD_BYTE_LENGTH'],
    ['byteLength disagrees', mutate((v) => v.setUint32(16, 999, true)), 'BAD_BYTE_LENGTH'],
    ['bad magic', mutate((_, bytes) => (bytes[0] = 0)), 'BAD_MAGIC'],
    ['version 2', mutate((v) => v.setUint16(4, 2, true)), 'BAD_VERSION'],
    ['flags set', mutate((v) => v.setUint16(6, 1, true)), 'BAD_VERSION'],
    ['huge record count', mutate((v) => v.setUint32(8, 0xffffffff, true)), 'TRUNCATED'],
    ['no topics but records', mutate((v) => v.setUint32(12, 0, true)), 'BAD_TOPIC_INDEX', 0],
    ['topic index out of range', mutate((v) => v.setUint16(SECOND_RECORD, 1, true)), 'BAD_TOPIC_INDEX', 1],
    ['timestampType 3', mutate((_, bytes) => (bytes[FIRST_RECORD + 2] = 3)), 'BAD_TIMESTAMP_TYPE', 0],
    ['key length -2', mutate((v) => v.setInt32(FIRST_RECORD + 24, -2, true)), 'BAD_LENGTH', 0],
    ['value runs past the end', mutate((v) => v.setInt32(SECOND_RECORD + 28, 1000, true)), 'TRUNCATED', 1],
    ['cut inside the second record', mutate(() => undefined, valid.length - 3), 'TRUNCATED', 1],
    ['bytes after the last record', mutate(() => undefined, valid.length + 1), 'TRAILING_BYTES'],
    [
      'header name not UTF-8',
      mutate((_, bytes) => (bytes[FIRST_RECORD + 24 + 4 + 1 + 4 + 1 + 2 + 2] = 0xff)),
      'INVALID_UTF8',
      0,
    ],
    ['topic name not UTF-8', mutate((_, bytes) => (bytes[22] = 0xc0)), 'INVALID_UTF8'],
  ];
  for (const [title, bytes, status, record] of cases) {
    it(title, () => {
      const expected = { status, ...(record === undefined ? {} : { record }) };
      assert.deepEqual(sameOutcome(bytes), { error: expected });
    });
  }

  it('random corruption (flipped bytes, overwritten words, truncation): same outcome everywhere (3,000 inputs)', () => {
    const message = fc.record({
      topic: fc.constantFrom('t', 'orders'),
      partition: fc.integer({ min: 0, max: 2 }),
      offset: fc.nat(),
      timestamp: fc.nat(),
      timestampType: fc.constantFrom(0 as const, 1 as const, 2 as const),
      key: fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null }),
      value: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
      headers: fc.array(fc.constantFrom({ a: b('é') }, { 'x-y': null }), { maxLength: 3 }),
    }) as fc.Arbitrary<MessageLike>;
    const edit = fc.oneof(
      fc.tuple(fc.constant('byte' as const), fc.nat(), fc.integer({ min: 0, max: 255 })),
      fc.tuple(
        fc.constant('word' as const),
        fc.nat(),
        fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0xfffffffe, 100),
      ),
      fc.tuple(fc.constant('cut' as const), fc.nat(), fc.boolean()),
    );
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), edit, (messages, [kind, at, value]) => {
        const bytes = pack(messages);
        const view = new DataView(bytes.buffer);
        let input = bytes;
        if (kind === 'byte') {
          bytes[at % bytes.length] = value as number;
        } else if (kind === 'word') {
          view.setUint32(at % (bytes.length - 3), value as number, true);
        } else {
          input = bytes.subarray(0, at % bytes.length);
          // Keep the header consistent half the time, so the cut is found inside the records.
          if (value && input.length >= 20) new DataView(input.buffer).setUint32(16, input.length, true);
        }
        sameOutcome(input);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('status codes and options', () => {
  it('src/encode/status.ts mirrors assembly/status.ts', () => {
    const source = readFileSync(new URL('../../../assembly/status.ts', import.meta.url), 'utf8');
    const wasm = Object.fromEntries(
      [...source.matchAll(/export const (\w+): i32 = (\d+);/g)].map((m) => [m[1] as string, Number(m[2])]),
    );
    assert.deepEqual(wasm, { ...STATUS });
  });

  it('rejects options Lambda would never send', () => {
    const packed = pack([]);
    const bad = [
      { eventSource: 'aws:kafka', bootstrapServers: 'x' },
      { eventSource: 'SelfManagedKafka', eventSourceArn: 'arn', bootstrapServers: 'x' },
      { eventSource: 'aws:SelfManagedKafka', bootstrapServers: 'x' },
      { ...SELF_MANAGED, maxPayloadBytes: 0 },
      { ...SELF_MANAGED, maxPayloadBytes: 1.5 },
    ];
    for (const options of bad) {
      for (const encoder of encoders) {
        assert.throws(() => encoder.encode(packed, options as typeof MSK), {
          code: 'ENCODE_FAILED',
          message: /invalid encoder options/,
        });
      }
    }
  });
});

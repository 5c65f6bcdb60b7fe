import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { EncodeOptions } from '../../../src/encode/envelope.ts';
import { type HeaderValue, type MessageLike, pack } from '../../../src/encode/pack.ts';
import { slicePacked } from '../../../src/encode/packed.ts';
import { readPacked, recordOffset, recordPartition, recordTopic } from '../../../src/encode/reader.ts';
import { referenceEncode, referenceEncodeMessages } from '../../../src/encode/reference.ts';
import type { EncodeResult } from '../../../src/encode/types.ts';
import { encoders, label, MSK, owned, SELF_MANAGED, texts } from './helpers.ts';

// Names with everything JSON must escape, non-ASCII (up to 4-byte UTF-8), and the common ones.
const name = fc.oneof(
  fc.constantFrom('content-type', 'trace-id', 'a', '', '__proto__', '1'),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.string({ unit: 'binary-ascii', maxLength: 24 }),
);
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
const field = fc.oneof(
  { weight: 4, arbitrary: bytes(64) },
  { weight: 1, arbitrary: bytes(3000) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.constant(null) },
);
const headerValue: fc.Arbitrary<HeaderValue> = fc.oneof(
  bytes(40),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
);
// Objects built with computed keys / fromEntries, so "__proto__" is an own property as in real headers.
const headers = fc.array(
  fc.oneof(
    fc.tuple(name, headerValue).map(([n, v]) => ({ [n]: v })),
    fc.array(fc.tuple(name, headerValue), { maxLength: 3 }).map((pairs) => Object.fromEntries(pairs)),
  ),
  { maxLength: 4 },
);
const message: fc.Arbitrary<MessageLike> = fc.record(
  {
    topic: fc.constantFrom('orders', 'my.topic-name', 't', 'ünï-topic', 'q"\\\n'),
    partition: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    offset: fc.oneof(
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
    ),
    timestamp: fc.oneof(
      fc.constant(-1),
      fc.integer({ min: 0, max: 2e12 }),
      fc.maxSafeInteger(),
      fc.constant(-(2 ** 53 - 1)),
    ),
    timestampType: fc.constantFrom(0 as const, 1 as const, 2 as const, undefined),
    key: field,
    value: field,
    headers: fc.option(headers, { nil: undefined }),
  },
  { requiredKeys: ['topic', 'partition', 'offset'] },
);
const batch = fc.array(message, { maxLength: 14 });
const options = fc.constantFrom<EncodeOptions>(MSK, SELF_MANAGED);

const UNLIMITED = Number.MAX_SAFE_INTEGER;

function assertSame(actual: EncodeResult, expected: EncodeResult, what: string): void {
  assert.deepEqual(texts(actual), texts(expected), `${what}: payload bytes`);
  assert.deepEqual(
    actual.payloads.map((p) => [p.firstRecord, p.recordCount]),
    expected.payloads.map((p) => [p.firstRecord, p.recordCount]),
    `${what}: payload ranges`,
  );
  assert.deepEqual(actual.oversized, expected.oversized, `${what}: oversized`);
}

/** The size of the one payload the reference makes for records [from, to), with no cap. */
function sizeAlone(packed: Uint8Array, options: EncodeOptions, from: number, to: number): number {
  const result = referenceEncode(slicePacked(packed, from, to), { ...options, maxPayloadBytes: UNLIMITED });
  return (result.payloads[0] as { bytes: Uint8Array }).bytes.length;
}

describe('encoders against the reference, random batches', () => {
  it('byte-identical payloads from packed batches and from message objects (2,000 batches)', () => {
    fc.assert(
      fc.property(batch, options, (messages, opts) => {
        const packed = pack(messages);
        const expected = owned(referenceEncode(packed, opts));
        assertSame(owned(referenceEncodeMessages(messages, opts)), expected, 'reference from messages');
        for (const p of expected.payloads) JSON.parse(Buffer.from(p.bytes).toString('utf8'));
        encoders.forEach((encoder, i) => {
          assertSame(owned(encoder.encode(packed, opts)), expected, `${label(encoder, i)} encode`);
          assertSame(
            owned(encoder.encodeMessages(messages, opts)),
            expected,
            `${label(encoder, i)} encodeMessages`,
          );
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('split under a cap: each payload ≤ cap, greedy, all records in order, oversized reported (1,500 batches)', () => {
    // The cap is either absolute or a fraction of the whole batch's payload (to get several payloads).
    const capChoice = fc.tuple(
      fc.boolean(),
      fc.integer({ min: 120, max: 4000 }),
      fc.double({ min: 0.05, max: 1, noNaN: true }),
    );
    fc.assert(
      fc.property(batch, options, capChoice, (messages, opts, [absolute, fixed, fraction]) => {
        const packed = pack(messages);
        const whole = messages.length > 0 ? sizeAlone(packed, opts, 0, messages.length) : 0;
        const cap = absolute ? fixed : Math.max(100, Math.floor(whole * fraction));
        const capped = { ...opts, maxPayloadBytes: cap };
        const view = readPacked(packed);
        const expected = owned(referenceEncode(packed, capped));
        let next = 0;
        const oversized = new Map(expected.oversized.map((o) => [o.index, o]));
        const take = () => {
          while (oversized.has(next)) {
            const o = oversized.get(next);
            assert.ok(o);
            assert.equal(o.bytes, sizeAlone(packed, opts, next, next + 1));
            assert.ok(o.bytes > cap, 'an oversized record does not fit alone');
            assert.deepEqual(
              [o.offset, o.partition, o.topic],
              [recordOffset(view, next), recordPartition(view, next), recordTopic(view, next)],
            );
            next++;
          }
        };
        for (const p of expected.payloads) {
          take();
          assert.equal(p.firstRecord, next, 'payloads are contiguous runs, in order');
          assert.ok(p.recordCount > 0);
          assert.ok(p.bytes.length <= cap, 'payload within the cap');
          const alone = referenceEncode(slicePacked(packed, p.firstRecord, p.firstRecord + p.recordCount), {
            ...opts,
            maxPayloadBytes: UNLIMITED,
          });
          assert.deepEqual(
            texts(alone),
            [Buffer.from(p.bytes).toString('utf8')],
            'a payload is its records encoded alone',
          );
          next += p.recordCount;
          if (next < view.recordCount && !oversized.has(next)) {
            assert.ok(
              sizeAlone(packed, opts, p.firstRecord, next + 1) > cap,
              'greedy: the next record did not fit',
            );
          }
        }
        take();
        assert.equal(next, view.recordCount, 'every record is in a payload or oversized');
        encoders.forEach((encoder, i) => {
          assertSame(owned(encoder.encode(packed, capped)), expected, `${label(encoder, i)} split`);
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('the cap is inclusive: a payload of exactly maxPayloadBytes is sent, one byte less splits', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 2, maxLength: 8 }), options, (messages, opts) => {
        const packed = pack(messages);
        const whole = sizeAlone(packed, opts, 0, messages.length);
        for (const encoder of [...encoders]) {
          const exact = encoder.encode(packed, { ...opts, maxPayloadBytes: whole });
          assert.deepEqual(
            exact.payloads.map((p) => [p.firstRecord, p.recordCount, p.bytes.length]),
            [[0, messages.length, whole]],
          );
          const under = encoder.encode(packed, { ...opts, maxPayloadBytes: whole - 1 });
          assert.ok(
            under.payloads.length + under.oversized.length >= 2,
            'one byte less no longer fits in one payload',
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type MessageLike,
  pack,
  packedOffsets,
  packedOps,
  referenceEncoder,
} from '../../../src/encode/index.ts';
import { WasmEncoder } from '../../../src/encode/wasm.ts';
import { prepareBatch } from '../../../src/runtime/prepare-batch.ts';

const options = { eventSource: 'SelfManagedKafka' as const, bootstrapServers: 'b:9092' };

function messages(values: Array<string | null>, firstOffset = 40): MessageLike[] {
  return values.map((value, i) => ({
    topic: 't',
    partition: 3,
    offset: firstOffset + i,
    timestamp: 1_700_000_000_000 + i,
    timestampType: 1 as const,
    key: `k${i}`,
    value,
  }));
}

/** packedOps, recording what it frees instead of freeing it. */
function ops() {
  const released: Uint8Array[] = [];
  return { released, packed: { ...packedOps, release: (data: Uint8Array) => void released.push(data) } };
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('prepareBatch', () => {
  it('encodes the batch as the reference encoder does, with offset ranges and the oldest timestamp, and frees it', () => {
    const batch = messages(['a', 'b', 'c']);
    const taken = pack(batch);
    const { released, packed } = ops();
    const out = prepareBatch(taken, options, { encoder: new WasmEncoder(), packed, filter: undefined });
    const expected = referenceEncoder.encode(pack(batch), options);
    assert.deepEqual(
      out.payloads.map((p) => text(p.bytes)),
      expected.payloads.map((p) => text(p.bytes)),
    );
    assert.deepEqual(
      out.payloads.map((p) => [p.range, p.records]),
      [[[40, 42], 3]],
    );
    assert.equal(out.oldestTimestampMs, 1_700_000_000_000);
    assert.equal(out.filtered, 0);
    assert.deepEqual(released, [taken], 'the taken batch is freed once encoded');
  });

  it('returns payload bytes of their own: the encoder reusing its memory for the next batch leaves them intact', () => {
    const encoder = new WasmEncoder();
    const { packed } = ops();
    const first = prepareBatch(pack(messages(['first'])), options, { encoder, packed, filter: undefined });
    const before = text(first.payloads[0]?.bytes ?? new Uint8Array());
    prepareBatch(pack(messages(['second-and-longer'])), options, { encoder, packed, filter: undefined });
    assert.equal(text(first.payloads[0]?.bytes ?? new Uint8Array()), before);
  });

  it('applies the filter: counts what it dropped, encodes only what it kept, frees both buffers', () => {
    const taken = pack(messages(['keep', 'drop', 'keep']));
    const { released, packed } = ops();
    const filter = (value: Uint8Array | null) => value !== null && text(value) === 'keep';
    const out = prepareBatch(taken, options, { encoder: referenceEncoder, packed, filter });
    assert.equal(out.filtered, 1);
    assert.deepEqual(
      out.payloads.map((p) => [p.range, p.records]),
      [[[40, 42], 2]],
    );
    const event = JSON.parse(text(out.payloads[0]?.bytes ?? new Uint8Array())) as {
      records: Record<string, Array<{ offset: number }>>;
    };
    assert.deepEqual(
      event.records['t-3']?.map((r) => r.offset),
      [40, 42],
    );
    assert.equal(released.length, 2, 'the kept copy and the taken batch');
    assert.ok(released.includes(taken));
  });

  it('a batch filtered to nothing has no payloads and frees the taken batch', () => {
    const taken = pack(messages(['x', 'y']));
    const { released, packed } = ops();
    const out = prepareBatch(taken, options, { encoder: referenceEncoder, packed, filter: () => false });
    assert.deepEqual(out, { payloads: [], oversized: [], filtered: 2, oldestTimestampMs: 0 });
    assert.deepEqual(released, [taken]);
  });

  it('cuts out a record too large for any payload as its own packed batch, still readable after the batch is freed', () => {
    const big = 'x'.repeat(4000);
    const taken = pack(messages(['a', big, 'b']));
    const { packed } = ops();
    const out = prepareBatch(
      taken,
      { ...options, maxPayloadBytes: 2000 },
      { encoder: referenceEncoder, packed, filter: undefined },
    );
    assert.deepEqual(
      out.oversized.map((o) => o.offset),
      [41],
    );
    assert.deepEqual(Array.from(packedOffsets(out.oversized[0]?.packed ?? new Uint8Array())), [41]);
    assert.notEqual(out.oversized[0]?.packed.buffer, taken.buffer, 'a copy, not a view of the freed batch');
    assert.deepEqual(
      out.payloads.map((p) => p.range),
      [
        [40, 40],
        [42, 42],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PackedOps, PartitionBuffer } from '../../../src/batch/partition-buffer.ts';
import type { RawBatch } from '../../../src/kafka/consumer.ts';

/** Buffers the batcher released (cleared by each test that looks). */
const released: Uint8Array[] = [];

/** A stand-in layout for the buffer's logic: one f64 offset per record. The real layout has its own tests. */
const ops: PackedOps = {
  release: (data) => {
    released.push(data);
  },
  offsets: (data) => new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  slice: (data, from, to) =>
    new Uint8Array(data.buffer.slice(data.byteOffset + from * 8, data.byteOffset + to * 8)),
  join: (parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + (p.to - p.from) * 8, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p.data.subarray(p.from * 8, p.to * 8), at);
      at += (p.to - p.from) * 8;
    }
    return out;
  },
};

function raw(first: number, count: number, generation = 1): RawBatch {
  const offsets = Float64Array.from({ length: count }, (_, i) => first + i);
  return {
    topic: 't',
    partition: 0,
    generation,
    data: new Uint8Array(offsets.buffer),
    count,
    firstOffset: first,
    lastOffset: first + count - 1,
  };
}

const offsetsOf = (data: Uint8Array) => Array.from(ops.offsets(data));

describe('PartitionBuffer', () => {
  it('closes a batch at BatchSize and keeps the rest, in order, across polls', () => {
    const b = new PartitionBuffer('t', 0, ops);
    b.append(raw(0, 60), 0);
    assert.equal(b.isDue(0, 100, 500), false);
    b.append(raw(60, 60), 1);
    assert.equal(b.isDue(1, 100, 500), true);
    const taken = b.take(100, 1);
    assert.ok(taken);
    assert.equal(taken.count, 100);
    assert.equal(taken.firstOffset, 0);
    assert.equal(taken.lastOffset, 99);
    assert.deepEqual(
      offsetsOf(taken.data),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.equal(b.count, 20);
    assert.deepEqual(
      offsetsOf(b.take(100, 2)?.data ?? new Uint8Array()),
      Array.from({ length: 20 }, (_, i) => 100 + i),
    );
  });

  it('closes a partial batch when the window since the first record ends', () => {
    const b = new PartitionBuffer('t', 0, ops);
    b.append(raw(5, 3), 1000);
    assert.equal(b.isDue(1499, 100, 500), false);
    assert.equal(b.msUntilDue(1200, 500), 300);
    assert.equal(b.isDue(1500, 100, 500), true);
  });

  it('drops records below nextOffset (seen again after a seek) and never buffers one twice', () => {
    const b = new PartitionBuffer('t', 0, ops);
    b.append(raw(0, 10), 0);
    assert.equal(b.append(raw(5, 10), 0), 5, 'only 10..14 are new');
    assert.deepEqual(
      offsetsOf(b.take(100, 0)?.data ?? new Uint8Array()),
      Array.from({ length: 15 }, (_, i) => i),
    );
    assert.equal(b.append(raw(3, 5), 0), 0);
  });

  it('reset forgets the buffer and restarts at an offset (rewind after a lost batch)', () => {
    const b = new PartitionBuffer('t', 0, ops);
    b.append(raw(0, 10), 0);
    b.reset(4);
    assert.equal(b.count, 0);
    assert.equal(b.append(raw(0, 10), 0), 6);
    assert.equal(b.take(100, 0)?.firstOffset, 4);
  });

  it('takes a polled batch over without copying it (one less copy of every record)', () => {
    const b = new PartitionBuffer('t', 0, ops);
    const batch = raw(0, 4);
    b.append(batch, 0);
    assert.equal(b.take(10, 0)?.data, batch.data);
  });

  it('releases each polled buffer once its last record was copied out, never one it handed out or still holds', () => {
    released.length = 0;
    const b = new PartitionBuffer('t', 0, ops);
    const first = raw(0, 60);
    const second = raw(60, 60);
    b.append(first, 0);
    b.append(second, 0);
    const taken = b.take(100, 0);
    // The batch copies all of the first poll (freed) and the head of the second, which stays held,
    // uncopied, for the 20 records still buffered.
    assert.ok(taken);
    assert.deepEqual(released, [first.data]);
    const rest = b.take(100, 0);
    assert.deepEqual(
      offsetsOf(rest?.data ?? new Uint8Array()),
      Array.from({ length: 20 }, (_, i) => 100 + i),
    );
    assert.deepEqual(released, [first.data, second.data], 'freed once its last record was copied out');
    assert.ok(!released.includes(taken.data) && !released.includes(rest?.data as Uint8Array));
    released.length = 0;
    b.append(raw(120, 3), 0);
    b.reset(120);
    assert.equal(released.length, 1, 'reset frees what it forgets');
    const whole = raw(120, 5);
    released.length = 0;
    b.append(whole, 0);
    assert.equal(b.take(10, 0)?.data, whole.data);
    assert.deepEqual(released, [], 'a buffer handed out whole belongs to the caller');
    const stale = raw(100, 5);
    assert.equal(b.append(stale, 0), 0);
    assert.deepEqual(released, [stale.data], 'a poll of records already seen is freed at once');
    released.length = 0;
    const overlap = raw(123, 5);
    assert.equal(b.append(overlap, 0), 3);
    assert.deepEqual(released, [], 'a poll partly seen before is kept, its old records skipped in place');
    const fresh = b.take(10, 0);
    assert.deepEqual(offsetsOf(fresh?.data ?? new Uint8Array()), [125, 126, 127]);
    assert.notEqual(fresh?.data, overlap.data, 'only the new records are handed out (a copy)');
    assert.deepEqual(released, [overlap.data]);
  });

  it('copies each record once however the polls are cut: no slice of what stays behind', () => {
    const joins: number[] = [];
    const counting: PackedOps = {
      ...ops,
      slice: () => {
        throw new Error('take() slices nothing');
      },
      join: (parts) => {
        joins.push(parts.reduce((n, p) => n + p.to - p.from, 0));
        return ops.join(parts);
      },
    };
    const b = new PartitionBuffer('t', 0, counting);
    b.append(raw(0, 250), 0);
    b.append(raw(250, 250), 0);
    const sizes = [];
    for (let t = b.take(100, 0); t; t = b.take(100, 0)) sizes.push(t.count);
    assert.deepEqual(sizes, [100, 100, 100, 100, 100]);
    assert.deepEqual(joins, [100, 100, 100, 100, 100], 'each record copied exactly once');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepMatching } from '../../../src/batch/filter-batch.ts';
import { pack } from '../../../src/encode/pack.ts';
import { packedOps } from '../../../src/encode/packed.ts';
import { readPacked, recordOffsets } from '../../../src/encode/reader.ts';

const batch = pack(
  ['a', 'b', 'keep', 'keep', 'c', 'keep'].map((value, offset) => ({
    topic: 't',
    partition: 0,
    offset,
    value,
  })),
);
const keep = (v: Uint8Array | null) => v !== null && Buffer.from(v).toString() === 'keep';

describe('keepMatching', () => {
  it('keeps only matching records, in order, across several runs', () => {
    const { kept, dropped } = keepMatching(batch, keep, packedOps);
    assert.ok(kept);
    assert.equal(dropped, 3);
    assert.deepEqual(Array.from(recordOffsets(readPacked(kept))), [2, 3, 5]);
  });

  it('returns the batch itself when everything matches, and nothing when nothing does', () => {
    assert.equal(keepMatching(batch, () => true, packedOps).kept, batch);
    assert.deepEqual(
      keepMatching(batch, () => false, packedOps),
      { kept: undefined, dropped: 6 },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionControl } from '../../../src/kafka/partition-control.ts';

describe('PartitionControl (records fetched before a pause or seek are never delivered after it)', () => {
  it('delivers partitions nobody touched', () => {
    const c = new PartitionControl();
    assert.deepEqual(c.judge('t', 0, 5, c.current()), { deliver: true });
  });

  it('drops a batch fetched across a pause; resume rewinds to its first offset', () => {
    const c = new PartitionControl();
    const start = c.current();
    c.pause('t', 0);
    assert.deepEqual(c.judge('t', 0, 10, start), { deliver: false, seekTo: undefined });
    assert.equal(c.resume('t', 0), 10);
    assert.deepEqual(c.judge('t', 0, 10, c.current()), { deliver: true });
    assert.equal(c.resume('t', 0), undefined, 'a delivery clears the hint');
  });

  it('a batch fetched while paused (before librdkafka purged it) is dropped too', () => {
    const c = new PartitionControl();
    c.pause('t', 0);
    assert.deepEqual(c.judge('t', 0, 4, c.current()), { deliver: false, seekTo: undefined });
    assert.equal(c.resume('t', 0), 4);
  });

  it('drops batches fetched across a seek and re-seeks to the target', () => {
    const c = new PartitionControl();
    const start = c.current();
    assert.equal(c.seek('t', 1, 3), true);
    assert.deepEqual(c.judge('t', 1, 50, start), { deliver: false, seekTo: 3 });
    assert.deepEqual(c.judge('t', 1, 60, start), { deliver: false, seekTo: 3 });
  });

  it('a seek on a paused partition waits for resume', () => {
    const c = new PartitionControl();
    c.pause('t', 2);
    assert.equal(c.seek('t', 2, 7), false);
    assert.equal(c.resume('t', 2), 7);
  });

  it('leaves other partitions alone', () => {
    const c = new PartitionControl();
    const start = c.current();
    c.pause('t', 0);
    assert.deepEqual(c.judge('t', 1, 0, start), { deliver: true });
    assert.deepEqual(c.judge('u', 0, 0, start), { deliver: true });
  });

  it('a rebalance resets intent', () => {
    const c = new PartitionControl();
    c.pause('t', 0);
    c.reset('t', 0);
    assert.equal(c.isPaused('t', 0), false);
    assert.deepEqual(c.judge('t', 0, 1, c.current()), { deliver: true });
  });
});

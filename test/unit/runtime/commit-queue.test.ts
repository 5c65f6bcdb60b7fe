import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitQueue, commitRetryDelayMs } from '../../../src/runtime/commit-queue.ts';

/** A commit that completes only when the test says so; retries run when the test says so. */
function harness(options: { revoked?: boolean; failAt?: number; failTimes?: number } = {}) {
  const commits: Array<{ offset: number; records: number }> = [];
  const cleaned: string[][] = [];
  const failures: number[] = [];
  const gates: Array<() => void> = [];
  const retries: Array<{ run: () => void; ms: number }> = [];
  let failuresLeft = options.failTimes ?? Number.POSITIVE_INFINITY;
  const queue = new CommitQueue<string>({
    commit: async (offset, records) => {
      commits.push({ offset, records });
      await new Promise<void>((r) => gates.push(r));
      if (offset === options.failAt && failuresLeft-- > 0) throw new Error('broker says no');
      return !options.revoked; // a revoked partition's commit is skipped
    },
    cleanup: async (done) => {
      cleaned.push([...done]);
    },
    failed: (offset) => failures.push(offset),
    schedule: (run, ms) => retries.push({ run, ms }),
  });
  const release = async () => {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  const retry = () => retries.shift()?.run();
  return { queue, commits, cleaned, failures, release, retries, retry };
}

describe('CommitQueue', () => {
  it('sends batches settled during a commit as one commit of the furthest offset, cleanups after it', async () => {
    const h = harness();
    h.queue.add(10, 10, 'a');
    h.queue.add(20, 10, 'b');
    h.queue.add(25, 5, 'c');
    assert.deepEqual(h.commits, [{ offset: 10, records: 10 }], 'one commit in flight at a time');
    await h.release();
    assert.deepEqual(h.cleaned, [['a']]);
    assert.deepEqual(h.commits, [
      { offset: 10, records: 10 },
      { offset: 25, records: 15 },
    ]);
    await h.release();
    assert.deepEqual(h.cleaned, [['a'], ['b', 'c']]);
    await h.queue.idle();
  });

  it('idle() waits for everything added, including what was added while a commit ran', async () => {
    const h = harness();
    h.queue.add(1, 1, 'a');
    let idle = false;
    void h.queue.idle().then(() => {
      idle = true;
    });
    h.queue.add(2, 1, 'b');
    await h.release();
    assert.equal(idle, false);
    await h.release();
    await h.queue.idle();
    assert.equal(idle, true);
    assert.deepEqual(
      h.commits.map((c) => c.offset),
      [1, 2],
    );
  });

  it('a failed commit is reported and the next one still goes out (commits are cumulative)', async () => {
    const h = harness({ failAt: 1 });
    h.queue.add(1, 1, 'a');
    h.queue.add(2, 1, 'b');
    await h.release();
    assert.deepEqual(h.failures, [1]);
    assert.deepEqual(h.cleaned, [], 'nothing cleaned up behind a failed commit');
    await h.release();
    assert.deepEqual(h.cleaned, [['a', 'b']], 'the next commit covers the failed one: both clean up');
  });

  it('a skipped commit (partition revoked) cleans nothing up', async () => {
    const h = harness({ revoked: true });
    h.queue.add(5, 5, 'a');
    await h.release();
    await h.queue.idle();
    assert.deepEqual(h.cleaned, []);
  });

  it('retries a failed commit that no later batch carries, backing off, and cleans up once it succeeds', async () => {
    const h = harness({ failAt: 7, failTimes: 2 });
    h.queue.add(7, 7, 'a');
    await h.release();
    assert.deepEqual(h.failures, [7]);
    assert.deepEqual(
      h.retries.map((r) => r.ms),
      [1000],
      'one retry scheduled, a quiet partition does not wait for traffic',
    );
    h.retry();
    await h.release();
    assert.deepEqual(h.failures, [7, 7]);
    assert.deepEqual(
      h.retries.map((r) => r.ms),
      [2000],
      'the delay doubles while it keeps failing',
    );
    h.retry();
    await h.release();
    await h.queue.idle();
    assert.deepEqual(h.commits, [
      { offset: 7, records: 7 },
      { offset: 7, records: 7 },
      { offset: 7, records: 7 },
    ]);
    assert.deepEqual(h.cleaned, [['a']]);
    assert.equal(h.retries.length, 0, 'nothing left to retry');
  });

  it('a batch that settles before the retry carries the failed commit; the retry then does nothing', async () => {
    const h = harness({ failAt: 3, failTimes: 1 });
    h.queue.add(3, 3, 'a');
    await h.release();
    assert.equal(h.retries.length, 1);
    h.queue.add(9, 6, 'b');
    await h.release();
    await h.queue.idle();
    assert.deepEqual(h.commits.at(-1), { offset: 9, records: 9 });
    assert.deepEqual(h.cleaned, [['a', 'b']]);
    h.retry();
    await h.queue.idle();
    assert.equal(h.commits.length, 2, 'no commit from the stale retry');
  });

  it('stops retrying once the partition is no longer ours (the commit is skipped)', async () => {
    let owned = true;
    let attempts = 0;
    const scheduled: Array<() => void> = [];
    const queue = new CommitQueue<string>({
      commit: async () => {
        attempts += 1;
        if (!owned) return false;
        throw new Error('coordinator moved');
      },
      cleanup: async () => undefined,
      failed: () => undefined,
      schedule: (run) => scheduled.push(run),
    });
    queue.add(4, 4, 'a');
    await queue.idle();
    owned = false;
    scheduled.shift()?.();
    await queue.idle();
    assert.equal(attempts, 2);
    assert.equal(scheduled.length, 0, 'no further retry for a revoked partition');
  });

  it('caps the retry delay at 30 s', () => {
    assert.deepEqual([1, 2, 3, 5, 6, 20].map(commitRetryDelayMs), [1000, 2000, 4000, 16000, 30000, 30000]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitQueue } from '../../../src/runtime/commit-queue.ts';

/** A commit that completes only when the test says so. */
function harness(options: { skip?: boolean; failAt?: number } = {}) {
  const commits: Array<{ offset: number; records: number }> = [];
  const cleaned: string[][] = [];
  const failures: number[] = [];
  const gates: Array<() => void> = [];
  const queue = new CommitQueue<string>({
    commit: async (offset, records) => {
      commits.push({ offset, records });
      await new Promise<void>((r) => gates.push(r));
      if (offset === options.failAt) throw new Error('broker says no');
      return !options.skip;
    },
    cleanup: async (done) => {
      cleaned.push([...done]);
    },
    failed: (offset) => failures.push(offset),
  });
  const release = async () => {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { queue, commits, cleaned, failures, release };
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
    const h = harness({ skip: true });
    h.queue.add(5, 5, 'a');
    await h.release();
    await h.queue.idle();
    assert.deepEqual(h.cleaned, []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referenceEncoder } from '../../../src/encode/reference.ts';
import { ReplayRunner } from '../../../src/failure/replay-runner.ts';
import type { InvokeResponse, Target } from '../../../src/invoke/target.ts';
import { silentLogger } from '../../../src/log.ts';
import { waitFor } from '../../helpers/wait.ts';
import { MemoryBatches, MemoryJobs } from './doubles.ts';
import { orders } from './fixtures.ts';

const TARGET = {
  functionName: 'fn',
  eventSource: 'SelfManagedKafka' as const,
  bootstrapServers: 'k:9092',
  reportBatchItemFailures: true,
};

/** A target that records the first offset of every payload it gets; `answer` decides the response. */
function fakeTarget(answer: (offset: number) => InvokeResponse | Promise<InvokeResponse> = () => ok()) {
  const invoked: { name: string; offset: number; at: number }[] = [];
  return {
    invoked,
    get(name: string): Target {
      return {
        kind: 'local',
        name,
        async invoke(payload) {
          const event = JSON.parse(Buffer.from(payload).toString());
          const offset = (Object.values(event.records)[0] as { offset: number }[])[0]?.offset ?? -1;
          invoked.push({ name, offset, at: Date.now() });
          return answer(offset);
        },
      };
    },
  };
}

const ok = (body?: unknown): InvokeResponse => ({
  status: 'ok',
  durationMs: 1,
  ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
});

async function setup(offsets: number[][], options: { rate?: number; force?: boolean; extra?: object } = {}) {
  const batches = new MemoryBatches();
  const ids = offsets.map((o) => batches.add(orders(o), options.extra));
  const jobs = new MemoryJobs(batches);
  await jobs.create({
    replayId: 'r1',
    mappingId: 'm',
    target: TARGET,
    batchIds: ids,
    ratePerSecond: options.rate ?? 1000,
    force: options.force ?? false,
    maxReplays: 2,
    createdAtMs: 0,
  });
  return { batches, jobs, ids };
}

function runner(t: { batches: MemoryBatches; jobs: MemoryJobs }, target: ReturnType<typeof fakeTarget>) {
  return new ReplayRunner({
    jobs: t.jobs,
    store: t.batches,
    encoder: referenceEncoder,
    targets: target,
    logger: silentLogger,
    scanIntervalMs: 20,
  });
}

const ref = { mappingId: 'm', replayId: 'r1' };
const completed = (jobs: MemoryJobs) => async () => (await jobs.status(ref))?.state === 'Completed';

describe('ReplayRunner', () => {
  it('replays each batch once, in order, and marks them replayed', async () => {
    const t = await setup([[1, 2], [3], [4, 5]]);
    const target = fakeTarget();
    const r = runner(t, target);
    r.start();
    await waitFor('job completed', completed(t.jobs));
    await r.close();
    assert.deepEqual(
      target.invoked.map((i) => i.offset),
      [1, 3, 4],
    );
    const status = await t.jobs.status(ref);
    assert.equal(status?.replayed, 3);
    assert.equal(status?.done, 3);
    assert.deepEqual(
      [...t.batches.batches.values()].map((b) => [b.meta.state, b.meta.replayCount]),
      [
        ['replayed', 1],
        ['replayed', 1],
        ['replayed', 1],
      ],
    );
    assert.equal(t.jobs.activeSet.size, 0);
  });

  it('records function errors and partial responses as Failed and leaves the batch failed', async () => {
    const t = await setup([[1], [2], [3]]);
    const target = fakeTarget((offset) =>
      offset === 1
        ? { status: 'function-error', message: 'Unhandled', durationMs: 1 }
        : offset === 2
          ? ok({ batchItemFailures: [{ itemIdentifier: { partition: 'orders-0', offset: 2 } }] })
          : ok(),
    );
    const r = runner(t, target);
    r.start();
    await waitFor('job completed', completed(t.jobs));
    await r.close();
    const status = await t.jobs.status(ref);
    assert.deepEqual(
      status?.results.map((x) => x.status),
      ['Failed', 'Failed', 'Replayed'],
    );
    assert.match(String((status?.results[0] as { error?: string } | undefined)?.error), /function-error/);
    assert.match(String((status?.results[1] as { error?: string } | undefined)?.error), /1 failed record/);
    assert.equal(t.batches.batches.get(t.ids[0] as string)?.meta.state, 'failed');
    assert.equal(t.batches.batches.get(t.ids[0] as string)?.meta.replayCount, 1);
  });

  it('skips batches at the loop-guard limit unless forced, and reports missing ones', async () => {
    const t = await setup([[1], [2]], { extra: { replayCount: 2 } });
    t.batches.batches.delete(t.ids[1] as string);
    const target = fakeTarget();
    const r = runner(t, target);
    r.start();
    await waitFor('job completed', completed(t.jobs));
    await r.close();
    const status = await t.jobs.status(ref);
    assert.deepEqual(
      status?.results.map((x) => x.status),
      ['Skipped', 'Missing'],
    );
    assert.equal(target.invoked.length, 0);

    const forced = await setup([[1]], { extra: { replayCount: 5 }, force: true });
    const target2 = fakeTarget();
    const r2 = runner(forced, target2);
    r2.start();
    await waitFor('forced job completed', completed(forced.jobs));
    await r2.close();
    assert.equal(target2.invoked.length, 1);
  });

  it('resumes a stopped job where it stopped, never invoking a batch twice', async () => {
    const t = await setup([[1], [2], [3], [4], [5]], { rate: 50 });
    const first = fakeTarget();
    const r1 = runner(t, first);
    r1.start();
    await waitFor('two batches', () => first.invoked.length >= 2);
    await r1.close();
    const stoppedAt = first.invoked.length;
    assert.ok(stoppedAt < 5, 'stopped before the end');
    assert.equal((await t.jobs.status(ref))?.state, 'Running');

    const second = fakeTarget();
    const r2 = runner(t, second);
    r2.start();
    await waitFor('job completed', completed(t.jobs));
    await r2.close();
    const all = [...first.invoked, ...second.invoked].map((i) => i.offset);
    assert.deepEqual(all, [1, 2, 3, 4, 5]);
  });

  it('settles a batch claimed by a crashed runner as Interrupted without invoking it again', async () => {
    const t = await setup([[1], [2]]);
    // A runner claimed batch 1 and died before settling (its lease has run out).
    t.jobs.jobs
      .get('m/r1')
      ?.results.set(t.ids[0] as string, '{"status":"Invoking","atMs":1,"runner":"dead"}');
    const target = fakeTarget();
    const r = runner(t, target);
    r.start();
    await waitFor('job completed', completed(t.jobs));
    await r.close();
    const status = await t.jobs.status(ref);
    assert.deepEqual(
      status?.results.map((x) => x.status),
      ['Interrupted', 'Replayed'],
    );
    assert.equal(status?.interrupted, 1);
    assert.deepEqual(
      target.invoked.map((i) => i.offset),
      [2],
    );
    assert.equal(t.batches.batches.get(t.ids[0] as string)?.meta.state, 'failed');
  });

  it('does not touch a job whose lease another runner holds', async () => {
    const t = await setup([[1]]);
    t.jobs.leases.set('m/r1', 'someone-else');
    const target = fakeTarget();
    const r = runner(t, target);
    r.start();
    // Several scans found the job and were refused its lease (a condition, not a sleep).
    await waitFor('repeated lease refusals', () => t.jobs.refusedLeases >= 3);
    await r.close();
    assert.equal(target.invoked.length, 0);
    assert.equal((await t.jobs.status(ref))?.state, 'Running');
  });

  it('keeps to the rate limit', async () => {
    const t = await setup([[1], [2], [3], [4]], { rate: 20 });
    const target = fakeTarget();
    const r = runner(t, target);
    r.start();
    await waitFor('job completed', completed(t.jobs));
    await r.close();
    // Starts are 50 ms apart; invokes follow their start after a little work, so allow some slack.
    const at = target.invoked.map((i) => i.at);
    const first = at[0] as number;
    for (let i = 1; i < at.length; i++) {
      const elapsed = (at[i] as number) - first;
      assert.ok(elapsed >= i * 50 - 25, `invoke ${i} came ${elapsed} ms after the first`);
    }
  });

  it('close() is idempotent and stops a runner that never started', async () => {
    const t = await setup([[1]]);
    const r = runner(t, fakeTarget());
    const a = r.close();
    assert.equal(r.close(), a);
    await a;
    r.start();
    assert.equal((await t.jobs.status(ref))?.state, 'Running');
  });
});

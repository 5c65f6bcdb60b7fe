import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referenceEncoder } from '../../../src/encode/reference.ts';
import { ReplayService } from '../../../src/failure/replay.ts';
import { MemoryBatches, MemoryJobs } from './doubles.ts';
import { mapping, orders } from './fixtures.ts';

function setup() {
  const batches = new MemoryBatches();
  const jobs = new MemoryJobs(batches);
  let kicks = 0;
  const service = new ReplayService({
    store: batches,
    jobs,
    encoder: referenceEncoder,
    runner: { kick: () => kicks++ },
    maxReplays: 2,
    newId: () => 'r1',
    clock: () => 1000,
  });
  return { batches, jobs, service, kicks: () => kicks };
}

describe('ReplayService.plan (dry run)', () => {
  it('reports what would be sent and skipped, and changes nothing', async () => {
    const t = setup();
    const a = t.batches.add(orders([1, 2, 3]));
    const b = t.batches.add(orders([4]), { replayCount: 2 });
    const before = JSON.stringify([...t.batches.batches.values()].map((x) => x.meta));
    const plan = await t.service.plan(mapping(), { batchIds: [a, b, '9-9-9'], ratePerSecond: 4 });
    assert.deepEqual(
      plan.batches.map((x) => [x.batchId, x.action]),
      [
        [a, 'Send'],
        [b, 'SkipLoopGuard'],
        ['9-9-9', 'Missing'],
      ],
    );
    assert.equal(plan.toSend, 1);
    assert.equal(plan.invocations, 1);
    assert.equal(plan.functionName, 'order-processor');
    assert.ok((plan.batches[0]?.payloadBytes ?? 0) > 0);
    assert.equal(JSON.stringify([...t.batches.batches.values()].map((x) => x.meta)), before);
    assert.equal(t.jobs.jobs.size, 0);
    assert.equal(t.kicks(), 0);
  });

  it('counts payloads with a smaller payload cap and flags records that cannot fit', async () => {
    const t = setup();
    const service = new ReplayService({
      store: t.batches,
      jobs: t.jobs,
      encoder: referenceEncoder,
      maxPayloadBytes: 400,
    });
    const id = t.batches.add(orders([1, 2, 3, 4]));
    const plan = await service.plan(mapping(), { batchIds: [id] });
    assert.ok((plan.batches[0]?.payloads ?? 0) > 1);
    const big = await new ReplayService({
      store: t.batches,
      jobs: t.jobs,
      encoder: referenceEncoder,
      maxPayloadBytes: 100,
    }).plan(mapping(), { batchIds: [id] });
    assert.equal(big.batches[0]?.action, 'TooLarge');
  });

  it('uses the FunctionName override', async () => {
    const t = setup();
    const id = t.batches.add(orders([1]));
    const plan = await t.service.plan(mapping(), { batchIds: [id], functionName: 'other' });
    assert.equal(plan.functionName, 'other');
  });
});

describe('ReplayService.create', () => {
  it('selects failed batches by filter, per partition in offset order, and wakes the runner', async () => {
    const t = setup();
    t.batches.add(orders([20], 1), { error: 'Timeout' });
    t.batches.add(orders([10], 1), { error: 'timeout again' });
    t.batches.add(orders([5], 0), { error: 'TIMEOUT' });
    t.batches.add(orders([7], 0), { error: 'other' });
    t.batches.add(orders([9], 0), { error: 'timeout', state: 'replayed' });
    const job = await t.service.create(mapping(), { filter: { errorContains: 'timeout' }, ratePerSecond: 3 });
    assert.deepEqual(job.batchIds, ['0-5-5', '1-10-10', '1-20-20']);
    assert.equal(job.state, 'Running');
    assert.equal(job.ratePerSecond, 3);
    assert.equal(job.maxReplays, 2);
    assert.equal(job.target.functionName, 'order-processor');
    assert.deepEqual(
      job.results.map((r) => r.status),
      ['Pending', 'Pending', 'Pending'],
    );
    assert.equal(t.kicks(), 1);
  });

  it('refuses an empty selection', async () => {
    const t = setup();
    await assert.rejects(t.service.create(mapping(), { filter: { partition: 3 } }), {
      code: 'INVALID_PARAMETER',
    });
  });
});

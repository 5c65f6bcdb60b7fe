import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referenceEncoder } from '../../../src/encode/reference.ts';
import { ReplayService } from '../../../src/failure/replay.ts';
import { MemoryBatches, MemoryJobs } from '../failure/doubles.ts';
import { orders } from '../failure/fixtures.ts';
import { call, makeApp, SELF_MANAGED, TOKEN } from './helpers.ts';

async function setup() {
  const batches = new MemoryBatches();
  const jobs = new MemoryJobs(batches);
  const replays = new ReplayService({
    store: batches,
    jobs,
    encoder: referenceEncoder,
    newId: () => '0c2d4e6f-1111-4222-8333-944455556666',
  });
  const t = makeApp({ failures: { store: batches, replays } });
  const created = await call(t.app, 'POST', '/2015-03-31/event-source-mappings', SELF_MANAGED);
  const uuid = ((await created.json()) as { UUID: string }).UUID;
  const base = `/2015-03-31/event-source-mappings/${uuid}`;
  return { ...t, batches, jobs, uuid, base };
}

const body = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('failed-batch routes', () => {
  it('lists, gets and deletes failed batches in PascalCase', async () => {
    const t = await setup();
    const id = t.batches.add(orders([1, 2]), { error: 'Unhandled: boom', createdAtMs: 5000 });
    t.batches.add(orders([3], 1), { error: 'timeout', createdAtMs: 6000 });

    const list = await call(t.app, 'GET', `${t.base}/failed-batches?ErrorContains=BOOM`);
    assert.equal(list.status, 200);
    const page = await body(list);
    const [only] = page.FailedBatches as Record<string, unknown>[];
    assert.equal((page.FailedBatches as unknown[]).length, 1);
    assert.equal(only?.Id, id);
    assert.equal(only?.State, 'Failed');
    assert.equal(only?.CreatedAt, 5);
    assert.equal(only?.RecordCount, 2);

    const got = await call(t.app, 'GET', `${t.base}/failed-batches/${id}`);
    assert.equal(got.status, 200);
    const detail = await body(got);
    const records = detail.Records as Record<string, unknown>[];
    assert.equal(records.length, 2);
    assert.equal(Buffer.from(String(records[0]?.Key), 'base64').toString(), 'k1');
    assert.deepEqual(records[0]?.Headers, [{ Name: 'h', Value: Buffer.from('v').toString('base64') }]);

    assert.equal((await call(t.app, 'DELETE', `${t.base}/failed-batches/${id}`)).status, 204);
    assert.equal((await call(t.app, 'DELETE', `${t.base}/failed-batches/${id}`)).status, 404);
    assert.equal((await call(t.app, 'GET', `${t.base}/failed-batches/${id}`)).status, 404);
  });

  it('filters by partition, time and state', async () => {
    const t = await setup();
    t.batches.add(orders([1]), { createdAtMs: 1000 });
    t.batches.add(orders([2], 1), { createdAtMs: 2000 });
    t.batches.add(orders([3], 1), { createdAtMs: 3000, state: 'replayed' });
    const ids = async (q: string) =>
      (
        (await body(await call(t.app, 'GET', `${t.base}/failed-batches?${q}`))).FailedBatches as {
          Id: string;
        }[]
      ).map((b) => b.Id);
    assert.deepEqual(await ids('Partition=1'), ['1-2-2', '1-3-3']);
    assert.deepEqual(await ids('FromTime=1.5&ToTime=1970-01-01T00:00:02.5Z'), ['1-2-2']);
    assert.deepEqual(await ids('State=Replayed'), ['1-3-3']);
  });

  it('answers 404 for unknown mappings and malformed ids, 400 for bad queries', async () => {
    const t = await setup();
    const unknown = '/2015-03-31/event-source-mappings/00000000-0000-4000-8000-000000000000/failed-batches';
    const res = await call(t.app, 'GET', unknown);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-ErrorType'), 'ResourceNotFoundException');
    assert.equal((await call(t.app, 'GET', `${t.base}/failed-batches/nope`)).status, 404);
    for (const q of ['Partition=-1', 'MaxItems=0', 'MaxItems=5000', 'State=Gone', 'FromTime=yesterday']) {
      const bad = await call(t.app, 'GET', `${t.base}/failed-batches?${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.headers.get('x-amzn-ErrorType'), 'InvalidParameterValueException');
    }
  });

  it('requires authentication', async () => {
    const t = await setup();
    const res = await t.app.request(`http://bridge.test${t.base}/failed-batches`);
    assert.equal(res.status, 403);
    assert.ok(TOKEN);
  });
});

describe('replay routes', () => {
  it('answers a dry run with the plan and changes nothing', async () => {
    const t = await setup();
    const id = t.batches.add(orders([1, 2]));
    const res = await call(t.app, 'POST', `${t.base}/replays`, {
      BatchIds: [id],
      DryRun: true,
      RatePerSecond: 2,
    });
    assert.equal(res.status, 200);
    const plan = await body(res);
    assert.equal(plan.DryRun, true);
    assert.equal(plan.ToSend, 1);
    assert.equal(plan.FunctionName, 'clicks');
    assert.equal((plan.Batches as { Action: string }[])[0]?.Action, 'Send');
    assert.equal(t.jobs.jobs.size, 0);
  });

  it('starts a replay (202) and reports it', async () => {
    const t = await setup();
    t.batches.add(orders([1]));
    const res = await call(t.app, 'POST', `${t.base}/replays`, { FunctionName: 'other-fn', Force: true });
    assert.equal(res.status, 202);
    const job = await body(res);
    assert.equal(job.State, 'Running');
    assert.equal(job.Total, 1);
    assert.equal(job.FunctionName, 'other-fn');
    const status = await call(t.app, 'GET', `${t.base}/replays/${String(job.ReplayId)}`);
    assert.equal(status.status, 200);
    assert.deepEqual((await body(status)).Results, [{ BatchId: '0-1-1', Status: 'Pending' }]);
    const list = await body(await call(t.app, 'GET', `${t.base}/replays`));
    assert.equal((list.Replays as unknown[]).length, 1);
    assert.equal((await call(t.app, 'GET', `${t.base}/replays/ffff`)).status, 404);
  });

  it('rejects bad bodies with Lambda-shaped 4xx, never 500', async () => {
    const t = await setup();
    t.batches.add(orders([1]));
    const bad: unknown[] = [
      '{not json',
      { BatchIds: [] },
      { BatchIds: ['x'] },
      { BatchIds: ['0-1-1'], Partition: 0 },
      { RatePerSecond: 0 },
      { RatePerSecond: 5000 },
      { DryRun: 'yes' },
      { Unknown: 1 },
      { FunctionName: 'not a name!' },
      { FromTime: 'someday' },
      { Partition: 7 }, // matches nothing
    ];
    for (const b of bad) {
      const res = await call(t.app, 'POST', `${t.base}/replays`, b);
      assert.ok(res.status === 400, `${JSON.stringify(b)} → ${res.status}`);
      const type = res.headers.get('x-amzn-ErrorType');
      assert.ok(
        type === 'InvalidParameterValueException' || type === 'InvalidRequestContentException',
        type ?? '',
      );
    }
  });

  it('is described in the OpenAPI document', async () => {
    const t = await setup();
    const doc = await body(await t.app.request('http://bridge.test/openapi.json'));
    const paths = Object.keys(doc.paths as object);
    assert.ok(paths.includes('/2015-03-31/event-source-mappings/{UUID}/failed-batches/{Id}'));
    assert.ok(paths.includes('/2015-03-31/event-source-mappings/{UUID}/replays/{ReplayId}'));
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    assert.ok(schemas.ReplayRequest);
  });

  it('is not served when the app has no failure deps', async () => {
    const t = makeApp();
    const res = await call(
      t.app,
      'GET',
      '/2015-03-31/event-source-mappings/00000000-0000-4000-8000-000000000000/failed-batches',
    );
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-ErrorType'), 'UnknownOperationException');
  });
});

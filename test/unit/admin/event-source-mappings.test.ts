import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, MSK, MSK_ARN, makeApp, SELF_MANAGED } from './helpers.ts';

const BASE = '/2015-03-31/event-source-mappings';

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

function assertLambdaError(res: Response, status: number, type: string): void {
  assert.equal(res.status, status);
  assert.equal(res.headers.get('x-amzn-ErrorType'), type);
  assert.match(res.headers.get('x-amzn-RequestId') ?? '', /^[0-9a-f-]{36}$/);
}

describe('event source mapping routes', () => {
  it('create → 202 with the AWS shape, with and without the trailing slash', async () => {
    const { app } = makeApp();
    for (const path of [BASE, `${BASE}/`]) {
      const res = await call(app, 'POST', path, { ...MSK, FunctionName: `fn-${path.length}` });
      assert.equal(res.status, 202);
      assert.match(res.headers.get('x-amzn-RequestId') ?? '', /^[0-9a-f-]{36}$/);
      const body = await json(res);
      assert.equal(body.State, 'Creating');
      assert.equal(body.StateTransitionReason, 'USER_INITIATED');
      assert.equal(body.LastProcessingResult, 'No records processed');
      assert.equal(body.EventSourceArn, MSK_ARN);
      assert.equal(body.BatchSize, 100);
      assert.equal(typeof body.LastModified, 'number');
      assert.deepEqual(body.AmazonManagedKafkaEventSourceConfig, { ConsumerGroupId: body.UUID });
    }
  });

  it('get, update, delete round trip', async () => {
    const { app, store } = makeApp();
    const created = await json(await call(app, 'POST', BASE, SELF_MANAGED));
    const uuid = created.UUID as string;
    const got = await call(app, 'GET', `${BASE}/${uuid}`);
    assert.equal(got.status, 200);
    assert.deepEqual(await json(got), created);
    assert.equal((await call(app, 'GET', `${BASE}/${uuid}/`)).status, 200);

    assertLambdaError(
      await call(app, 'PUT', `${BASE}/${uuid}`, { BatchSize: 10 }),
      400,
      'ResourceInUseException',
    );
    await store.setState(uuid, 'Enabled', 'User action');
    const updated = await call(app, 'PUT', `${BASE}/${uuid}`, {
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
    });
    assert.equal(updated.status, 202);
    const ub = await json(updated);
    assert.deepEqual([ub.State, ub.BatchSize, ub.MaximumBatchingWindowInSeconds], ['Updating', 10, 1]);

    const inUse = await call(app, 'DELETE', `${BASE}/${uuid}`);
    assertLambdaError(inUse, 400, 'ResourceInUseException');
    assert.equal(typeof (await json(inUse)).Message, 'string', 'ResourceInUseException uses Message');
    await store.setState(uuid, 'Enabled', 'User action');
    const deleted = await call(app, 'DELETE', `${BASE}/${uuid}`);
    assert.equal(deleted.status, 202);
    assert.equal((await json(deleted)).State, 'Deleting');
    assert.equal(
      (await call(app, 'DELETE', `${BASE}/${uuid}`)).status,
      202,
      'delete is idempotent while Deleting',
    );
    assertLambdaError(
      await call(app, 'PUT', `${BASE}/${uuid}`, { BatchSize: 3 }),
      400,
      'ResourceInUseException',
    );
    await store.remove(uuid);
    assertLambdaError(await call(app, 'GET', `${BASE}/${uuid}`), 404, 'ResourceNotFoundException');
  });

  it('unknown UUIDs → ResourceNotFoundException with the AWS message', async () => {
    const { app } = makeApp();
    for (const [method, path] of [
      ['GET', `${BASE}/00000000-0000-4000-8000-000000000000`],
      ['PUT', `${BASE}/00000000-0000-4000-8000-000000000000`],
      ['DELETE', `${BASE}/00000000-0000-4000-8000-000000000000`],
      ['GET', `${BASE}/not-a-uuid`],
      ['GET', `${BASE}/%E0%A4%A`],
    ] as const) {
      const res = await call(app, method, path, method === 'PUT' ? {} : undefined);
      assertLambdaError(res, 404, 'ResourceNotFoundException');
      assert.deepEqual(await json(res), {
        Type: 'User',
        Message: 'The resource you requested does not exist.',
      });
    }
  });

  it('duplicate → 409 ResourceConflictException naming the existing UUID', async () => {
    const { app } = makeApp();
    const first = await json(await call(app, 'POST', BASE, MSK));
    const dup = await call(app, 'POST', BASE, { ...MSK, BatchSize: 5 });
    assertLambdaError(dup, 409, 'ResourceConflictException');
    const body = await json(dup);
    assert.equal(body.Type, 'User');
    assert.equal(
      body.message,
      `An event source mapping with event source ("${MSK_ARN}"), function ("arn:aws:lambda:eu-west-1:111122223333:function:order-processor"), topics ("orders") already exists. Please update or delete the existing mapping with UUID ${first.UUID}`,
    );
  });

  it('list pages by at most 100 with NextMarker, and filters', async () => {
    const { app } = makeApp();
    for (let i = 0; i < 105; i++) {
      const res = await call(app, 'POST', BASE, {
        ...SELF_MANAGED,
        Topics: [`topic-${i}`],
        FunctionName: i < 5 ? 'special' : 'clicks',
      });
      assert.equal(res.status, 202);
    }
    await call(app, 'POST', BASE, MSK);
    const first = await json(await call(app, 'GET', `${BASE}/?MaxItems=1000`));
    assert.equal((first.EventSourceMappings as unknown[]).length, 100);
    assert.equal(typeof first.NextMarker, 'string');
    const second = await json(await call(app, 'GET', `${BASE}?Marker=${first.NextMarker}`));
    assert.equal((second.EventSourceMappings as unknown[]).length, 6);
    assert.equal('NextMarker' in second, false);
    const uuids = [
      ...(first.EventSourceMappings as { UUID: string }[]),
      ...(second.EventSourceMappings as { UUID: string }[]),
    ].map((m) => m.UUID);
    assert.equal(new Set(uuids).size, 106);

    const small = await json(await call(app, 'GET', `${BASE}?MaxItems=2&FunctionName=special`));
    assert.equal((small.EventSourceMappings as unknown[]).length, 2);
    const rest = await json(
      await call(app, 'GET', `${BASE}?MaxItems=10&FunctionName=special&Marker=${small.NextMarker}`),
    );
    assert.equal((rest.EventSourceMappings as unknown[]).length, 3);
    const byArn = await json(
      await call(app, 'GET', `${BASE}?FunctionName=arn:aws:lambda:eu-west-1:111122223333:function:special`),
    );
    assert.equal((byArn.EventSourceMappings as unknown[]).length, 5);
    const bySource = await json(
      await call(app, 'GET', `${BASE}?EventSourceArn=${encodeURIComponent(MSK_ARN)}`),
    );
    assert.deepEqual(
      (bySource.EventSourceMappings as { EventSourceArn: string }[]).map((m) => m.EventSourceArn),
      [MSK_ARN],
    );
  });

  it('bad list parameters → InvalidParameterValueException', async () => {
    const { app } = makeApp();
    for (const q of [
      'MaxItems=0',
      'MaxItems=10001',
      'MaxItems=abc',
      'MaxItems=-1',
      'Marker=%2F%2F',
      'FunctionName=bad%20name',
      'EventSourceArn=nope',
    ]) {
      const res = await call(app, 'GET', `${BASE}?${q}`);
      assertLambdaError(res, 400, 'InvalidParameterValueException');
      assert.equal(typeof (await json(res)).message, 'string');
    }
  });

  it('malformed JSON → 400 InvalidRequestContentException; oversized → 413', async () => {
    const { app } = makeApp();
    assertLambdaError(
      await call(app, 'POST', BASE, '{"FunctionName":'),
      400,
      'InvalidRequestContentException',
    );
    assertLambdaError(await call(app, 'POST', BASE, '[1,2]'), 400, 'InvalidParameterValueException');
    const big = JSON.stringify({ ...MSK, Tags: { pad: 'x'.repeat(256 * 1024) } });
    assertLambdaError(await call(app, 'POST', BASE, big), 413, 'RequestTooLargeException');
    const chunked = new ReadableStream({
      start(ctrl) {
        for (let i = 0; i < 300; i++) ctrl.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        ctrl.close();
      },
    });
    const res = await app.request('http://bridge.test/2015-03-31/event-source-mappings', {
      method: 'POST',
      headers: { authorization: 'Bearer test-token-0123456789abcdef' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    assertLambdaError(res, 413, 'RequestTooLargeException');
  });

  it('unknown paths and methods → UnknownOperationException', async () => {
    const { app } = makeApp();
    assertLambdaError(await call(app, 'PATCH', BASE), 404, 'UnknownOperationException');
    assertLambdaError(await call(app, 'GET', '/2015-03-31/nothing'), 404, 'UnknownOperationException');
  });
});

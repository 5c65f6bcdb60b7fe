/**
 * The real @aws-sdk/client-lambda (its SigV4 signing, serializers and typed errors) against the app,
 * through a request handler that calls app.request(): no sockets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvalidParameterValueException,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  ResourceConflictException,
  ResourceInUseException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { MSK_ARN, makeApp, sdkClient } from './helpers.ts';

describe('AWS SDK v3 against the admin app', () => {
  it('create, get, list, update, delete, tags', async () => {
    const { app, store } = makeApp();
    const lambda = sdkClient(app);
    const created = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'order-processor',
        EventSourceArn: MSK_ARN,
        Topics: ['orders'],
        StartingPosition: 'AT_TIMESTAMP',
        StartingPositionTimestamp: new Date('2025-06-01T00:00:00.250Z'),
        FilterCriteria: { Filters: [{ Pattern: '{"value":{"a":["b"]}}' }] },
        DestinationConfig: { OnFailure: { Destination: 'kafka://orders-dlt' } },
        Tags: { team: 'payments' },
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.equal(created.State, 'Creating');
    assert.ok(created.LastModified instanceof Date);
    assert.equal(created.StartingPositionTimestamp?.toISOString(), '2025-06-01T00:00:00.250Z');
    const uuid = created.UUID as string;

    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(got.FunctionArn, 'arn:aws:lambda:eu-west-1:111122223333:function:order-processor');
    assert.deepEqual(got.Topics, ['orders']);

    const listed = await lambda.send(
      new ListEventSourceMappingsCommand({ EventSourceArn: MSK_ARN, FunctionName: 'order-processor' }),
    );
    assert.deepEqual(
      listed.EventSourceMappings?.map((m) => m.UUID),
      [uuid],
    );

    await assert.rejects(
      lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5 })),
      ResourceInUseException,
    );
    await store.setState(uuid, 'Enabled', 'User action');
    const updated = await lambda.send(
      new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false, BatchSize: 5 }),
    );
    assert.deepEqual([updated.State, updated.BatchSize], ['Disabling', 5]);
    await store.setState(uuid, 'Disabled', 'User action');

    const arn = created.EventSourceMappingArn as string;
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { env: 'dev' } }));
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['team'] }));
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { env: 'dev' });

    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(deleted.State, 'Deleting');
  });

  it('raises the typed exceptions', async () => {
    const { app } = makeApp();
    const lambda = sdkClient(app);
    await assert.rejects(
      lambda.send(new GetEventSourceMappingCommand({ UUID: '6a1b2c3d-0000-4000-8000-000000000000' })),
      (err) =>
        err instanceof ResourceNotFoundException &&
        err.message === 'The resource you requested does not exist.',
    );
    await assert.rejects(
      lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'f',
          EventSourceArn: MSK_ARN,
          Topics: ['orders'],
          StartingPosition: 'LATEST',
          BatchSize: 20000,
        }),
      ),
      (err) => err instanceof InvalidParameterValueException && /BatchSize/.test(err.message),
    );
    const body = {
      FunctionName: 'f',
      EventSourceArn: MSK_ARN,
      Topics: ['orders'],
      StartingPosition: 'LATEST' as const,
    };
    await lambda.send(new CreateEventSourceMappingCommand(body));
    await assert.rejects(lambda.send(new CreateEventSourceMappingCommand(body)), ResourceConflictException);
  });

  it('a wrong secret or unknown key is refused with 403', async () => {
    const { app } = makeApp();
    await assert.rejects(
      sdkClient(app, 'wrong-secret').send(new ListEventSourceMappingsCommand({})),
      (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(err.name, 'InvalidSignatureException');
        assert.equal(err.$metadata?.httpStatusCode, 403);
        return true;
      },
    );
    await assert.rejects(
      sdkClient(app, 'x', 'AKIDUNKNOWN').send(new ListEventSourceMappingsCommand({})),
      (err: Error) => err.name === 'UnrecognizedClientException',
    );
  });
});

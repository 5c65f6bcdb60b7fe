import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBridgeError } from '../../../src/errors.ts';
import { createMapping, type ResolveContext, updateMapping } from '../../../src/mapping/resolve.ts';
import { type CreateRequest, createRequestSchema, updateRequestSchema } from '../../../src/mapping/schema.ts';
import type { Mapping } from '../../../src/mapping/types.ts';

const MSK_ARN = 'arn:aws:kafka:eu-west-1:111122223333:cluster/orders/abc';
const SCRAM = {
  type: 'SASL_SCRAM_512_AUTH' as const,
  uri: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:msk',
};
const ctx: ResolveContext = {
  region: 'eu-west-1',
  accountId: '111122223333',
  clusters: new Map([
    [MSK_ARN, { bootstrapServers: ['b-1:9098', 'b-2:9098'], sourceAccessConfigurations: [SCRAM] }],
  ]),
  destinationHosts: ['failures.example.com', 'example.com'],
  now: 1_767_225_600_512,
};
const UUID = '9a3b1c2d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

function create(body: Record<string, unknown>): Mapping {
  return createMapping(createRequestSchema.parse(body) as CreateRequest, UUID, ctx);
}
function update(m: Mapping, body: Record<string, unknown>): Mapping {
  return updateMapping(m, updateRequestSchema.parse(body), ctx);
}
function rejects(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (err) => isBridgeError(err) && err.code === code && pattern.test(err.message));
}

const msk = {
  FunctionName: 'order-processor',
  EventSourceArn: MSK_ARN,
  Topics: ['orders'],
  StartingPosition: 'LATEST',
};
const smk = {
  FunctionName: 'clicks',
  Topics: ['clicks'],
  StartingPosition: 'TRIM_HORIZON',
  SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['k1:9092', 'k2:9092'] } },
};

describe('createMapping', () => {
  it('resolves an MSK ARN through the registry and fills every default', () => {
    const m = create(msk);
    assert.deepEqual(m, {
      uuid: UUID,
      arn: `arn:aws:lambda:eu-west-1:111122223333:event-source-mapping:${UUID}`,
      functionName: 'order-processor',
      functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:order-processor',
      eventSource: 'aws:kafka',
      eventSourceArn: MSK_ARN,
      topic: 'orders',
      bootstrapServers: ['b-1:9098', 'b-2:9098'],
      sourceAccessConfigurations: [],
      connectionAuth: [SCRAM],
      startingPosition: 'LATEST',
      batchSize: 100,
      batchingWindowMs: 500,
      enabled: true,
      filterPatterns: [],
      consumerGroupId: UUID,
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      bisect: false,
      reportBatchItemFailures: false,
      metrics: [],
      state: 'Creating',
      stateTransitionReason: 'USER_INITIATED',
      lastProcessingResult: 'No records processed',
      lastModifiedMs: ctx.now,
      version: 1,
    });
  });

  it('maps a full self-managed request', () => {
    const m = create({
      ...smk,
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: 1_767_139_200.25,
      BatchSize: 250,
      MaximumBatchingWindowInSeconds: 2,
      Enabled: false,
      FilterCriteria: { Filters: [{ Pattern: '{"value":{"a":["b"]}}' }] },
      SourceAccessConfigurations: [
        { Type: 'SASL_SCRAM_256_AUTH', URI: 'file:///run/secrets/kafka.json' },
        { Type: 'SERVER_ROOT_CA_CERTIFICATE', URI: 'file:///run/secrets/ca.pem' },
      ],
      SelfManagedKafkaEventSourceConfig: {
        ConsumerGroupId: 'clicks-lambda',
        SchemaRegistryConfig: {
          SchemaRegistryURI: 'https://registry.internal:8081',
          EventRecordFormat: 'JSON',
          AccessConfigs: [{ Type: 'BASIC_AUTH', URI: 'env:REGISTRY' }],
          SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
        },
      },
      DestinationConfig: { OnFailure: { Destination: 'kafka://clicks-dlt' } },
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 60,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 4, PollerGroupName: 'g1' },
      MetricsConfig: { Metrics: ['EventCount', 'KafkaMetrics'] },
      LoggingConfig: { SystemLogLevel: 'WARN' },
    });
    assert.equal(m.eventSource, 'SelfManagedKafka');
    assert.equal(m.eventSourceArn, undefined);
    assert.deepEqual(m.bootstrapServers, ['k1:9092', 'k2:9092']);
    assert.equal(m.startingPositionTimestampMs, 1_767_139_200_250);
    assert.equal(m.batchSize, 250);
    assert.equal(m.batchingWindowMs, 2000);
    assert.equal(m.maximumBatchingWindowInSeconds, 2);
    assert.equal(m.enabled, false);
    assert.equal(m.consumerGroupId, 'clicks-lambda');
    assert.equal(m.schemaRegistry?.eventRecordFormat, 'JSON');
    assert.equal(m.onFailureDestination, 'kafka://clicks-dlt');
    assert.deepEqual(
      [m.maximumRetryAttempts, m.maximumRecordAgeSeconds, m.bisect, m.reportBatchItemFailures],
      [5, 60, true, true],
    );
    assert.deepEqual(m.provisionedPollerConfig, {
      minimumPollers: 2,
      maximumPollers: 4,
      pollerGroupName: 'g1',
    });
    assert.deepEqual(m.connectionAuth, m.sourceAccessConfigurations);
    assert.equal(m.systemLogLevel, 'WARN');
  });

  it('uses the mapping auth instead of the cluster default when one is given', () => {
    const own = {
      Type: 'CLIENT_CERTIFICATE_TLS_AUTH',
      URI: 'arn:aws:secretsmanager:eu-west-1:1:secret:cert',
    };
    const m = create({ ...msk, SourceAccessConfigurations: [own] });
    assert.deepEqual(m.connectionAuth, [{ type: own.Type, uri: own.URI }]);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      'unknown MSK cluster',
      { ...msk, EventSourceArn: 'arn:aws:kafka:eu-west-1:111122223333:cluster/x/y' },
      /Unknown Amazon MSK cluster/,
    ],
    [
      'non-Kafka ARN',
      { ...msk, EventSourceArn: 'arn:aws:sqs:eu-west-1:111122223333:q' },
      /Unsupported event source/,
    ],
    [
      'no source',
      { FunctionName: 'f', Topics: ['tt'], StartingPosition: 'LATEST' },
      /^Unrecognized event source\.$/,
    ],
    ['both sources', { ...smk, EventSourceArn: MSK_ARN }, /cannot both/],
    ['no topic', { ...msk, Topics: undefined }, /Topics is required/],
    ['no starting position', { ...msk, StartingPosition: undefined }, /StartingPosition is required/],
    [
      'AT_TIMESTAMP without timestamp',
      { ...msk, StartingPosition: 'AT_TIMESTAMP' },
      /required with AT_TIMESTAMP/,
    ],
    [
      'timestamp in the future',
      { ...msk, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: 4_000_000_000 },
      /future/,
    ],
    [
      'timestamp without AT_TIMESTAMP',
      { ...msk, StartingPositionTimestamp: 1 },
      /only valid with AT_TIMESTAMP/,
    ],
    ['record age 59', { ...msk, MaximumRecordAgeInSeconds: 59 }, /-1 \(infinite\) or between 60/],
    ['record age 0', { ...msk, MaximumRecordAgeInSeconds: 0 }, /-1 \(infinite\) or between 60/],
    [
      'OnSuccess',
      { ...msk, DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:eu-west-1:111122223333:q' } } },
      /^Unsupported DestinationConfig parameter for given event source mapping type\.$/,
    ],
    [
      'bad destination',
      { ...msk, DestinationConfig: { OnFailure: { Destination: 'ftp://x' } } },
      /OnFailure Destination/,
    ],
    [
      'dlt = source topic',
      { ...msk, DestinationConfig: { OnFailure: { Destination: 'kafka://orders' } } },
      /must differ/,
    ],
    [
      'dlt bad topic',
      { ...msk, DestinationConfig: { OnFailure: { Destination: 'kafka://.bad' } } },
      /Invalid Kafka topic/,
    ],
    [
      'bad filter',
      { ...msk, FilterCriteria: { Filters: [{ Pattern: '{"value":"x"}' }] } },
      /^Invalid filter pattern definition\.$/,
    ],
    [
      'pollers max < min',
      { ...msk, ProvisionedPollerConfig: { MinimumPollers: 5, MaximumPollers: 2 } },
      /MaximumPollers/,
    ],
    [
      'VIRTUAL_HOST',
      { ...smk, SourceAccessConfigurations: [{ Type: 'VIRTUAL_HOST', URI: 'vhost:x' }] },
      /Amazon MQ/,
    ],
    [
      'BASIC_AUTH on MSK',
      { ...msk, SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: 'env:X' }] },
      /not supported for Amazon MSK/,
    ],
    [
      'two auth methods',
      {
        ...smk,
        SourceAccessConfigurations: [
          { Type: 'BASIC_AUTH', URI: 'env:A' },
          { Type: 'SASL_SCRAM_256_AUTH', URI: 'env:B' },
        ],
      },
      /Only one authentication/,
    ],
    [
      'MSK config on self-managed',
      { ...smk, AmazonManagedKafkaEventSourceConfig: {} },
      /only valid for Amazon MSK/,
    ],
    [
      'self-managed config on MSK',
      { ...msk, SelfManagedKafkaEventSourceConfig: {} },
      /only valid for self-managed/,
    ],
    [
      'non-Kafka member',
      { ...msk, ParallelizationFactor: 2 },
      /ParallelizationFactor is not supported for Kafka/,
    ],
    [
      'port 0',
      { ...smk, SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['k:0'] } } },
      /Invalid port/,
    ],
    [
      'registry URI',
      {
        ...smk,
        SelfManagedKafkaEventSourceConfig: {
          SchemaRegistryConfig: { SchemaRegistryURI: 'ftp://x', EventRecordFormat: 'JSON' },
        },
      },
      /SchemaRegistryURI/,
    ],
  ];
  for (const [name, body, pattern] of bad) {
    it(`rejects: ${name}`, () => rejects(() => create(body), 'INVALID_PARAMETER', pattern));
  }
});

describe('updateMapping', () => {
  const enabled = (body: Record<string, unknown>): Mapping => ({ ...create(body), state: 'Enabled' });

  it('applies changes, keeps the rest, and moves to Updating', () => {
    const m = update(enabled(msk), {
      BatchSize: 7,
      MaximumBatchingWindowInSeconds: 0,
      FunctionName: 'other:live',
    });
    assert.equal(m.state, 'Updating');
    assert.equal(m.batchSize, 7);
    assert.equal(m.batchingWindowMs, 0);
    assert.equal(m.functionArn, 'arn:aws:lambda:eu-west-1:111122223333:function:other:live');
    assert.equal(m.topic, 'orders');
    assert.equal(m.lastModifiedMs, ctx.now);
  });

  it('flips Enabled through Disabling and Enabling', () => {
    const disabled = update(enabled(msk), { Enabled: false });
    assert.equal(disabled.state, 'Disabling');
    assert.equal(disabled.enabled, false);
    assert.equal(update({ ...disabled, state: 'Disabled' }, { Enabled: true }).state, 'Enabling');
    assert.equal(update(enabled(msk), { Enabled: true }).state, 'Updating');
  });

  it('removes filters, destination, pollers and metrics with empty values', () => {
    const full = enabled({
      ...msk,
      FilterCriteria: { Filters: [{ Pattern: '{"value":{"a":["b"]}}' }] },
      DestinationConfig: { OnFailure: { Destination: 'kafka://dlt' } },
      ProvisionedPollerConfig: { MinimumPollers: 1 },
      MetricsConfig: { Metrics: ['EventCount'] },
    });
    const m = update(full, {
      FilterCriteria: {},
      DestinationConfig: { OnFailure: { Destination: '' } },
      ProvisionedPollerConfig: {},
      MetricsConfig: { Metrics: [] },
    });
    assert.deepEqual(m.filterPatterns, []);
    assert.equal(m.onFailureDestination, undefined);
    assert.equal(m.provisionedPollerConfig, undefined);
    assert.deepEqual(m.metrics, []);
  });

  it('restores the cluster default auth when the own auth is removed', () => {
    const own = enabled({
      ...msk,
      SourceAccessConfigurations: [{ Type: 'CLIENT_CERTIFICATE_TLS_AUTH', URI: 'env:C' }],
    });
    assert.deepEqual(update(own, { SourceAccessConfigurations: [] }).connectionAuth, [SCRAM]);
  });

  for (const member of [
    'EventSourceArn',
    'Topics',
    'StartingPosition',
    'StartingPositionTimestamp',
    'SelfManagedEventSource',
    'Tags',
  ]) {
    it(`rejects create-only ${member}`, () =>
      rejects(
        () => update(enabled(msk), { [member]: 'x' }),
        'INVALID_PARAMETER',
        new RegExp(`^${member} cannot be updated`),
      ));
  }

  it('rejects a changed ConsumerGroupId but accepts the same one', () => {
    const m = enabled(msk);
    rejects(
      () => update(m, { AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'other' } }),
      'INVALID_PARAMETER',
      /ConsumerGroupId cannot be updated/,
    );
    assert.equal(
      update(m, { AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: UUID } }).consumerGroupId,
      UUID,
    );
  });

  it('answers ResourceInUse (CONFLICT in-use) while Creating or Deleting', () => {
    for (const state of ['Creating', 'Deleting'] as const) {
      assert.throws(
        () => update({ ...create(msk), state }, { BatchSize: 5 }),
        (err) => isBridgeError(err) && err.code === 'CONFLICT' && err.context.kind === 'in-use',
      );
    }
  });
});

describe('OnFailure destinations beyond AWS', () => {
  it('accepts an http(s) endpoint and refuses credentials in its URL', () => {
    const ok = create({
      ...msk,
      DestinationConfig: { OnFailure: { Destination: 'https://failures.example.com/kafka' } },
    });
    assert.equal(ok.onFailureDestination, 'https://failures.example.com/kafka');
    assert.throws(
      () => create({ ...msk, DestinationConfig: { OnFailure: { Destination: 'https://u:p@example.com/' } } }),
      /Invalid HTTP OnFailure destination/,
    );
  });

  it('refuses an http(s) host the operator did not list, and every one when there is no list', () => {
    rejects(
      () =>
        create({
          ...msk,
          DestinationConfig: { OnFailure: { Destination: 'http://169.254.169.254/latest' } },
        }),
      'INVALID_PARAMETER',
      /host 169\.254\.169\.254 is not allowed.*destinationHosts/,
    );
    const { destinationHosts: _listed, ...unlisted } = ctx;
    assert.throws(
      () =>
        createMapping(
          createRequestSchema.parse({
            ...msk,
            DestinationConfig: { OnFailure: { Destination: 'https://failures.example.com/kafka' } },
          }) as CreateRequest,
          UUID,
          unlisted,
        ),
      /is not allowed/,
    );
    // Topics and ARNs are not URLs: unaffected by the list.
    assert.equal(
      createMapping(
        createRequestSchema.parse({
          ...msk,
          DestinationConfig: { OnFailure: { Destination: 'kafka://dlq' } },
        }) as CreateRequest,
        UUID,
        unlisted,
      ).onFailureDestination,
      'kafka://dlq',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMapping } from '../../../src/mapping/resolve.ts';
import { toEventSourceMappingConfiguration } from '../../../src/mapping/response.ts';
import { type CreateRequest, createRequestSchema } from '../../../src/mapping/schema.ts';

const MSK_ARN =
  'arn:aws:kafka:eu-west-1:111122223333:cluster/orders-cluster/6c1f0a3e-1b2c-4d5e-8f90-123456789abc-2';
const UUID = '9a3b1c2d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
const ctx = {
  region: 'eu-west-1',
  accountId: '111122223333',
  clusters: new Map([[MSK_ARN, { bootstrapServers: ['b-1:9098'] }]]),
  now: 1_767_225_600_512,
};

describe('toEventSourceMappingConfiguration', () => {
  it('matches the lambda-esm.md §2.8 example', () => {
    const input = createRequestSchema.parse({
      FunctionName: 'order-processor',
      EventSourceArn: MSK_ARN,
      Topics: ['orders'],
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 250,
      MaximumBatchingWindowInSeconds: 2,
      FilterCriteria: { Filters: [{ Pattern: '{"value":{"status":["PAID"]}}' }] },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4 },
      MaximumRetryAttempts: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: 'kafka://orders-dlt' } },
      MetricsConfig: { Metrics: ['EventCount'] },
      Tags: { team: 'payments' },
    }) as CreateRequest;
    const out = toEventSourceMappingConfiguration(createMapping(input, UUID, ctx));
    assert.deepEqual(out, {
      UUID,
      EventSourceMappingArn: `arn:aws:lambda:eu-west-1:111122223333:event-source-mapping:${UUID}`,
      EventSourceArn: MSK_ARN,
      FunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:order-processor',
      Topics: ['orders'],
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 250,
      MaximumBatchingWindowInSeconds: 2,
      FilterCriteria: { Filters: [{ Pattern: '{"value":{"status":["PAID"]}}' }] },
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 4 },
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: -1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: 'kafka://orders-dlt' } },
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: UUID },
      MetricsConfig: { Metrics: ['EventCount'] },
      LastModified: 1767225600.512,
      LastProcessingResult: 'No records processed',
      State: 'Creating',
      StateTransitionReason: 'USER_INITIATED',
    });
    assert.equal('Tags' in out, false, 'tags are never echoed');
  });

  it('omits the window under the 500 ms default and echoes self-managed sources', () => {
    const input = createRequestSchema.parse({
      FunctionName: 'clicks',
      Topics: ['clicks'],
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: 1767139200,
      SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['k1:9092'] } },
      SourceAccessConfigurations: [
        { Type: 'SASL_SCRAM_512_AUTH', URI: 'arn:aws:secretsmanager:eu-west-1:1:secret:s' },
      ],
      SelfManagedKafkaEventSourceConfig: {
        ConsumerGroupId: 'clicks-lambda',
        SchemaRegistryConfig: { SchemaRegistryURI: 'https://r:8081', EventRecordFormat: 'SOURCE' },
      },
    }) as CreateRequest;
    const out = toEventSourceMappingConfiguration(createMapping(input, UUID, ctx));
    assert.equal('MaximumBatchingWindowInSeconds' in out, false);
    assert.equal(out.StartingPositionTimestamp, 1767139200);
    assert.deepEqual(out.SelfManagedEventSource, { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['k1:9092'] } });
    assert.deepEqual(out.SourceAccessConfigurations, [
      { Type: 'SASL_SCRAM_512_AUTH', URI: 'arn:aws:secretsmanager:eu-west-1:1:secret:s' },
    ]);
    assert.deepEqual(out.SelfManagedKafkaEventSourceConfig, {
      ConsumerGroupId: 'clicks-lambda',
      SchemaRegistryConfig: { SchemaRegistryURI: 'https://r:8081', EventRecordFormat: 'SOURCE' },
    });
    assert.equal('EventSourceArn' in out, false);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, MSK, makeApp, SELF_MANAGED } from './helpers.ts';

const BASE = '/2015-03-31/event-source-mappings';
const sac = (Type: string, URI = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:s') => ({ Type, URI });
const endpoints = (list: string[]) => ({ Endpoints: { KAFKA_BOOTSTRAP_SERVERS: list } });

/** [name, body, expected message fragment]. */
const rejected: [string, Record<string, unknown>, RegExp][] = [
  ['BatchSize 0', { ...MSK, BatchSize: 0 }, /'BatchSize'.*greater than or equal to 1/],
  [
    'BatchSize 10001',
    { ...MSK, BatchSize: 10001 },
    /Value '10001' at 'BatchSize'.*less than or equal to 10000/,
  ],
  ['BatchSize 1.5', { ...MSK, BatchSize: 1.5 }, /'BatchSize'.*integer/],
  ['BatchSize string', { ...MSK, BatchSize: '10' }, /'BatchSize'.*type number/],
  [
    'window -1',
    { ...MSK, MaximumBatchingWindowInSeconds: -1 },
    /MaximumBatchingWindowInSeconds.*greater than or equal to 0/,
  ],
  [
    'window 301',
    { ...MSK, MaximumBatchingWindowInSeconds: 301 },
    /MaximumBatchingWindowInSeconds.*less than or equal to 300/,
  ],
  ['retries -2', { ...MSK, MaximumRetryAttempts: -2 }, /MaximumRetryAttempts.*greater than or equal to -1/],
  [
    'retries 10001',
    { ...MSK, MaximumRetryAttempts: 10001 },
    /MaximumRetryAttempts.*less than or equal to 10000/,
  ],
  ['record age -2', { ...MSK, MaximumRecordAgeInSeconds: -2 }, /MaximumRecordAgeInSeconds/],
  ['record age 0', { ...MSK, MaximumRecordAgeInSeconds: 0 }, /MaximumRecordAgeInSeconds must be -1/],
  ['record age 59', { ...MSK, MaximumRecordAgeInSeconds: 59 }, /MaximumRecordAgeInSeconds must be -1/],
  ['record age 604801', { ...MSK, MaximumRecordAgeInSeconds: 604801 }, /less than or equal to 604800/],
  ['no topics', { ...MSK, Topics: [] }, /'Topics'.*length equal to 1/],
  ['two topics', { ...MSK, Topics: ['aa', 'bb'] }, /'Topics'.*length equal to 1/],
  ['topic starts with dot', { ...MSK, Topics: ['.hidden'] }, /'Topics.0'.*regular expression/],
  ['topic with space', { ...MSK, Topics: ['bad topic'] }, /'Topics.0'/],
  ['topic too long', { ...MSK, Topics: ['t'.repeat(250)] }, /'Topics.0'.*less than or equal to 249/],
  [
    'consumer group pattern',
    { ...MSK, AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'bad group!' } },
    /ConsumerGroupId.*regular expression/,
  ],
  [
    'consumer group empty',
    { ...MSK, AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: '' } },
    /ConsumerGroupId/,
  ],
  [
    'consumer group too long',
    { ...MSK, AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g'.repeat(201) } },
    /ConsumerGroupId.*200/,
  ],
  [
    'six filters',
    {
      ...MSK,
      FilterCriteria: { Filters: Array.from({ length: 6 }, () => ({ Pattern: '{"value":{"a":["b"]}}' })) },
    },
    /'FilterCriteria.Filters'.*5/,
  ],
  [
    'filter not JSON',
    { ...MSK, FilterCriteria: { Filters: [{ Pattern: '{value' }] } },
    /^Invalid filter pattern definition\.$/,
  ],
  [
    'OnSuccess',
    { ...MSK, DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:eu-west-1:111122223333:q' } } },
    /^Unsupported DestinationConfig parameter/,
  ],
  [
    'destination > 350',
    { ...MSK, DestinationConfig: { OnFailure: { Destination: `kafka://${'d'.repeat(343)}` } } },
    /Destination.*350/,
  ],
  [
    'destination scheme',
    { ...MSK, DestinationConfig: { OnFailure: { Destination: 'ftp://example.com/failed' } } },
    /OnFailure Destination must be/,
  ],
  [
    'no endpoints',
    { ...SELF_MANAGED, SelfManagedEventSource: endpoints([]) },
    /KAFKA_BOOTSTRAP_SERVERS.*greater than or equal to 1/,
  ],
  [
    '11 endpoints',
    {
      ...SELF_MANAGED,
      SelfManagedEventSource: endpoints(Array.from({ length: 11 }, (_, i) => `k${i}:9092`)),
    },
    /KAFKA_BOOTSTRAP_SERVERS.*less than or equal to 10/,
  ],
  [
    'endpoint without port',
    { ...SELF_MANAGED, SelfManagedEventSource: endpoints(['kafka']) },
    /KAFKA_BOOTSTRAP_SERVERS.0.*regular expression/,
  ],
  [
    'endpoint port 99999',
    { ...SELF_MANAGED, SelfManagedEventSource: endpoints(['kafka:99999']) },
    /Invalid port/,
  ],
  [
    'unknown endpoint type',
    { ...SELF_MANAGED, SelfManagedEventSource: { Endpoints: { OTHER: ['k:1'] } } },
    /Unrecognized parameter/,
  ],
  [
    'min pollers 0',
    { ...MSK, ProvisionedPollerConfig: { MinimumPollers: 0 } },
    /MinimumPollers.*greater than or equal to 1/,
  ],
  ['min pollers 201', { ...MSK, ProvisionedPollerConfig: { MinimumPollers: 201 } }, /MinimumPollers.*200/],
  ['max pollers 2001', { ...MSK, ProvisionedPollerConfig: { MaximumPollers: 2001 } }, /MaximumPollers.*2000/],
  [
    'poller group name',
    { ...MSK, ProvisionedPollerConfig: { PollerGroupName: 'bad name' } },
    /PollerGroupName/,
  ],
  [
    '23 access configs',
    {
      ...SELF_MANAGED,
      SourceAccessConfigurations: Array.from({ length: 23 }, () => sac('VPC_SUBNET', 'subnet:subnet-1')),
    },
    /SourceAccessConfigurations.*22/,
  ],
  [
    'access type enum',
    { ...SELF_MANAGED, SourceAccessConfigurations: [sac('PASSWORD')] },
    /enum value set: \[BASIC_AUTH/,
  ],
  ['access URI empty', { ...SELF_MANAGED, SourceAccessConfigurations: [sac('BASIC_AUTH', '')] }, /URI/],
  [
    'access URI not a URI',
    { ...SELF_MANAGED, SourceAccessConfigurations: [sac('BASIC_AUTH', 'hunter2')] },
    /URI.*regular expression/,
  ],
  ['response type', { ...MSK, FunctionResponseTypes: ['Everything'] }, /FunctionResponseTypes/],
  ['metric name', { ...MSK, MetricsConfig: { Metrics: ['Latency'] } }, /MetricsConfig.Metrics/],
  [
    'starting position',
    { ...MSK, StartingPosition: 'NOW' },
    /enum value set: \[TRIM_HORIZON, LATEST, AT_TIMESTAMP\]/,
  ],
  ['unknown member', { ...MSK, Colour: 'blue' }, /Unrecognized parameter.*Colour/],
  ['no FunctionName', { ...MSK, FunctionName: undefined }, /Value null at 'FunctionName'.*must not be null/],
  ['bad FunctionName', { ...MSK, FunctionName: 'bad name' }, /FunctionName/],
  ['FunctionName too long', { ...MSK, FunctionName: 'f'.repeat(257) }, /FunctionName.*256/],
  ['reserved tag', { ...MSK, Tags: { 'aws:owner': 'x' } }, /Tag key is reserved/],
  [
    '51 tags',
    { ...MSK, Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
    /50 tags/,
  ],
  ['null member', { ...MSK, BatchSize: null }, /BatchSize/],
  ['non-Kafka member', { ...MSK, Queues: ['q'] }, /Queues is not supported for Kafka/],
];

const accepted: [string, Record<string, unknown>][] = [
  ['BatchSize 1', { ...MSK, BatchSize: 1 }],
  ['BatchSize 10000, window 300', { ...MSK, BatchSize: 10000, MaximumBatchingWindowInSeconds: 300 }],
  ['window 0', { ...MSK, MaximumBatchingWindowInSeconds: 0 }],
  ['retries -1 / age -1', { ...MSK, MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1 }],
  ['retries 10000 / age 60', { ...MSK, MaximumRetryAttempts: 10000, MaximumRecordAgeInSeconds: 60 }],
  ['age 604800', { ...MSK, MaximumRecordAgeInSeconds: 604800 }],
  ['topic 249', { ...MSK, Topics: ['t'.repeat(249)] }],
  [
    '10 endpoints',
    {
      ...SELF_MANAGED,
      SelfManagedEventSource: endpoints(Array.from({ length: 10 }, (_, i) => `k${i}.x:9092`)),
    },
  ],
  [
    '22 access configs',
    {
      ...SELF_MANAGED,
      SourceAccessConfigurations: [
        sac('BASIC_AUTH'),
        ...Array.from({ length: 21 }, () => sac('VPC_SUBNET', 'subnet:subnet-1')),
      ],
    },
  ],
  [
    '5 filters',
    {
      ...MSK,
      FilterCriteria: {
        Filters: Array.from({ length: 5 }, (_, i) => ({ Pattern: `{"value":{"a":["${i}"]}}` })),
      },
    },
  ],
  ['empty destination', { ...MSK, DestinationConfig: { OnFailure: { Destination: '' } } }],
  [
    'ARN destination',
    { ...MSK, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:eu-west-1:111122223333:dlq' } } },
  ],
  [
    'pollers bounds',
    { ...MSK, ProvisionedPollerConfig: { MinimumPollers: 200, MaximumPollers: 2000, PollerGroupName: '' } },
  ],
  [
    'ISO timestamp',
    { ...MSK, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: '2025-01-01T00:00:00Z' },
  ],
  ['50 tags', { ...MSK, Tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) }],
];

describe('create validation: every bound → 400 InvalidParameterValueException', () => {
  for (const [name, body, message] of rejected) {
    it(`rejects ${name}`, async () => {
      const { app, store } = makeApp();
      const res = await call(app, 'POST', BASE, body);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('x-amzn-ErrorType'), 'InvalidParameterValueException');
      const out = (await res.json()) as { Type: string; message: string };
      assert.equal(out.Type, 'User');
      assert.match(out.message, message);
      assert.deepEqual(await store.all(), []);
    });
  }
  for (const [name, body] of accepted) {
    it(`accepts ${name}`, async () => {
      const { app } = makeApp();
      const res = await call(app, 'POST', BASE, body);
      assert.equal(res.status, 202, await res.clone().text());
    });
  }
  it('never echoes access config URIs in errors', async () => {
    const { app } = makeApp();
    const res = await call(app, 'POST', BASE, {
      ...SELF_MANAGED,
      SourceAccessConfigurations: [sac('BASIC_AUTH', 'not a uri with s3cr3t')],
    });
    assert.equal(res.status, 400);
    assert.doesNotMatch(await res.text(), /s3cr3t/);
  });
});

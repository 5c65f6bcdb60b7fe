import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timestampTypeFromConfig, timestampTypeLookup } from '../../../src/kafka/timestamp-type.ts';

describe('topic timestamp type (binding consumer)', () => {
  it('maps message.timestamp.type to the event timestampType, CreateTime when unset', () => {
    assert.equal(timestampTypeFromConfig({ 'message.timestamp.type': 'LogAppendTime' }), 2);
    assert.equal(timestampTypeFromConfig({ 'message.timestamp.type': 'CreateTime' }), 1);
    assert.equal(timestampTypeFromConfig({}), 1);
  });

  it('asks the addon for the topic with the mapping connection properties', async () => {
    const calls: unknown[] = [];
    const lookup = timestampTypeLookup(
      {
        describeTopicConfig: async (config, topic, timeoutMs) => {
          calls.push([config, topic, timeoutMs > 0]);
          return { 'message.timestamp.type': 'LogAppendTime', 'retention.ms': '1' };
        },
      },
      { 'bootstrap.servers': 'b:9092', 'security.protocol': 'SSL' },
      { warn: () => undefined },
    );
    assert.ok(lookup);
    assert.equal(await lookup('orders'), 2);
    assert.deepEqual(calls, [
      [{ 'bootstrap.servers': 'b:9092', 'security.protocol': 'SSL' }, 'orders', true],
    ]);
  });

  it('a failed lookup is logged and answers CREATE_TIME', async () => {
    const warnings: string[] = [];
    const lookup = timestampTypeLookup(
      {
        describeTopicConfig: async () => {
          throw new Error('rdkafka:29:TopicAuthorizationFailed: denied');
        },
      },
      {},
      { warn: (msg) => warnings.push(msg) },
    );
    assert.equal(await lookup?.('orders'), 1);
    assert.equal(warnings.length, 1);
  });

  it('no lookup without the addon (or an addon without DescribeConfigs)', () => {
    assert.equal(timestampTypeLookup(undefined, {}, { warn: () => undefined }), undefined);
    assert.equal(timestampTypeLookup({}, {}, { warn: () => undefined }), undefined);
  });
});

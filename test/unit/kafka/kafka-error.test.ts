import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, fromBindingError, fromNativeError, RD } from '../../../src/kafka/kafka-error.ts';

describe('librdkafka codes → bridge error codes', () => {
  const cases: Array<[number, Parameters<typeof classify>[1], string, boolean]> = [
    [RD.AUTHENTICATION, 'connect', 'KAFKA_AUTH_FAILED', false],
    [RD.SASL_AUTHENTICATION_FAILED, 'event', 'KAFKA_AUTH_FAILED', false],
    [RD.TOPIC_AUTHORIZATION_FAILED, 'poll', 'KAFKA_NOT_AUTHORIZED', false],
    [RD.STATE, 'commit', 'OWNERSHIP_LOST', false],
    [RD.ILLEGAL_GENERATION, 'commit', 'OWNERSHIP_LOST', false],
    [RD.UNKNOWN_MEMBER_ID, 'commit', 'OWNERSHIP_LOST', false],
    [RD.REBALANCE_IN_PROGRESS, 'commit', 'KAFKA_STATE', true],
    [RD.STATE, 'poll', 'KAFKA_STATE', false],
    [RD.TRANSPORT, 'connect', 'KAFKA_CONNECT_FAILED', true],
    [RD.ALL_BROKERS_DOWN, 'event', 'KAFKA_CONNECT_FAILED', true],
  ];
  for (const [code, op, expected, retriable] of cases) {
    it(`${code} during ${op} → ${expected}`, () =>
      assert.deepEqual(classify(code, op), { code: expected, retriable }));
  }

  it('parses the addon message format', () => {
    const e = fromNativeError(new Error('rdkafka:-172:State: t[9] is not assigned'), 'commit', {
      topic: 't',
    });
    assert.equal(e.code, 'OWNERSHIP_LOST');
    assert.match(e.message, /t\[9\] is not assigned/);
    assert.equal(e.context.librdkafkaCode, -172);
    assert.equal(e.context.topic, 't');
  });

  it('an unparseable addon error is INTERNAL and keeps its cause', () => {
    const cause = new Error('boom');
    const e = fromNativeError(cause, 'poll');
    assert.equal(e.code, 'INTERNAL');
    assert.equal(e.cause, cause);
  });

  it('reads the binding error code', () => {
    const err = Object.assign(new Error('Local: Authentication failure'), { code: -169 });
    assert.equal(fromBindingError(err, 'connect').code, 'KAFKA_AUTH_FAILED');
  });
});

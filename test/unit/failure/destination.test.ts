import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pack } from '../../../src/encode/pack.ts';
import { referenceEncoder } from '../../../src/encode/reference.ts';
import {
  type DestinationProducer,
  FailureDestinations,
  type OutgoingMessage,
  PRODUCER_DEFAULTS,
  parseDestination,
} from '../../../src/failure/destination.ts';
import type { Mapping } from '../../../src/mapping/types.ts';
import { FUNCTION_ARN, MSK_ARN, mapping, orders, recordingLogger } from './fixtures.ts';

interface Sent {
  config: Record<string, string | number>;
  topic: string;
  messages: readonly OutgoingMessage[];
}

function setup(options: { fail?: boolean } = {}) {
  const sent: Sent[] = [];
  const producers: Record<string, string | number>[] = [];
  const logger = recordingLogger();
  const posts: { url: string; body: unknown }[] = [];
  let status = 200;
  const destinations = new FailureDestinations({
    connectionOf: (m: Mapping) => ({ bootstrapServers: [...m.bootstrapServers], protocol: 'PLAINTEXT' }),
    encoder: referenceEncoder,
    logger,
    newRequestId: () => 'req-1',
    clock: () => Date.parse('2026-01-01T00:05:12.345Z'),
    destinationHosts: ['hooks.test'],
    fetch: (async (url: string, init: RequestInit) => {
      assert.equal(init.redirect, 'manual', 'redirects are never followed');
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return new Response('ok', { status });
    }) as typeof fetch,
    createProducer: (config): DestinationProducer => {
      producers.push(config);
      return {
        async send(topic, messages) {
          if (options.fail) throw new Error('broker down');
          sent.push({ config, topic, messages });
        },
        async close() {},
      };
    },
  });
  const input = (m: Mapping, packed = orders([4101, 4102])) => ({
    mapping: m,
    packed,
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 3,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  });
  return { destinations, sent, producers, logger, posts, input, setStatus: (s: number) => (status = s) };
}

describe('parseDestination', () => {
  it('tells kafka, http(s) and unreachable ARNs apart', () => {
    assert.deepEqual(parseDestination('kafka://dlq'), { kind: 'kafka', topic: 'dlq' });
    assert.deepEqual(parseDestination('https://hooks.example/x'), {
      kind: 'http',
      url: 'https://hooks.example/x',
    });
    assert.deepEqual(parseDestination('arn:aws:sqs:eu-west-1:111122223333:dlq'), { kind: 'unreachable' });
  });
});

describe('kafka:// destination', () => {
  it('produces one message per record, keyed with the original key, AWS value shape', async () => {
    const t = setup();
    const state = await t.destinations.send(t.input(mapping({ onFailureDestination: 'kafka://orders-dlq' })));
    assert.equal(state, 'delivered');
    assert.equal(t.sent.length, 1);
    const [batch] = t.sent;
    assert.equal(batch?.topic, 'orders-dlq');
    assert.equal(batch?.config.acks, PRODUCER_DEFAULTS.acks);
    assert.equal(batch?.messages.length, 2);
    const [first, second] = batch?.messages ?? [];
    assert.equal(first?.key?.toString(), 'k4101');
    assert.equal(second?.key?.toString(), 'k4102');
    const value = JSON.parse(first?.value.toString() ?? '');
    assert.deepEqual(value.requestContext, {
      requestId: 'req-1',
      functionArn: FUNCTION_ARN,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    assert.equal(value.version, '1.0');
    assert.equal(value.timestamp, '2026-01-01T00:05:12.345Z');
    assert.equal(value.KafkaBatchInfo.batchSize, 1);
    assert.equal(value.KafkaBatchInfo.eventSourceArn, MSK_ARN);
    assert.equal(value.KafkaBatchInfo.bootstrapServers, 'b-1.orders.example:9098');
    assert.deepEqual(value.KafkaBatchInfo.recordInfo, {
      offset: '4101',
      timestamp: '2026-01-01T00:00:04.101Z',
    });
    assert.equal(value.KafkaBatchInfo.payloadSize, Buffer.byteLength(JSON.stringify(value.payload)));
    assert.equal(value.payload.eventSource, 'aws:kafka');
    assert.deepEqual(Object.keys(value.payload.records), ['orders-0']);
    const [record] = value.payload.records['orders-0'];
    assert.equal(record.offset, 4101);
    assert.equal(Buffer.from(record.key, 'base64').toString(), 'k4101');
    assert.equal(Buffer.from(record.value, 'base64').toString(), '{"id":4101}');
    assert.equal(value.payload.records['orders-0'].length, 1);
  });

  it('sends a null key for a keyless record and still sends a record larger than a payload', async () => {
    const t = setup();
    const packed = pack([
      { topic: 'orders', partition: 0, offset: 1, value: 'small' },
      { topic: 'orders', partition: 0, offset: 2, key: 'big', value: 'x'.repeat(7_000_000) },
    ]);
    await t.destinations.send(t.input(mapping({ onFailureDestination: 'kafka://dlq' }), packed));
    const messages = t.sent[0]?.messages ?? [];
    assert.equal(messages.length, 2);
    assert.equal(messages[0]?.key, null);
    assert.equal(messages[1]?.key?.toString(), 'big');
    assert.equal(JSON.parse(messages[1]?.value.toString() ?? '').KafkaBatchInfo.recordInfo.offset, '2');
  });

  it('reuses one producer per cluster connection', async () => {
    const t = setup();
    const m = mapping({ onFailureDestination: 'kafka://dlq' });
    await t.destinations.send(t.input(m));
    await t.destinations.send(t.input(m));
    await t.destinations.send(t.input({ ...m, bootstrapServers: ['other:9092'] }));
    assert.equal(t.producers.length, 2);
  });

  it('throws when the producer fails', async () => {
    const t = setup({ fail: true });
    await assert.rejects(
      t.destinations.send(t.input(mapping({ onFailureDestination: 'kafka://dlq' }))),
      /broker down/,
    );
  });
});

describe('http destination', () => {
  it('POSTs the metadata record with recordsInfo', async () => {
    const t = setup();
    const state = await t.destinations.send(
      t.input(mapping({ onFailureDestination: 'http://hooks.test/f' })),
    );
    assert.equal(state, 'delivered');
    assert.equal(t.posts.length, 1);
    const body = t.posts[0]?.body as { KafkaBatchInfo: Record<string, unknown>; payload?: unknown };
    assert.equal(t.posts[0]?.url, 'http://hooks.test/f');
    assert.equal(body.KafkaBatchInfo.batchSize, 2);
    assert.deepEqual(Object.keys(body.KafkaBatchInfo.recordsInfo as object), ['orders-0']);
    assert.equal(typeof body.KafkaBatchInfo.payloadSize, 'number');
    assert.equal(body.payload, undefined);
  });

  it('refuses, without a request, a host no longer in destinationHosts (a mapping stored before)', async () => {
    const t = setup();
    await assert.rejects(
      t.destinations.send(t.input(mapping({ onFailureDestination: 'http://10.0.0.7/f' }))),
      /not in destinationHosts/,
    );
    assert.equal(t.posts.length, 0);
  });

  it('throws on a redirect (never followed) as on any non-2xx answer', async () => {
    const t = setup();
    t.setStatus(302);
    await assert.rejects(
      t.destinations.send(t.input(mapping({ onFailureDestination: 'https://hooks.test/f' }))),
      /HTTP 302/,
    );
  });

  it('throws on a non-2xx answer', async () => {
    const t = setup();
    t.setStatus(503);
    await assert.rejects(
      t.destinations.send(t.input(mapping({ onFailureDestination: 'https://hooks.test/f' }))),
      /HTTP 503/,
    );
  });
});

describe('other destinations', () => {
  it('answers none without a destination', async () => {
    const t = setup();
    assert.equal(await t.destinations.send(t.input(mapping())), 'none');
  });

  it('answers unreachable for SQS/SNS/S3 ARNs and logs once per destination', async () => {
    const t = setup();
    const m = mapping({ onFailureDestination: 'arn:aws:sqs:eu-west-1:111122223333:dlq' });
    assert.equal(await t.destinations.send(t.input(m)), 'unreachable');
    assert.equal(await t.destinations.send(t.input(m)), 'unreachable');
    assert.equal(t.logger.lines.filter((l) => l.level === 'warn').length, 1);
    assert.equal(t.sent.length + t.posts.length, 0);
  });
});

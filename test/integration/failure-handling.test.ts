/**
 * Failure handling beyond AWS on real Kafka and Redis: partial batch responses, retry limits with
 * bisect, failure destinations and the failed-batch store, replay, and FilterCriteria.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createMapping,
  invocations,
  OUT_DIR,
  startTestBridge,
  TEST_CREDENTIALS,
  type TestBridge,
  waitCommitted,
} from '../helpers/bridge.ts';
import { BOOTSTRAP, createTopic, KafkaJS, produce } from '../helpers/kafka.ts';
import { uniqueName, waitFor } from '../helpers/wait.ts';

let tb: TestBridge;

before(async () => {
  tb = await startTestBridge({
    // The http destination test's receiver listens on loopback.
    destinationHosts: ['127.0.0.1'],
    admin: {
      host: '127.0.0.1',
      port: 0,
      open: true,
      credentials: { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey },
    },
  });
});

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${tb.bridge.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function consumeAll(
  topic: string,
  count: number,
): Promise<Array<{ key: string | null; value: string }>> {
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [BOOTSTRAP], logLevel: KafkaJS.logLevel.NOTHING } });
  const consumer = kafka.consumer({ kafkaJS: { groupId: uniqueName('dlt-reader'), fromBeginning: true } });
  const got: Array<{ key: string | null; value: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '' });
        if (got.length >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return got;
}

after(async () => {
  await tb?.close();
});

describe('failure handling', () => {
  it('a partial batch response retries from the lowest failed offset only', async () => {
    const topic = uniqueName('partial');
    await createTopic(topic, 1);
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: null, value: `p${i}` })),
    );
    writeFileSync(join(OUT_DIR, `${topic}.partial`), '8,6');
    const uuid = await createMapping(tb, {
      FunctionName: 'partial',
      Topics: [topic],
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    await waitCommitted(uuid, topic);
    const lines = invocations(topic);
    assert.deepEqual(
      lines.map((l) => l.offsets),
      [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [6, 7, 8, 9],
      ],
    );
  });

  describe('FilterCriteria (EventBridge patterns on the record value)', () => {
    const values = [
      { status: 'PAID', amount: 120, region: 'eu-west-1', coupon: 'X1' },
      { status: 'PAID', amount: 5, region: 'us-east-1' },
      { status: 'REFUNDED', amount: 50, region: 'eu-central-1', coupon: 'Y2' },
      { status: 'PENDING', amount: 300, region: 'ap-south-1' },
    ];
    const cases: Array<[string, object, number[]]> = [
      ['exact match', { value: { status: ['PAID'] } }, [0, 1]],
      ['prefix', { value: { region: [{ prefix: 'eu-' }] } }, [0, 2]],
      ['numeric range', { value: { amount: [{ numeric: ['>', 10, '<=', 300] }] } }, [0, 2, 3]],
      ['exists', { value: { coupon: [{ exists: true }] } }, [0, 2]],
      ['anything-but', { value: { status: [{ 'anything-but': ['PAID', 'PENDING'] }] } }, [2]],
    ];
    for (const [name, pattern, kept] of cases) {
      it(`${name}: only matching records are invoked; all offsets are committed`, async () => {
        const topic = uniqueName('filter');
        await createTopic(topic, 1);
        await produce(
          topic,
          values.map((v) => ({ key: null, value: JSON.stringify(v) })),
        );
        const uuid = await createMapping(tb, {
          FunctionName: 'recorder',
          Topics: [topic],
          BatchSize: 10,
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify(pattern) }] },
        });
        await waitCommitted(uuid, topic);
        assert.deepEqual(
          invocations(topic).flatMap((l) => l.offsets),
          kept,
        );
      });
    }

    it('a batch filtered to nothing commits without an invocation', async () => {
      const topic = uniqueName('filter-none');
      await createTopic(topic, 1);
      await produce(
        topic,
        values.map((v) => ({ key: null, value: JSON.stringify(v) })),
      );
      const uuid = await createMapping(tb, {
        FunctionName: 'recorder',
        Topics: [topic],
        BatchSize: 10,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { status: ['SHIPPED'] } }) }] },
      });
      await waitCommitted(uuid, topic);
      assert.equal(invocations(topic).length, 0);
    });
  });

  it('stops retrying records that left the topic (as AWS retries "until the records expire"): they are stored as RecordsExpired and the rest flows on', async () => {
    const topic = uniqueName('expire');
    await createTopic(topic, 1);
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: null, value: `e${i}` })),
    );
    // Offset 3 fails every time; the mapping retries forever (AWS's default).
    writeFileSync(join(OUT_DIR, `${topic}.fail-0-3.count`), '1000000');
    const uuid = await createMapping(tb, { FunctionName: 'recorder', Topics: [topic], BatchSize: 10 });
    await waitFor('two failed attempts', () => invocations(topic).length >= 2);
    // Retention deletes the head of the partition (Kafka's own DeleteRecords, as retention would).
    const kafka = new KafkaJS.Kafka({
      kafkaJS: { brokers: [BOOTSTRAP], logLevel: KafkaJS.logLevel.NOTHING },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] });
    await admin.disconnect();
    await waitCommitted(uuid, topic);

    // Offsets 0–4 left the topic while their batch was retried: handed to failure handling, kept.
    const list = await api('GET', `/2015-03-31/event-source-mappings/${uuid}/failed-batches`);
    const batches = list.json.FailedBatches as Array<{
      FirstOffset: number;
      LastOffset: number;
      Condition: string;
    }>;
    assert.deepEqual(
      batches.map((b) => [b.FirstOffset, b.LastOffset, b.Condition]),
      [[0, 4, 'RecordsExpired']],
    );
    // The records still in the topic were read again and delivered, once, in order.
    assert.deepEqual(
      invocations(topic, 'done').flatMap((l) => l.offsets),
      [5, 6, 7, 8, 9],
    );
    assert.ok(invocations(topic).every((l) => l.offsets[0] === 0 || l.offsets[0] === 5));
  });

  it('isolates a poison record (MaximumRetryAttempts 2, bisect): only it goes to the destination topic and the store; replay delivers it after the fix', async () => {
    const topic = uniqueName('poison');
    const dlt = `${topic}-dlt`;
    await createTopic(topic, 1);
    await createTopic(dlt, 1);
    await produce(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    const flag = join(OUT_DIR, `${topic}.fail-0-13.count`);
    writeFileSync(flag, '1000000');
    const uuid = await createMapping(tb, {
      FunctionName: 'recorder',
      Topics: [topic],
      BatchSize: 10,
      MaximumRetryAttempts: 2,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: `kafka://${dlt}` } },
    });
    await waitCommitted(uuid, topic);

    // Every other record was delivered exactly once, in order; the partition moved on.
    const delivered = invocations(topic, 'done').flatMap((l) => l.offsets);
    assert.deepEqual(
      delivered,
      Array.from({ length: 20 }, (_, i) => i).filter((o) => o !== 13),
    );
    // The poison record was tried alone 3 times (1 + MaximumRetryAttempts) after bisecting.
    const alone = invocations(topic).filter((l) => l.offsets.length === 1 && l.offsets[0] === 13);
    assert.equal(alone.length, 3);

    const [message] = await consumeAll(dlt, 1);
    assert.ok(message);
    assert.equal(message.key, 'k13', 'the original key');
    const failure = JSON.parse(message.value) as {
      requestContext: { condition: string; approximateInvokeCount: number };
      KafkaBatchInfo: { batchSize: number; recordInfo: { offset: string } };
      payload: { records: Record<string, Array<{ offset: number; value: string }>> };
    };
    assert.equal(failure.KafkaBatchInfo.batchSize, 1);
    assert.equal(failure.KafkaBatchInfo.recordInfo.offset, '13');
    assert.deepEqual(
      Object.values(failure.payload.records)
        .flat()
        .map((r) => [r.offset, Buffer.from(r.value, 'base64').toString()]),
      [[13, 'v13']],
    );

    const list = await api('GET', `/2015-03-31/event-source-mappings/${uuid}/failed-batches`);
    assert.equal(list.status, 200);
    const batches = list.json.FailedBatches as Array<{
      Id: string;
      FirstOffset: number;
      LastOffset: number;
      State: string;
    }>;
    assert.deepEqual(
      batches.map((b) => [b.FirstOffset, b.LastOffset, b.State]),
      [[13, 13, 'Failed']],
    );
    const batchId = batches[0]?.Id as string;

    // The function is fixed. A dry run reports and changes nothing.
    writeFileSync(flag, '0');
    const before = invocations(topic).length;
    const dry = await api('POST', `/2015-03-31/event-source-mappings/${uuid}/replays`, {
      BatchIds: [batchId],
      DryRun: true,
    });
    assert.equal(dry.status, 200);
    assert.equal(dry.json.ToSend, 1);
    const still = await api('GET', `/2015-03-31/event-source-mappings/${uuid}/failed-batches/${batchId}`);
    assert.equal(still.json.State, 'Failed');
    assert.equal(invocations(topic).length, before, 'a dry run invokes nothing');

    const replay = await api('POST', `/2015-03-31/event-source-mappings/${uuid}/replays`, {
      BatchIds: [batchId],
    });
    assert.equal(replay.status, 202);
    const replayId = replay.json.ReplayId as string;
    await waitFor('the replay to complete', async () => {
      const status = await api('GET', `/2015-03-31/event-source-mappings/${uuid}/replays/${replayId}`);
      return status.json.State === 'Completed' && status.json.Replayed === 1;
    });
    const after = await api('GET', `/2015-03-31/event-source-mappings/${uuid}/failed-batches/${batchId}`);
    assert.equal(after.json.State, 'Replayed');
    assert.deepEqual(
      invocations(topic, 'done')
        .flatMap((l) => l.offsets)
        .filter((o) => o === 13),
      [13],
      'the replay delivered the record once',
    );
    const metrics = await (await fetch(`${tb.bridge.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`klb_failure_handed_off_event_count_total\\{mapping="${uuid}"\\} 1\\b`));
    assert.match(metrics, /klb_failure_stored_total [1-9]/);
    assert.match(metrics, /klb_failure_destination_delivered_total [1-9]/);
  });

  it('sends a given-up batch to an http(s) on-failure destination (beyond AWS) and keeps it in the store', async () => {
    const received: Array<Record<string, unknown>> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const topic = uniqueName('http-dlq');
      await createTopic(topic, 1);
      await produce(
        topic,
        Array.from({ length: 3 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
      );
      writeFileSync(join(OUT_DIR, `${topic}.fail-0-1.count`), '1000000');
      const uuid = await createMapping(tb, {
        FunctionName: 'recorder',
        Topics: [topic],
        BatchSize: 3,
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: `http://127.0.0.1:${port}/failures` } },
      });
      await waitCommitted(uuid, topic);
      await waitFor('the failure record', () => received.length >= 1);
      assert.equal(received.length, 1, 'one POST per failed batch');
      const record = received[0] as {
        requestContext: { condition: string };
        KafkaBatchInfo: {
          batchSize: number;
          recordsInfo: Record<string, { firstRecordOffset: string; lastRecordOffset: string }>;
        };
      };
      assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
      assert.equal(record.KafkaBatchInfo.batchSize, 3);
      const info = Object.values(record.KafkaBatchInfo.recordsInfo)[0];
      assert.equal(info?.firstRecordOffset, '0');
      assert.equal(info?.lastRecordOffset, '2');
      const list = await api('GET', `/2015-03-31/event-source-mappings/${uuid}/failed-batches`);
      const batches = list.json.FailedBatches as Array<{ DestinationState: string }>;
      assert.equal(batches.length, 1);
      assert.equal(batches[0]?.DestinationState, 'Delivered');
    } finally {
      server.close();
    }
  });
});

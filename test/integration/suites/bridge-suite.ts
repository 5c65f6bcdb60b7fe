/**
 * The bridge end to end on real Kafka and Redis: every record reaches the function in order per
 * partition, offsets are committed only after success, a failing batch is retried in place while other
 * partitions flow, and the payload is byte-for-byte the reference encoder's. Mappings are created with
 * the real @aws-sdk/client-lambda against the admin API.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { GetEventSourceMappingCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { Redis } from 'ioredis';
import { referenceEncodeMessages } from '../../../src/encode/reference.ts';
import { LOCAL_KAFKA, LOCAL_REDIS } from '../../../tools/services/paths.ts';
import {
  createMapping,
  invocations,
  OUT_DIR,
  startTestBridge,
  TEST_CREDENTIALS,
  type TestBridge,
  waitCommitted,
} from '../../helpers/bridge.ts';
import { BOOTSTRAP, committedOffsets, createTopic, endOffsets, produce } from '../../helpers/kafka.ts';
import { uniqueName, waitFor } from '../../helpers/wait.ts';

export type ConsumerKind = 'native' | 'binding';

/** The bridge end to end, on one consumer adapter (each *.test.ts picks one). */
export function bridgeSuite(consumer: ConsumerKind): void {
  let tb: TestBridge;
  const SECRET_ALICE = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka-alice';
  const SECRET_WRONG = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka-wrong';
  let httpServer: Server;
  const httpBodies: Buffer[] = [];

  before(async () => {
    httpServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        httpBodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const port = (httpServer.address() as { port: number }).port;
    tb = await startTestBridge({
      consumer,
      admin: {
        host: '127.0.0.1',
        port: 0,
        open: true,
        credentials: { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.secretAccessKey },
      },
      functions: { 'http-capture': { url: `http://127.0.0.1:${port}/invoke` } },
      secrets: {
        [SECRET_ALICE]: { username: 'alice', password: 'alice-secret' },
        [SECRET_WRONG]: { username: 'alice', password: 'not-her-password' },
      },
    });
    // Lambda targets (function ARNs) go through the real SDK to the bridge's own Invoke endpoint.
    process.env.AWS_ENDPOINT_URL_LAMBDA = tb.bridge.url;
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  });

  after(async () => {
    await tb?.close();
    httpServer?.close();
  });

  describe(`bridge (${consumer} consumer): consume, batch, invoke, commit`, () => {
    it('delivers 100,000 keyed records on 8 partitions: every offset, in order, committed to the end', async () => {
      const topic = uniqueName('e2e');
      await createTopic(topic, 8);
      const total = 100_000;
      const value = 'x'.repeat(200);
      await produce(
        topic,
        Array.from({ length: total }, (_, i) => ({
          key: `k${i % 1000}`,
          value: `${i}:${value}`,
          headers: { n: String(i) },
        })),
        2000,
      );
      const uuid = await createMapping(tb, { FunctionName: 'recorder', Topics: [topic], BatchSize: 1000 });
      const committed = await waitCommitted(uuid, topic, 180_000);
      const ends = await endOffsets(topic);
      assert.deepEqual(committed, ends, 'committed offsets equal end offsets');

      const seen = new Map<number, number[]>();
      for (const line of invocations(topic)) {
        const list = seen.get(line.partition) ?? [];
        list.push(...line.offsets);
        seen.set(line.partition, list);
      }
      let count = 0;
      for (const [partition, end] of ends) {
        const offsets = seen.get(partition) ?? [];
        count += offsets.length;
        const firstBad = offsets.findIndex((o, k) => o !== k);
        if (firstBad >= 0) {
          const lines = invocations(topic).filter((l) => l.partition === partition);
          const runs = lines.map(
            (l) => `[${l.offsets[0]}..${l.offsets[l.offsets.length - 1]}]#${l.offsets.length}`,
          );
          assert.fail(
            `partition ${partition}: not exactly once in order at index ${firstBad}: ${runs.join(' ')}`,
          );
        }
        assert.equal(offsets.length, end, `partition ${partition}: every offset invoked`);
      }
      assert.equal(count, total);
      const got = await tb.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      assert.equal(got.State, 'Enabled');
      assert.equal(got.LastProcessingResult, 'OK');
    });

    it('retries a failing batch in place until it succeeds; later records of that partition wait, others flow', async () => {
      const topic = uniqueName('retry');
      await createTopic(topic, 4);
      const perPartition = 50;
      await produce(
        topic,
        Array.from({ length: 4 * perPartition }, (_, i) => ({ key: null, value: `v${i}`, partition: i % 4 })),
      );
      writeFileSync(join(OUT_DIR, `${topic}.fail-2-10.count`), '3');
      const uuid = await createMapping(tb, { FunctionName: 'recorder', Topics: [topic], BatchSize: 10 });
      await waitCommitted(uuid, topic);

      const p2 = invocations(topic).filter((l) => l.partition === 2);
      const poisonIdx = p2.findIndex((l) => l.offsets.includes(10));
      const attempts = p2.filter((l) => l.offsets.includes(10));
      assert.equal(attempts.length, 4, 'three failures, then success');
      assert.deepEqual(
        attempts.map((a) => a.fail),
        [true, true, true, false],
      );
      for (const a of attempts) assert.deepEqual(a.offsets, attempts[0]?.offsets, 'the same batch each time');
      // Nothing after the failing batch ran before it succeeded: the next four lines are its retries.
      assert.deepEqual(
        p2.slice(poisonIdx, poisonIdx + 4).map((l) => l.offsets[0]),
        attempts.map((a) => a.offsets[0]),
      );
      const successAt = attempts[3]?.at ?? 0;
      const later = p2.filter((l) => (l.offsets[0] ?? 0) > 10);
      assert.ok(
        later.every((l) => l.at >= successAt),
        'later batches of partition 2 only after the retry succeeded',
      );
      // Other partitions finished while partition 2 was still retrying.
      for (const p of [0, 1, 3]) {
        const lines = invocations(topic).filter((l) => l.partition === p);
        assert.equal(lines.flatMap((l) => l.offsets).length, perPartition);
        assert.ok(
          Math.max(...lines.map((l) => l.at)) < successAt,
          `partition ${p} flowed during the retries`,
        );
      }
      const got = await tb.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      assert.equal(got.LastProcessingResult, 'OK');
    });

    it("invokes a Lambda function through the real SDK (the bridge's own Invoke endpoint)", async () => {
      const topic = uniqueName('lambda');
      await createTopic(topic, 2);
      await produce(
        topic,
        Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
      );
      const uuid = await createMapping(tb, {
        FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:recorder',
        Topics: [topic],
        BatchSize: 7,
      });
      await waitCommitted(uuid, topic);
      const offsets = invocations(topic).flatMap((l) => l.offsets);
      assert.equal(offsets.length, 40);
    });

    it("sends an HTTP target exactly the reference encoder's payload bytes", async () => {
      const topic = uniqueName('http');
      await createTopic(topic, 2);
      const messages = Array.from({ length: 30 }, (_, i) => ({
        partition: i % 2,
        key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
        value: i === 7 ? null : Buffer.from(JSON.stringify({ i, text: 'héllo "quoted" \\ \u0001' })),
        headers: { 'content-type': 'application/json', trace: Buffer.from([0, 127, 128, 255]) },
        timestamp: String(1767225600000 + i),
      }));
      await produce(
        topic,
        messages.map((m) => ({ ...m })),
      );
      const before = httpBodies.length;
      const uuid = await createMapping(tb, { FunctionName: 'http-capture', Topics: [topic], BatchSize: 4 });
      await waitCommitted(uuid, topic);
      const bodies = httpBodies.slice(before).filter((b) => b.includes(Buffer.from(topic)));
      assert.ok(bodies.length >= 8, 'several batches');
      const byPartition = [0, 1].map((p) => messages.filter((m) => m.partition === p));
      let records = 0;
      for (const body of bodies) {
        const event = JSON.parse(body.toString('utf8')) as {
          records: Record<string, Array<{ partition: number; offset: number }>>;
        };
        const [key, recs] = Object.entries(event.records)[0] ?? [];
        assert.ok(key && recs);
        const partition = recs[0]?.partition ?? -1;
        const expectedMessages = recs.map((r) => {
          const m = byPartition[partition]?.[r.offset];
          assert.ok(m);
          return {
            topic,
            partition,
            offset: r.offset,
            timestamp: Number(m.timestamp),
            timestampType: 1 as const,
            key: m.key,
            value: m.value,
            headers: Object.entries(m.headers).map(([name, v]) => ({ [name]: Buffer.from(v) })),
          };
        });
        const expected = referenceEncodeMessages(expectedMessages, {
          eventSource: 'SelfManagedKafka',
          bootstrapServers: BOOTSTRAP,
        });
        assert.equal(expected.payloads.length, 1);
        assert.equal(body.toString('utf8'), Buffer.from(expected.payloads[0]?.bytes ?? []).toString('utf8'));
        records += recs.length;
      }
      assert.equal(records, 30);
    });

    it('applies updates to a running mapping without a restart: BatchSize, disable, enable', async () => {
      const topic = uniqueName('update');
      await createTopic(topic, 1);
      await produce(
        topic,
        Array.from({ length: 30 }, (_, i) => ({ key: null, value: `a${i}` })),
      );
      const uuid = await createMapping(tb, { FunctionName: 'recorder', Topics: [topic], BatchSize: 10 });
      await waitCommitted(uuid, topic);
      assert.ok(invocations(topic).every((l) => l.offsets.length <= 10));
      const state = async () =>
        (await tb.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State;
      await waitFor('Enabled', async () => (await state()) === 'Enabled');

      await tb.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 3 }));
      await waitFor('Enabled after the update', async () => (await state()) === 'Enabled');
      await produce(
        topic,
        Array.from({ length: 9 }, (_, i) => ({ key: null, value: `b${i}` })),
      );
      await waitCommitted(uuid, topic);
      const afterUpdate = invocations(topic).filter((l) => (l.offsets[0] ?? 0) >= 30);
      assert.ok(
        afterUpdate.length >= 3 && afterUpdate.every((l) => l.offsets.length <= 3),
        'new BatchSize in force',
      );

      await tb.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
      await waitFor('Disabled', async () => (await state()) === 'Disabled');
      const before = invocations(topic).length;
      await produce(
        topic,
        Array.from({ length: 5 }, (_, i) => ({ key: null, value: `c${i}` })),
      );
      const ends = await endOffsets(topic);
      assert.equal(
        (await committedOffsets(uuid, topic)).get(0),
        (ends.get(0) ?? 0) - 5,
        'nothing consumed while disabled',
      );
      assert.equal(invocations(topic).length, before);

      await tb.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
      await waitFor('Enabled again', async () => (await state()) === 'Enabled');
      await waitCommitted(uuid, topic);
      const offsets = invocations(topic).flatMap((l) => l.offsets);
      assert.deepEqual(
        offsets,
        Array.from({ length: 44 }, (_, i) => i),
        'resumed from the committed offset, no gap, no repeat',
      );
    });

    it('reports "PROBLEM: Function call failed" while a batch fails, then "OK"', async () => {
      const topic = uniqueName('problem');
      await createTopic(topic, 1);
      await produce(topic, [{ key: null, value: 'poison' }]);
      writeFileSync(join(OUT_DIR, `${topic}.fail-0-0.count`), '1000000');
      const uuid = await createMapping(tb, { FunctionName: 'recorder', Topics: [topic], BatchSize: 1 });
      const result = async () =>
        (await tb.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).LastProcessingResult;
      await waitFor('PROBLEM', async () => (await result()) === 'PROBLEM: Function call failed');
      // Beyond AWS: the partition's own health names the batch, its attempts and the error.
      const health = await waitFor('partition health', async () => {
        const res = await fetch(`${tb.bridge.url}/2015-03-31/event-source-mappings/${uuid}/partitions`);
        const body = (await res.json()) as { Partitions: Array<Record<string, unknown>> };
        const p0 = body.Partitions.find((p) => p.Partition === 0);
        return p0 && Number(p0.FailedAttempts) >= 2 ? p0 : undefined;
      });
      assert.equal(health.State, 'Retrying');
      assert.equal((health.InFlight as { FirstOffset: number } | undefined)?.FirstOffset, 0);
      assert.match(String(health.LastError), /function-error/);
      assert.equal(
        (await committedOffsets(uuid, topic)).get(0) ?? -1,
        -1,
        'nothing committed while the batch fails',
      );
      writeFileSync(join(OUT_DIR, `${topic}.fail-0-0.count`), '0');
      await waitCommitted(uuid, topic);
      await waitFor('OK', async () => (await result()) === 'OK');
    });

    it('StartingPosition AT_TIMESTAMP starts at the first record at or after the timestamp', async () => {
      const topic = uniqueName('at-ts');
      await createTopic(topic, 1);
      const t0 = Date.now() - 60_000;
      await produce(
        topic,
        Array.from({ length: 20 }, (_, i) => ({
          key: null,
          value: `v${i}`,
          timestamp: String(t0 + i * 1000),
        })),
      );
      const uuid = await createMapping(tb, {
        FunctionName: 'recorder',
        Topics: [topic],
        StartingPosition: 'AT_TIMESTAMP',
        StartingPositionTimestamp: new Date(t0 + 12_000),
        BatchSize: 100,
      });
      await waitCommitted(uuid, topic);
      assert.deepEqual(
        invocations(topic).flatMap((l) => l.offsets),
        Array.from({ length: 8 }, (_, i) => 12 + i),
      );
    });

    it('connects with SCRAM-SHA-512 over TLS from SourceAccessConfigurations; a wrong password shows as a PROBLEM', async () => {
      const topic = uniqueName('scram');
      await createTopic(topic, 1);
      await produce(
        topic,
        Array.from({ length: 12 }, (_, i) => ({ key: null, value: `s${i}` })),
      );
      const tlsAuth = [
        { Type: 'SASL_SCRAM_512_AUTH' as const, URI: SECRET_ALICE },
        { Type: 'SERVER_ROOT_CA_CERTIFICATE' as const, URI: pathToFileURL(LOCAL_KAFKA.caPem).href },
      ];
      const uuid = await createMapping(tb, {
        FunctionName: 'recorder',
        Topics: [topic],
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [LOCAL_KAFKA.saslSsl] } },
        SourceAccessConfigurations: tlsAuth,
      });
      await waitCommitted(uuid, topic);
      assert.equal(invocations(topic).flatMap((l) => l.offsets).length, 12);

      const wrong = await createMapping(tb, {
        FunctionName: 'recorder',
        Topics: [topic],
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: [LOCAL_KAFKA.saslPlaintext] } },
        SourceAccessConfigurations: [{ Type: 'SASL_SCRAM_512_AUTH', URI: SECRET_WRONG }],
      });
      await waitFor(
        'the authentication problem to be reported',
        async () =>
          (await tb.lambda.send(new GetEventSourceMappingCommand({ UUID: wrong }))).LastProcessingResult ===
          'PROBLEM: SASL authentication failed.',
        // The binding adapter learns of an auth failure only at its connect timeout, then retries.
        { timeoutMs: 120_000, intervalMs: 250 },
      );
    });

    it('rewinds to the committed offset when Redis loses the in-flight batch: duplicates, never loss', async () => {
      const topic = uniqueName('redis-loss');
      await createTopic(topic, 1);
      await produce(
        topic,
        Array.from({ length: 20 }, (_, i) => ({ key: null, value: `r${i}` })),
      );
      const slow = join(OUT_DIR, `${topic}.slow-ms`);
      writeFileSync(slow, '1500');
      const uuid = await createMapping(tb, { FunctionName: 'recorder', Topics: [topic], BatchSize: 5 });
      await waitFor('the first invocation', () => invocations(topic).length >= 1, { timeoutMs: 30_000 });
      // Lose every Redis key of this mapping's in-flight work (queue, jobs, payload bytes).
      const redis = new Redis({ host: LOCAL_REDIS.host, port: LOCAL_REDIS.port });
      try {
        for (const pattern of [`${tb.prefix}:esm-${uuid}*`, `${tb.prefix}:payload:${uuid}*`]) {
          const keys = await redis.keys(pattern);
          if (keys.length > 0) await redis.del(...keys);
        }
      } finally {
        redis.disconnect();
      }
      rmSync(slow);
      await waitCommitted(uuid, topic);
      const counts = new Map<number, number>();
      for (const o of invocations(topic).flatMap((l) => l.offsets)) counts.set(o, (counts.get(o) ?? 0) + 1);
      for (let o = 0; o < 20; o += 1) assert.ok((counts.get(o) ?? 0) >= 1, `offset ${o} delivered`);
    });
  });
}

/**
 * Proves the test bed is real: a KRaft broker with PLAINTEXT, SCRAM and TLS listeners, and Redis
 * that BullMQ can use. Every later integration test stands on these facts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { LOCAL_KAFKA, LOCAL_REDIS } from '../../tools/services/paths.ts';
import { createTopic, KafkaJS, produce } from '../helpers/kafka.ts';
import { uniqueName } from '../helpers/wait.ts';

const quiet = KafkaJS.logLevel.NOTHING;

describe('test bed: Kafka', () => {
  it('creates a 3-partition topic, takes 1,000 keyed records with headers and gives them back in order per partition', async () => {
    const topic = uniqueName('bed');
    await createTopic(topic, 3);
    const sent = Array.from({ length: 1000 }, (_, i) => ({
      key: `key-${i % 17}`,
      value: `value-${i}`,
      headers: { seq: String(i), source: 'testbed' },
    }));
    await produce(topic, sent);

    const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [LOCAL_KAFKA.plaintext], logLevel: quiet } });
    const consumer = kafka.consumer({ kafkaJS: { groupId: uniqueName('bed-group'), fromBeginning: true } });
    const got = new Map<number, { offset: number; seq: number; key: string }[]>();
    let count = 0;
    await consumer.connect();
    await consumer.subscribe({ topic });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const list = got.get(partition) ?? [];
          list.push({
            offset: Number(message.offset),
            seq: Number(message.headers?.seq?.toString()),
            key: message.key?.toString() ?? '',
          });
          got.set(partition, list);
          count += 1;
          if (count === sent.length) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    assert.equal(got.size, 3, 'records spread over all three partitions');
    for (const [partition, list] of got) {
      for (let i = 1; i < list.length; i += 1) {
        const prev = list[i - 1];
        const cur = list[i];
        assert.ok(prev && cur);
        assert.equal(cur.offset, prev.offset + 1, `offsets contiguous on partition ${partition}`);
        assert.ok(cur.seq > prev.seq, `producer order kept on partition ${partition}`);
      }
    }
    const keysPerPartition = new Map<string, number>();
    for (const [partition, list] of got) for (const r of list) keysPerPartition.set(r.key, partition);
    assert.equal(keysPerPartition.size, 17, 'each key lives on exactly one partition');
  });

  const connectAdmin = async (config: Record<string, unknown>) => {
    const kafka = new KafkaJS.Kafka(config);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const topics = await admin.listTopics();
      return topics;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  it('SCRAM-SHA-512 on SASL_PLAINTEXT accepts the right password and rejects a wrong one', async () => {
    const base = (password: string) => ({
      'socket.connection.setup.timeout.ms': 5000,
      kafkaJS: {
        brokers: [LOCAL_KAFKA.saslPlaintext],
        logLevel: quiet,
        sasl: { mechanism: 'scram-sha-512', username: 'alice', password },
      },
    });
    assert.ok(Array.isArray(await connectAdmin(base('alice-secret'))));
    await assert.rejects(connectAdmin(base('wrong-password')));
  });

  it('SCRAM-SHA-256 on SASL_SSL accepts a client that trusts the test CA', async () => {
    const topics = await connectAdmin({
      'ssl.ca.location': LOCAL_KAFKA.caPem,
      kafkaJS: {
        brokers: [LOCAL_KAFKA.saslSsl],
        logLevel: quiet,
        ssl: true,
        sasl: { mechanism: 'scram-sha-256', username: 'bob', password: 'bob-secret' },
      },
    });
    assert.ok(Array.isArray(topics));
  });

  it('TLS accepts the test CA (with and without a client certificate) and rejects an untrusted CA', async () => {
    const tls = (extra: Record<string, unknown>) => ({
      'socket.connection.setup.timeout.ms': 5000,
      ...extra,
      kafkaJS: { brokers: [LOCAL_KAFKA.ssl], logLevel: quiet, ssl: true },
    });
    assert.ok(Array.isArray(await connectAdmin(tls({ 'ssl.ca.location': LOCAL_KAFKA.caPem }))));
    assert.ok(
      Array.isArray(
        await connectAdmin(
          tls({
            'ssl.ca.location': LOCAL_KAFKA.caPem,
            'ssl.certificate.location': LOCAL_KAFKA.clientCertPem,
            'ssl.key.location': LOCAL_KAFKA.clientKeyPem,
          }),
        ),
      ),
    );
    await assert.rejects(connectAdmin(tls({ 'ssl.ca.location': LOCAL_KAFKA.otherCaPem })));
  });
});

describe('test bed: Redis', () => {
  const connection = { host: LOCAL_REDIS.host, port: LOCAL_REDIS.port, maxRetriesPerRequest: null };
  const redis = new Redis(connection);
  after(async () => {
    await redis.quit();
  });

  it('runs with noeviction and AOF, as BullMQ needs', async () => {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    assert.equal(policy[1], 'noeviction');
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    assert.equal(aof[1], 'yes');
  });

  it('carries a BullMQ job round trip: add, process, result', async () => {
    const name = uniqueName('bed-queue');
    const prefix = uniqueName('klb-test');
    const queue = new Queue(name, { connection, prefix });
    const events = new QueueEvents(name, { connection, prefix });
    const worker = new Worker(name, async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), {
      connection,
      prefix,
    });
    try {
      await events.waitUntilReady();
      const job = await queue.add('double', { n: 21 });
      const result = await job.waitUntilFinished(events, 10_000);
      assert.deepEqual(result, { doubled: 42 });
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

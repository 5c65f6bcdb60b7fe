/**
 * Failure handling on real Redis and Kafka: the failed-batch store (binary round trip, retention, a
 * Redis failure makes put throw), the kafka:// on-failure destination (consumed back), and replay to a
 * local function (recorder.mjs): marks batches replayed, a dry run changes nothing, a stopped replay
 * resumes on a new runner, and a runner that dies between invoke and settle never gets its batch
 * invoked again. Every test uses its own Redis prefix and topics, and cleans up.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pack } from '../../src/encode/pack.ts';
import { referenceEncoder } from '../../src/encode/reference.ts';
import { FailureDestinations } from '../../src/failure/destination.ts';
import { FailureHandler } from '../../src/failure/handler.ts';
import { ReplayService } from '../../src/failure/replay.ts';
import { ReplayJobs } from '../../src/failure/replay-jobs.ts';
import { ReplayRunner } from '../../src/failure/replay-runner.ts';
import { FailedBatchStore } from '../../src/failure/store.ts';
import { createTargetResolver } from '../../src/invoke/resolve.ts';
import { silentLogger } from '../../src/log.ts';
import type { Mapping } from '../../src/mapping/types.ts';
import { LOCAL_REDIS } from '../../tools/services/paths.ts';
import { FUNCTIONS_DIR, invocations, OUT_DIR } from '../helpers/bridge.ts';
import { BOOTSTRAP, createTopic, KafkaJS } from '../helpers/kafka.ts';
import { uniqueName, waitFor } from '../helpers/wait.ts';
import { mapping as baseMapping } from '../unit/failure/fixtures.ts';

const redis = new Redis({ ...LOCAL_REDIS, lazyConnect: true });
const prefixes: string[] = [];
const topics: string[] = [];
const targets = createTargetResolver({
  functionsDir: FUNCTIONS_DIR,
  functions: {},
  region: 'us-east-1',
  timeoutMs: 30_000,
});

function prefix(): string {
  const p = `${uniqueName('klbt-failed')}:`;
  prefixes.push(p);
  return p;
}

/** A self-managed mapping on the local broker, invoking recorder.mjs. */
function mapping(topic: string, overrides: Partial<Mapping> = {}): Mapping {
  const { eventSourceArn: _msk, ...base } = baseMapping();
  return {
    ...base,
    uuid: uniqueName('m'),
    eventSource: 'SelfManagedKafka',
    bootstrapServers: [BOOTSTRAP],
    functionName: 'recorder',
    topic,
    ...overrides,
  };
}

/** `count` single-partition batches of `size` records of `topic`, offsets 0,1,2,… */
function batches(topic: string, count: number, size = 2): Uint8Array[] {
  return Array.from({ length: count }, (_, b) =>
    pack(
      Array.from({ length: size }, (_, i) => ({
        topic,
        partition: 0,
        offset: b * size + i,
        timestamp: 1_767_225_600_000 + b * size + i,
        timestampType: 1 as const,
        key: `k${b * size + i}`,
        value: JSON.stringify({ n: b * size + i }),
      })),
    ),
  );
}

async function putAll(store: FailedBatchStore, m: Mapping, packed: Uint8Array[]): Promise<string[]> {
  const ids: string[] = [];
  for (const p of packed) {
    ids.push(
      await store.put({
        mappingId: m.uuid,
        functionArn: m.functionArn,
        packed: p,
        condition: 'RetryAttemptsExhausted',
        error: 'Unhandled: boom',
        attempts: [{ atMs: 1, error: 'boom' }],
        approximateInvokeCount: 3,
      }),
    );
  }
  return ids;
}

/** Every offset the recorder saw for `topic`, in invocation order. */
const seenOffsets = (topic: string): number[] => invocations(topic).flatMap((l) => l.offsets);

function replaySetup(p: string, client: Redis = redis, runnerOptions: { leaseMs?: number } = {}) {
  const store = new FailedBatchStore({ redis: client, prefix: p });
  const jobs = new ReplayJobs(client, store.keys, 3_600_000);
  const runner = new ReplayRunner({
    jobs,
    store,
    encoder: referenceEncoder,
    targets,
    logger: silentLogger,
    scanIntervalMs: 100,
    ...runnerOptions,
  });
  const service = new ReplayService({ store, jobs, encoder: referenceEncoder, runner });
  return { store, jobs, runner, service };
}

before(async () => {
  await redis.connect();
});

after(async () => {
  for (const p of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
  redis.disconnect();
  await targets.close();
  if (topics.length > 0) {
    const admin = new KafkaJS.Kafka({
      kafkaJS: { brokers: [BOOTSTRAP], logLevel: KafkaJS.logLevel.NOTHING },
    }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
});

describe('failed-batch store', () => {
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  it('round-trips records with every byte value in key, value and header', async () => {
    const store = new FailedBatchStore({ redis, prefix: prefix() });
    const packed = pack([
      {
        topic: 't',
        partition: 4,
        offset: 10,
        timestamp: 5,
        timestampType: 1,
        key: every,
        value: every,
        headers: [{ bin: every }],
      },
      { topic: 't', partition: 4, offset: 11, key: null, value: null },
    ]);
    const id = await store.put({
      mappingId: 'm1',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      packed,
      condition: 'RetryAttemptsExhausted',
      error: 'Unhandled: boom',
      attempts: [{ atMs: 1, error: 'boom' }],
      approximateInvokeCount: 2,
    });
    assert.equal(id, '4-10-11');
    const raw = await store.getPacked('m1', id);
    assert.ok(raw);
    assert.ok(Buffer.from(raw.packed).equals(Buffer.from(packed)), 'packed bytes byte-exact');
    const got = await store.get('m1', id);
    assert.ok(got);
    const [first, second] = got.records;
    assert.ok(Buffer.from(String(first?.key), 'base64').equals(every));
    assert.ok(Buffer.from(String(first?.value), 'base64').equals(every));
    assert.ok(Buffer.from(String(first?.headers[0]?.value), 'base64').equals(every));
    assert.equal(second?.key, null);
    assert.equal(second?.value, null);
    assert.equal(got.recordCount, 2);
    assert.equal(got.state, 'failed');
    assert.deepEqual(got.attempts, [{ atMs: 1, error: 'boom' }]);

    const page = await store.list('m1', { partition: 4 });
    assert.deepEqual(
      page.batches.map((b) => b.id),
      [id],
    );
    assert.equal(await store.delete('m1', id), true);
    assert.equal(await store.get('m1', id), undefined);
    assert.equal(await store.delete('m1', id), false);
  });

  it('a second put of the same batch replaces the first (idempotent hand-off)', async () => {
    const store = new FailedBatchStore({ redis, prefix: prefix() });
    const m = mapping('t');
    const [b] = batches('t', 1);
    const [a1] = await putAll(store, m, [b as Uint8Array]);
    const [a2] = await putAll(store, m, [b as Uint8Array]);
    assert.equal(a1, a2);
    assert.equal((await store.list(m.uuid)).batches.length, 1);
  });

  it('keeps the newest per mapping and drops old batches on put and by trim()', async () => {
    const p = prefix();
    let now = 1_000_000;
    const store = new FailedBatchStore({
      redis,
      prefix: p,
      maxPerMapping: 3,
      maxAgeMs: 60_000,
      clock: () => now,
    });
    const m = mapping('t');
    for (const b of batches('t', 5)) {
      await putAll(store, m, [b]);
      now += 1000;
    }
    const kept = (await store.list(m.uuid)).batches.map((b) => b.id);
    assert.deepEqual(kept, ['0-4-5', '0-6-7', '0-8-9']);
    const pages = await store.list(m.uuid, { limit: 2 });
    assert.equal(pages.batches.length, 2);
    assert.ok(pages.nextMarker);
    const rest = await store.list(m.uuid, { limit: 2, marker: pages.nextMarker });
    assert.deepEqual(
      rest.batches.map((b) => b.id),
      ['0-8-9'],
    );

    now += 120_000;
    assert.equal(await store.trim(), 3);
    assert.deepEqual((await store.list(m.uuid)).batches, []);
    const [, leftover] = await redis.scan('0', 'MATCH', `${p}*`, 'COUNT', 1000);
    assert.deepEqual(leftover, [], 'no batch keys, index or mapping entry left');
  });

  it('put throws REDIS_FAILED when Redis is unreachable, so the caller never commits past the batch', async () => {
    const port = await closedPort();
    const down = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const store = new FailedBatchStore({ redis: down, prefix: prefix() });
    const [b] = batches('t', 1);
    await assert.rejects(putAll(store, mapping('t'), [b as Uint8Array]), { code: 'REDIS_FAILED' });

    // The bridge's own client waits forever for Redis (BullMQ needs that): the store's deadline still fires.
    const waiting = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: null });
    waiting.on('error', () => undefined);
    void waiting.connect().catch(() => undefined);
    const slow = new FailedBatchStore({ redis: waiting, prefix: prefix(), timeoutMs: 300 });
    const handler = new FailureHandler({
      store: slow,
      destinations: { send: async () => 'none' },
      logger: silentLogger,
    });
    const started = Date.now();
    await assert.rejects(
      handler.handOff({
        mapping: mapping('t'),
        packed: b as Uint8Array,
        condition: 'RetryAttemptsExhausted',
        error: 'x',
        attempts: [],
        approximateInvokeCount: 1,
      }),
      { code: 'REDIS_FAILED' },
    );
    assert.ok(Date.now() - started < 5000);
    down.disconnect();
    waiting.disconnect();
  });
});

describe('kafka:// on-failure destination', () => {
  it('writes one message per failed record with the original key and the AWS shape', async () => {
    const source = uniqueName('klbt-src');
    const dlq = uniqueName('klbt-dlq');
    topics.push(dlq);
    await createTopic(dlq, 2);
    const store = new FailedBatchStore({ redis, prefix: prefix() });
    const destinations = new FailureDestinations({
      connectionOf: (m) => ({ bootstrapServers: [...m.bootstrapServers], protocol: 'PLAINTEXT' }),
      encoder: referenceEncoder,
      logger: silentLogger,
    });
    const handler = new FailureHandler({ store, destinations, logger: silentLogger });
    const m = mapping(source, { onFailureDestination: `kafka://${dlq}` });
    const keyBytes = Buffer.from([0, 255, 1, 254]);
    const packed = pack([
      {
        topic: source,
        partition: 3,
        offset: 40,
        timestamp: 1_767_225_600_123,
        timestampType: 1,
        key: 'order-42',
        value: '{"id":42}',
      },
      {
        topic: source,
        partition: 3,
        offset: 41,
        timestamp: 1_767_225_600_124,
        timestampType: 1,
        key: keyBytes,
        value: 'x',
      },
      {
        topic: source,
        partition: 3,
        offset: 42,
        timestamp: 1_767_225_600_125,
        timestampType: 1,
        value: 'no key',
      },
    ]);
    try {
      const result = await handler.handOff({
        mapping: m,
        packed,
        condition: 'RetryAttemptsExhausted',
        error: 'Unhandled',
        attempts: [],
        approximateInvokeCount: 4,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      });
      assert.equal(result.destination, 'delivered');
      assert.equal((await store.getMeta(m.uuid, result.storedId))?.destination, 'delivered');
    } finally {
      await destinations.close();
    }

    const consumer = new KafkaJS.Kafka({
      kafkaJS: { brokers: [BOOTSTRAP], logLevel: KafkaJS.logLevel.NOTHING },
    }).consumer({
      kafkaJS: { groupId: uniqueName('klbt-g'), fromBeginning: true },
    });
    const got: { key: Buffer | null; value: Buffer | null }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: dlq });
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push({ key: message.key, value: message.value });
        },
      });
      await waitFor('three failure messages', () => got.length >= 3, { timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    assert.equal(got.length, 3);
    const byOffset = new Map(
      got.map((g) => {
        const v = JSON.parse(String(g.value));
        return [v.KafkaBatchInfo.recordInfo.offset as string, { key: g.key, v }];
      }),
    );
    assert.equal(byOffset.get('40')?.key?.toString(), 'order-42');
    assert.ok(byOffset.get('41')?.key?.equals(keyBytes));
    assert.equal(byOffset.get('42')?.key, null);
    const v = byOffset.get('40')?.v;
    assert.equal(v.version, '1.0');
    assert.deepEqual(v.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(v.requestContext.approximateInvokeCount, 4);
    assert.equal(v.requestContext.functionArn, m.functionArn);
    assert.deepEqual(v.responseContext, {
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    assert.equal(v.KafkaBatchInfo.batchSize, 1);
    assert.equal(v.KafkaBatchInfo.bootstrapServers, BOOTSTRAP);
    assert.equal('eventSourceArn' in v.KafkaBatchInfo, false);
    assert.equal(v.KafkaBatchInfo.recordInfo.timestamp, '2026-01-01T00:00:00.123Z');
    assert.equal(v.payload.eventSource, 'SelfManagedKafka');
    const records = v.payload.records[`${source}-3`];
    assert.equal(records.length, 1);
    assert.equal(records[0].offset, 40);
    assert.equal(Buffer.from(records[0].value, 'base64').toString(), '{"id":42}');
  });
});

describe('replay', () => {
  it('replays to a local function and marks the batches replayed', async () => {
    const topic = uniqueName('klbt-replay');
    const r = replaySetup(prefix());
    const m = mapping(topic);
    const ids = await putAll(r.store, m, batches(topic, 3));
    r.runner.start();
    try {
      const job = await r.service.create(m, { filter: {}, ratePerSecond: 100 });
      await waitFor(
        'replay completed',
        async () => (await r.service.status(m.uuid, job.replayId))?.state === 'Completed',
      );
      const status = await r.service.status(m.uuid, job.replayId);
      assert.equal(status?.replayed, 3);
      assert.deepEqual(seenOffsets(topic), [0, 1, 2, 3, 4, 5]);
      for (const id of ids) {
        const meta = await r.store.getMeta(m.uuid, id);
        assert.equal(meta?.state, 'replayed');
        assert.equal(meta?.replayCount, 1);
        assert.ok(meta?.replayedAtMs);
      }
      // A filter selection takes only failed batches: nothing is left to replay.
      await assert.rejects(r.service.create(m, { filter: {} }), { code: 'INVALID_PARAMETER' });
    } finally {
      await r.runner.close();
    }
  });

  it('a dry run reports the plan and changes nothing', async () => {
    const topic = uniqueName('klbt-dry');
    const p = prefix();
    const r = replaySetup(p);
    const m = mapping(topic);
    const ids = await putAll(r.store, m, batches(topic, 2));
    const snapshot = async () => {
      const keys = (await redis.keys(`${p}*`)).sort();
      const values = await Promise.all(
        keys.map(async (k) =>
          (await redis.type(k)) === 'hash' ? JSON.stringify(await redis.hgetall(k)) : k,
        ),
      );
      return JSON.stringify([keys, values]);
    };
    const before = await snapshot();
    const plan = await r.service.plan(m, { batchIds: [...ids, '0-99-99'], functionName: 'recorder' });
    assert.deepEqual(
      plan.batches.map((b) => b.action),
      ['Send', 'Send', 'Missing'],
    );
    assert.equal(plan.toSend, 2);
    assert.equal(await snapshot(), before);
    assert.deepEqual(invocations(topic), []);
  });

  it('a replay stopped mid-way resumes on a new runner and invokes no batch twice', async () => {
    const topic = uniqueName('klbt-resume');
    const p = prefix();
    const first = replaySetup(p);
    const m = mapping(topic);
    await putAll(first.store, m, batches(topic, 6, 1));
    first.runner.start();
    const job = await first.service.create(m, { filter: {}, ratePerSecond: 4 });
    await waitFor('two batches replayed', () => invocations(topic).length >= 2);
    await first.runner.close();
    const mid = await first.service.status(m.uuid, job.replayId);
    assert.equal(mid?.state, 'Running');
    assert.ok((mid?.done ?? 0) < 6, 'stopped before the end');

    const client = new Redis({ ...LOCAL_REDIS });
    const second = replaySetup(p, client);
    second.runner.start();
    try {
      await waitFor(
        'replay completed',
        async () => (await second.service.status(m.uuid, job.replayId))?.state === 'Completed',
      );
      const done = await second.service.status(m.uuid, job.replayId);
      assert.equal(done?.replayed, 6);
      assert.deepEqual(seenOffsets(topic), [0, 1, 2, 3, 4, 5]);
    } finally {
      await second.runner.close();
      client.disconnect();
    }
  });

  it('a runner that dies between invoke and settle: its batch is Interrupted, never invoked again', async () => {
    const topic = uniqueName('klbt-crash');
    const p = prefix();
    const dying = new Redis({ ...LOCAL_REDIS });
    const first = replaySetup(p, dying, { leaseMs: 1000 });
    const m = mapping(topic);
    await putAll(first.store, m, batches(topic, 3, 1));
    writeFileSync(join(OUT_DIR, `${topic}.slow-ms`), '1500');
    first.runner.start();
    const job = await first.service.create(m, { filter: {}, ratePerSecond: 100 });
    await waitFor('first invoke under way', () => invocations(topic).length === 1);
    dying.disconnect(); // the process "dies": its settle never reaches Redis
    await first.runner.close();
    writeFileSync(join(OUT_DIR, `${topic}.slow-ms`), '0');

    const second = replaySetup(p, redis, { leaseMs: 1000 });
    second.runner.start();
    try {
      await waitFor(
        'replay completed',
        async () => (await second.service.status(m.uuid, job.replayId))?.state === 'Completed',
        {
          timeoutMs: 30_000,
        },
      );
      const status = await second.service.status(m.uuid, job.replayId);
      assert.deepEqual(
        status?.results.map((x) => x.status),
        ['Interrupted', 'Replayed', 'Replayed'],
      );
      assert.deepEqual(seenOffsets(topic), [0, 1, 2], 'offset 0 invoked once, by the dead runner only');
      const meta = await second.store.getMeta(m.uuid, '0-0-0');
      assert.equal(meta?.state, 'failed', 'an interrupted batch stays failed, for an explicit replay');
      assert.equal(meta?.replayCount, 1);
    } finally {
      await second.runner.close();
    }
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

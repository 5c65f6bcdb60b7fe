/**
 * Both BatchConsumer adapters against the real local broker (node tools/services/cli.ts up).
 * Every case runs for 'native' and 'binding'; topics and groups are unique per test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { clientConfig, type KafkaConnection } from '../../src/kafka/client-config.ts';
import type { BatchConsumer, RawBatch, RebalanceEvent } from '../../src/kafka/consumer.ts';
import { type ConsumerKind, createConsumer } from '../../src/kafka/create-consumer.ts';
import { silentLogger } from '../../src/log.ts';
import { LOCAL_KAFKA } from '../../tools/services/paths.ts';
import { createTopic, produce } from '../helpers/kafka.ts';
import { type RawRecord, readRawBatch } from '../helpers/raw-batch.ts';
import { uniqueName, waitFor } from '../helpers/wait.ts';

const PLAINTEXT: KafkaConnection = { bootstrapServers: [LOCAL_KAFKA.plaintext], protocol: 'PLAINTEXT' };

class Recorder {
  readonly rebalances: RebalanceEvent[] = [];
  readonly errors: Error[] = [];
  onRebalance(e: RebalanceEvent): void {
    this.rebalances.push(e);
  }
  onError(e: Error): void {
    this.errors.push(e);
  }
  get generation(): number {
    return this.rebalances.at(-1)?.generation ?? 0;
  }
}

const open: BatchConsumer[] = [];
after(async () => {
  await Promise.all(open.map((c) => c.disconnect()));
});

function make(
  kind: ConsumerKind,
  group: string,
  rec = new Recorder(),
  connection = PLAINTEXT,
  extra: Record<string, string> = {},
) {
  const consumer = createConsumer({
    prefer: kind,
    config: { ...clientConfig(connection), 'group.id': group, 'auto.offset.reset': 'earliest', ...extra },
    listener: rec,
    logger: silentLogger,
    connectTimeoutMs: 15_000,
  });
  open.push(consumer);
  return { consumer, rec };
}

/** Polls, checks each batch against its own header fields, and collects its records. */
async function pollOnce(c: BatchConsumer, rec: Recorder, into: RawRecord[], max = 500, timeoutMs = 200) {
  const batches: RawBatch[] = await c.poll(max, timeoutMs);
  for (const b of batches) {
    const records = readRawBatch(b.data);
    assert.equal(records.length, b.count);
    assert.equal(records[0]?.offset, b.firstOffset);
    assert.equal(records.at(-1)?.offset, b.lastOffset);
    assert.equal(b.generation, rec.generation, 'a batch carries the generation of the last rebalance');
    for (const r of records) assert.deepEqual([r.topic, r.partition], [b.topic, b.partition]);
    into.push(...records);
  }
  return batches;
}

async function collect(c: BatchConsumer, rec: Recorder, count: number, max = 500): Promise<RawRecord[]> {
  const all: RawRecord[] = [];
  const enough = async () => {
    await pollOnce(c, rec, all, max);
    return all.length >= count;
  };
  await waitFor(`${count} records`, enough, {
    timeoutMs: 30_000,
    intervalMs: 0,
  });
  return all;
}

const byPartition = (records: RawRecord[], p: number) =>
  records.filter((r) => r.partition === p).map((r) => r.offset);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function topicWith(partitions: number, perPartition: number): Promise<string> {
  const topic = uniqueName('consumer-it');
  await createTopic(topic, partitions);
  const records = [];
  for (let i = 0; i < perPartition; i++) {
    for (let p = 0; p < partitions; p++) {
      records.push({
        key: `k-${p}-${i}`,
        value: `v-${p}-${i}`,
        partition: p,
        headers: { seq: String(i), part: `${p}` },
      });
    }
  }
  await produce(topic, records);
  return topic;
}

const text = (u: Uint8Array | null) => (u === null ? null : Buffer.from(u).toString());

for (const kind of ['native', 'binding'] as const) {
  describe(`${kind} consumer`, { concurrency: false }, () => {
    it('consumes a 3-partition topic exactly, in order per partition, keys and headers intact', async () => {
      const topic = await topicWith(3, 100);
      const { consumer, rec } = make(kind, uniqueName('g'));
      await consumer.connect();
      consumer.subscribe([topic]);
      const all = await collect(consumer, rec, 300, 70);
      assert.equal(all.length, 300);
      for (const p of [0, 1, 2]) {
        assert.deepEqual(byPartition(all, p), range(0, 100));
        const mine = all.filter((r) => r.partition === p);
        mine.forEach((r, i) => {
          assert.equal(text(r.key), `k-${p}-${i}`);
          assert.equal(text(r.value), `v-${p}-${i}`);
          assert.deepEqual(
            r.headers.map((h) => [h.name, text(h.value)]),
            [
              ['seq', String(i)],
              ['part', String(p)],
            ],
          );
          assert.equal(r.timestampType, 1);
          assert.ok(r.timestamp > 1_600_000_000_000);
        });
      }
      assert.deepEqual(
        rec.rebalances.map((e) => [e.kind, e.partitions.length]),
        [['assign', 3]],
      );
      assert.deepEqual(
        consumer.assignment().map((p) => p.partition),
        [0, 1, 2],
      );
      const wm = await consumer.watermarks({ topic, partition: 1 }, 5000);
      assert.deepEqual(wm, { low: 0, high: 100 });
      await consumer.disconnect();
    });

    it('labels records of a LogAppendTime topic LOG_APPEND_TIME, with the broker time', async () => {
      const topic = uniqueName('log-append');
      await createTopic(topic, 1, { 'message.timestamp.type': 'LogAppendTime' });
      const before = Date.now();
      // The producer's CreateTime (2026-01-01) is replaced by the broker's append time.
      await produce(
        topic,
        [0, 1, 2].map((i) => ({ key: null, value: `v${i}`, timestamp: '1767225600000' })),
      );
      const { consumer, rec } = make(kind, uniqueName('g'));
      await consumer.connect();
      consumer.subscribe([topic]);
      const all = await collect(consumer, rec, 3);
      assert.deepEqual(
        all.map((r) => r.timestampType),
        [2, 2, 2],
      );
      for (const r of all)
        assert.ok(r.timestamp >= before - 5_000, `append time, not CreateTime: ${r.timestamp}`);
      await consumer.disconnect();
    });

    it('an explicit commit is where a new consumer of the group resumes', async () => {
      const topic = await topicWith(3, 20);
      const group = uniqueName('g');
      const first = make(kind, group);
      await first.consumer.connect();
      first.consumer.subscribe([topic]);
      await collect(first.consumer, first.rec, 60);
      await first.consumer.commit([
        { topic, partition: 0, offset: 5 },
        { topic, partition: 1, offset: 12 },
        { topic, partition: 2, offset: 20 },
      ]);
      const committed = await first.consumer.committed(
        [0, 1, 2].map((partition) => ({ topic, partition })),
        5000,
      );
      assert.deepEqual(
        committed.map((c) => c.offset),
        [5, 12, 20],
      );
      await assert.rejects(first.consumer.commit([{ topic, partition: 7, offset: 1 }]), {
        code: 'OWNERSHIP_LOST',
      });
      await first.consumer.disconnect();

      const second = make(kind, group);
      await second.consumer.connect();
      second.consumer.subscribe([topic]);
      const again = await collect(second.consumer, second.rec, 15 + 8);
      assert.deepEqual(byPartition(again, 0), range(5, 20));
      assert.deepEqual(byPartition(again, 1), range(12, 20));
      assert.deepEqual(byPartition(again, 2), []);
      await second.consumer.disconnect();
    });

    it('pause stops one partition while others flow; resume continues without gaps or duplicates', async () => {
      const topic = await topicWith(3, 200);
      const { consumer, rec } = make(kind, uniqueName('g'));
      await consumer.connect();
      consumer.subscribe([topic]);
      const all: RawRecord[] = [];
      // Small polls so librdkafka has plenty prefetched when the pause comes.
      await waitFor('some records of partition 0', async () => {
        await pollOnce(consumer, rec, all, 10);
        return byPartition(all, 0).length > 0;
      });
      // Pause while a poll is in flight: what that poll fetched for partition 0 must not surface.
      const inflight = pollOnce(consumer, rec, all, 50);
      consumer.pause([{ topic, partition: 0 }]);
      const seenAtPause = byPartition(all, 0).length;
      await inflight;
      assert.equal(byPartition(all, 0).length, seenAtPause, 'no partition-0 record after pause()');
      await waitFor('partitions 1 and 2 drained while 0 is paused', async () => {
        await pollOnce(consumer, rec, all, 50);
        return byPartition(all, 1).length === 200 && byPartition(all, 2).length === 200;
      });
      assert.equal(byPartition(all, 0).length, seenAtPause, 'still nothing from the paused partition');
      consumer.resume([{ topic, partition: 0 }]);
      await waitFor('partition 0 after resume', async () => {
        await pollOnce(consumer, rec, all, 50);
        return byPartition(all, 0).length >= 200;
      });
      assert.deepEqual(byPartition(all, 0), range(0, 200));
      assert.deepEqual(byPartition(all, 1), range(0, 200));
      assert.deepEqual(byPartition(all, 2), range(0, 200));
      await consumer.disconnect();
    });

    it('seek repositions a partition; records fetched before the seek are not delivered', async () => {
      const topic = await topicWith(3, 50);
      const { consumer, rec } = make(kind, uniqueName('g'));
      await consumer.connect();
      consumer.subscribe([topic]);
      const all = await collect(consumer, rec, 150);
      assert.deepEqual(byPartition(all, 1), range(0, 50));
      await consumer.seek({ topic, partition: 1, offset: 10 });
      const after: RawRecord[] = await collect(consumer, rec, 40);
      assert.deepEqual(byPartition(after, 1), range(10, 50));
      // A seek while a poll is in flight: the poll's partition-2 records are discarded.
      await consumer.seek({ topic, partition: 2, offset: 45 });
      const mid: RawRecord[] = [];
      const inflight = pollOnce(consumer, rec, mid, 500, 1000);
      await consumer.seek({ topic, partition: 2, offset: 30 });
      await inflight;
      await waitFor('partition 2 from 30', async () => {
        await pollOnce(consumer, rec, mid, 500);
        return byPartition(mid, 2).length >= 20;
      });
      assert.deepEqual(byPartition(mid, 2), range(30, 50));
      await assert.rejects(consumer.seek({ topic, partition: 9, offset: 0 }), { code: 'OWNERSHIP_LOST' });
      await consumer.disconnect();
    });

    it('a second member joining the group revokes, re-assigns and bumps the generation', async () => {
      const topic = await topicWith(3, 10);
      const group = uniqueName('g');
      const a = make(kind, group);
      await a.consumer.connect();
      a.consumer.subscribe([topic]);
      await collect(a.consumer, a.rec, 30);
      const before = a.rec.generation;
      const b = make(kind, group);
      await b.consumer.connect();
      b.consumer.subscribe([topic]);
      const sink: RawRecord[] = [];
      await waitFor('both members assigned', async () => {
        await Promise.all([pollOnce(a.consumer, a.rec, sink), pollOnce(b.consumer, b.rec, sink)]);
        const na = a.consumer.assignment().length;
        const nb = b.consumer.assignment().length;
        return na > 0 && nb > 0 && na + nb === 3;
      });
      const revoke = a.rec.rebalances.find((e) => e.kind === 'revoke');
      assert.ok(revoke, 'the first member saw a revoke');
      assert.ok(revoke.generation > before);
      assert.equal(a.rec.rebalances.at(-1)?.kind, 'assign');
      assert.ok(a.rec.generation > revoke.generation);
      const owned = [...a.consumer.assignment(), ...b.consumer.assignment()].map((p) => p.partition).sort();
      assert.deepEqual(owned, [0, 1, 2]);
      await Promise.all([a.consumer.disconnect(), b.consumer.disconnect()]);
    });

    it('SCRAM-SHA-512 on SASL_PLAINTEXT connects and consumes; a wrong password fails clearly', async () => {
      const topic = await topicWith(1, 5);
      const scram = (password: string): KafkaConnection => ({
        bootstrapServers: [LOCAL_KAFKA.saslPlaintext],
        protocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password },
      });
      const good = make(kind, uniqueName('g'), new Recorder(), scram('alice-secret'));
      await good.consumer.connect();
      good.consumer.subscribe([topic]);
      assert.equal((await collect(good.consumer, good.rec, 5)).length, 5);
      await good.consumer.disconnect();

      const bad = make(kind, uniqueName('g'), new Recorder(), scram('not-the-password'));
      await assert.rejects(bad.consumer.connect(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'KAFKA_AUTH_FAILED');
        assert.match(error.message, /auth/i);
        return true;
      });
      await bad.consumer.disconnect();
    });

    it('OAUTHBEARER asks the token provider (the local broker lacks the mechanism: a clear auth error)', async () => {
      const asked: string[] = [];
      const consumer = createConsumer({
        prefer: kind,
        config: {
          ...clientConfig({
            bootstrapServers: [LOCAL_KAFKA.saslPlaintext],
            protocol: 'SASL_PLAINTEXT',
            sasl: { mechanism: 'OAUTHBEARER' },
          }),
          'sasl.oauthbearer.config': 'scope=klb-test',
          'group.id': uniqueName('g'),
        },
        listener: new Recorder(),
        logger: silentLogger,
        connectTimeoutMs: 5000,
        oauthTokenProvider: async (config) => {
          asked.push(config);
          return {
            token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
            expiresAtMs: Date.now() + 60_000,
            principal: 'alice',
          };
        },
      });
      open.push(consumer);
      await assert.rejects(consumer.connect(), { code: 'KAFKA_AUTH_FAILED' });
      assert.deepEqual(asked.slice(0, 1), ['scope=klb-test']);
      await consumer.disconnect();
    });

    it('TLS on the SSL listener connects with the local CA', async () => {
      const topic = await topicWith(1, 5);
      const tls: KafkaConnection = {
        bootstrapServers: [LOCAL_KAFKA.ssl],
        protocol: 'SSL',
        tls: { caPem: readFileSync(LOCAL_KAFKA.caPem, 'utf8') },
      };
      const { consumer, rec } = make(kind, uniqueName('g'), new Recorder(), tls);
      await consumer.connect();
      consumer.subscribe([topic]);
      assert.equal((await collect(consumer, rec, 5)).length, 5);
      await consumer.disconnect();
    });
  });
}

/**
 * Native only: the binding has no finalizer close (its client stays connected until disconnect()).
 * A native consumer that is garbage-collected without disconnect() leaves the group from a thread
 * of its own; the event loop never waits for it.
 */
describe('native consumer dropped without disconnect()', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  it('is closed off the JS thread: the group moves on at once and the event loop stays responsive', async () => {
    const topic = await topicWith(3, 5);
    const group = uniqueName('g');
    await (async () => {
      // Not pushed to `open`: nothing may keep this consumer reachable.
      const rec = new Recorder();
      const consumer = createConsumer({
        prefer: 'native',
        // A member that just vanished would hold its partitions for 30 s; one that left does not.
        config: {
          ...clientConfig(PLAINTEXT),
          'group.id': group,
          'auto.offset.reset': 'earliest',
          'session.timeout.ms': '30000',
        },
        listener: rec,
        logger: silentLogger,
      });
      await consumer.connect();
      consumer.subscribe([topic]);
      await collect(consumer, rec, 15);
    })();
    let worstLagMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 10);
      last = now;
    }, 10);
    try {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setImmediate(r));
        gc();
      }
      const b = make('native', group);
      await b.consumer.connect();
      b.consumer.subscribe([topic]);
      const sink: RawRecord[] = [];
      await waitFor(
        'the second member owns all partitions',
        async () => {
          await pollOnce(b.consumer, b.rec, sink);
          return b.consumer.assignment().length === 3;
        },
        { timeoutMs: 15_000, intervalMs: 0 },
      );
      assert.ok(worstLagMs < 250, `event loop blocked for ${worstLagMs.toFixed(0)} ms`);
    } finally {
      clearInterval(timer);
    }
  });
});

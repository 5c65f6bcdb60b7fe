/**
 * Bare drains of a topic, as bench/drain.ts runs them, parameterised by topic, record count and group:
 * the native addon through its BatchConsumer adapter, and the binding's node-rdkafka-style
 * `consume(n)` with the measured settings (fetch.queue.backoff.ms=10, queued.max.messages.kbytes=16384).
 * Both commit explicit offsets after every batch (awaited; the next poll is already in flight).
 * Times are epoch milliseconds so a parent process can line them up with its own clock.
 */
import Kafka from '@confluentinc/kafka-javascript';
import type { BatchConsumer, TopicPartitionOffset } from '../../src/kafka/consumer.ts';
import { BOOTSTRAP } from './kafka.ts';

export interface DrainTimes {
  records: number;
  /** Before connect: the group join is inside the drain. */
  connectAt: number;
  /** When the first commit was acknowledged, and the records it covered. */
  firstCommitAt: number;
  firstCommitRecords: number;
  /** When the commit of the last record was acknowledged. */
  lastCommitAt: number;
}

export interface DrainSpec {
  topic: string;
  total: number;
  groupId: string;
  batch: number;
}

const now = () => performance.timeOrigin + performance.now();

export const bareConfig = (groupId: string) => ({
  'bootstrap.servers': BOOTSTRAP,
  'group.id': groupId,
  'auto.offset.reset': 'earliest',
});

/** A BatchConsumer drain: poll N+1 is in flight while batch N's offsets are committed. */
export async function drainAdapter(consumer: BatchConsumer, spec: DrainSpec): Promise<DrainTimes> {
  const connectAt = now();
  await consumer.connect();
  consumer.subscribe([spec.topic]);
  let seen = 0;
  let firstCommitAt = 0;
  let firstCommitRecords = 0;
  let next = consumer.poll(spec.batch, 500);
  while (seen < spec.total) {
    const batches = await next;
    next = consumer.poll(spec.batch, 500);
    const offsets: TopicPartitionOffset[] = [];
    for (const b of batches) {
      seen += b.count;
      offsets.push({ topic: b.topic, partition: b.partition, offset: b.lastOffset + 1 });
    }
    if (offsets.length > 0) {
      await consumer.commit(offsets);
      if (firstCommitAt === 0) [firstCommitAt, firstCommitRecords] = [now(), seen];
    }
  }
  const times = { records: seen, connectAt, firstCommitAt, firstCommitRecords, lastCommitAt: now() };
  await next.catch(() => undefined);
  await consumer.disconnect();
  return times;
}

interface RawMessage {
  partition: number;
  offset: number;
}

interface BareConsumer {
  connect(o: object, cb: (err: unknown) => void): void;
  subscribe(t: string[]): void;
  setDefaultConsumeTimeout(ms: number): void;
  setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void;
  consume(n: number, cb: (err: unknown, m: RawMessage[]) => void): void;
  commitCb(o: TopicPartitionOffset[], cb: (err: unknown) => void): void;
  disconnect(cb: () => void): void;
}

/** The binding's bare consume(n) with the measured settings, commit per batch: the baseline. */
export async function drainBindingBare(spec: DrainSpec): Promise<DrainTimes> {
  const { 'auto.offset.reset': reset, ...global } = bareConfig(spec.groupId);
  const Ctor = (Kafka as unknown as { KafkaConsumer: new (g: object, t: object) => BareConsumer })
    .KafkaConsumer;
  const c = new Ctor(
    {
      ...global,
      'enable.auto.commit': false,
      'fetch.queue.backoff.ms': 10,
      'queued.max.messages.kbytes': 16384,
    },
    { 'auto.offset.reset': reset },
  );
  const connectAt = now();
  await new Promise((res, rej) => c.connect({ timeout: 10_000 }, (err) => (err ? rej(err) : res(undefined))));
  c.setDefaultConsumeTimeout(500);
  // Return what is there once a first record came (as the adapter does), not wait 500 ms for a full batch.
  c.setDefaultIsTimeoutOnlyForFirstMessage(true);
  c.subscribe([spec.topic]);
  const consume = () =>
    new Promise<RawMessage[]>((res, rej) => c.consume(spec.batch, (err, m) => (err ? rej(err) : res(m))));
  let seen = 0;
  let firstCommitAt = 0;
  let firstCommitRecords = 0;
  let next = consume();
  while (seen < spec.total) {
    const messages = await next;
    next = consume();
    const last = new Map<number, number>();
    for (const m of messages) last.set(m.partition, m.offset);
    seen += messages.length;
    const offsets = [...last].map(([partition, offset]) => ({
      topic: spec.topic,
      partition,
      offset: offset + 1,
    }));
    if (offsets.length > 0) {
      await new Promise<void>((res, rej) => c.commitCb(offsets, (e) => (e ? rej(e) : res())));
      if (firstCommitAt === 0) [firstCommitAt, firstCommitRecords] = [now(), seen];
    }
  }
  const times = { records: seen, connectAt, firstCommitAt, firstCommitRecords, lastCommitAt: now() };
  await next.catch(() => undefined);
  await new Promise<void>((r) => c.disconnect(() => r()));
  return times;
}

/**
 * Benchmark helpers around the local broker: one long-lived admin client (topic create/delete, end
 * and committed offsets polled many times a second without reconnecting), and kcat as the producer
 * (1 KB values, 16 B keys, 2 headers — the record shape of bench/drain.ts and consumer-perf.md),
 * either as fast as it goes or at a steady rate with CREATE_TIME stamped when kcat produces.
 */
import { spawn } from 'node:child_process';
import Kafka from '@confluentinc/kafka-javascript';
import { LOCAL_KAFKA } from '../../tools/services/paths.ts';

export const BOOTSTRAP = LOCAL_KAFKA.plaintext;

type Admin = ReturnType<InstanceType<typeof Kafka.KafkaJS.Kafka>['admin']>;

export class BenchAdmin {
  readonly #admin: Admin;

  private constructor(admin: Admin) {
    this.#admin = admin;
  }

  static async connect(): Promise<BenchAdmin> {
    const kafka = new Kafka.KafkaJS.Kafka({
      kafkaJS: { brokers: [BOOTSTRAP], logLevel: Kafka.KafkaJS.logLevel.NOTHING },
    });
    const admin = kafka.admin();
    await admin.connect();
    return new BenchAdmin(admin);
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.#admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  }

  async deleteTopics(topics: string[]): Promise<void> {
    if (topics.length > 0) await this.#admin.deleteTopics({ topics, timeout: 30_000 });
  }

  async endOffsets(topic: string): Promise<Map<number, number>> {
    const result = await this.#admin.fetchTopicOffsets(topic);
    return new Map(result.map((p) => [p.partition, Number(p.high)]));
  }

  /** Committed offsets of a group per partition (−1 where nothing is committed). */
  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const result = await this.#admin.fetchOffsets({ groupId, topics: [topic] });
    const map = new Map<number, number>();
    for (const t of result) for (const p of t.partitions) map.set(p.partition, Number(p.offset));
    return map;
  }

  async disconnect(): Promise<void> {
    await this.#admin.disconnect();
  }
}

export const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + Math.max(0, b), 0);

export interface CommitWatch {
  /** Epoch ms of the first poll that saw any committed record, and how many it saw. */
  firstAt: number;
  firstCount: number;
  /** Epoch ms of the first poll that saw committed == end on every partition. */
  doneAt: number;
}

/**
 * Polls the group's committed offsets until they equal `ends` on every partition. Resolution is the
 * poll interval (50 ms: ≤ 1% of the shortest run here). Throws after `timeoutMs` or when `abort` fires.
 */
export async function watchCommits(
  admin: BenchAdmin,
  groupId: string,
  topic: string,
  ends: Map<number, number>,
  {
    timeoutMs = 180_000,
    intervalMs = 50,
    abort,
  }: { timeoutMs?: number; intervalMs?: number; abort?: Promise<never> } = {},
): Promise<CommitWatch> {
  const total = sum(ends);
  const deadline = Date.now() + timeoutMs;
  let firstAt = 0;
  let firstCount = 0;
  let last = 0;
  let failed: unknown;
  abort?.catch((error: unknown) => {
    failed = error;
  });
  for (;;) {
    if (failed) throw failed;
    const committed = await admin.committed(groupId, topic);
    const at = Date.now();
    last = sum(committed);
    if (last > 0 && firstAt === 0) {
      firstAt = at;
      firstCount = last;
    }
    if ([...ends].every(([p, end]) => (committed.get(p) ?? -1) >= end))
      return { firstAt, firstCount, doneAt: at };
    if (at > deadline)
      throw new Error(`${groupId}: ${last} of ${total} records committed after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const VALUE_PAD = 'x'.repeat(1024 - 8);
const line = (i: number) => `key-${String(i).padStart(12, '0')}\t${String(i).padStart(8, '0')}${VALUE_PAD}\n`;

function kcatProducer(topic: string, lingerMs: number) {
  return spawn(
    'kcat',
    [
      ...['-P', '-b', BOOTSTRAP, '-t', topic, '-K', '\t', '-H', 'h1=header-one', '-H', 'h2=header-two'],
      ...[
        '-X',
        `linger.ms=${lingerMs}`,
        '-X',
        'batch.num.messages=10000',
        '-X',
        'queue.buffering.max.kbytes=262144',
      ],
    ],
    { stdio: ['pipe', 'inherit', 'inherit'] },
  );
}

async function finish(kcat: ReturnType<typeof kcatProducer>, rest: string): Promise<void> {
  const closed = new Promise<number | null>((r) => kcat.on('close', r));
  kcat.stdin.end(rest);
  const code = await closed;
  if (code !== 0) throw new Error(`kcat -P exited with ${code}`);
}

/** Produces `count` records as fast as kcat goes (keys spread by the default partitioner). */
export async function produceBulk(topic: string, count: number, from = 0): Promise<void> {
  const kcat = kcatProducer(topic, 20);
  const chunk: string[] = [];
  for (let i = from; i < from + count; i++) {
    chunk.push(line(i));
    if (chunk.length === 1000) {
      if (!kcat.stdin.write(chunk.join(''))) await new Promise((r) => kcat.stdin.once('drain', r));
      chunk.length = 0;
    }
  }
  await finish(kcat, chunk.join(''));
}

/**
 * Produces at `perSecond` for `seconds`: every 5 ms, the records due by then are handed to kcat,
 * which stamps CREATE_TIME as it produces them (linger 5 ms). Returns how many were produced.
 */
export async function produceSteady(
  topic: string,
  perSecond: number,
  seconds: number,
  from = 0,
): Promise<number> {
  const kcat = kcatProducer(topic, 5);
  const total = Math.round(perSecond * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond));
    if (due > sent) {
      let text = '';
      for (let i = sent; i < due; i++) text += line(from + i);
      kcat.stdin.write(text);
      sent = due;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await finish(kcat, '');
  return total;
}

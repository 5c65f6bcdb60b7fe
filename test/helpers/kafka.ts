/**
 * Thin test helpers over the real @confluentinc/kafka-javascript client (KafkaJS-style promise API,
 * fine for set-up; the bridge itself uses the node-rdkafka-style consumer). PLAINTEXT listener.
 */
import Kafka from '@confluentinc/kafka-javascript';
import { LOCAL_KAFKA } from '../../tools/services/paths.ts';

const { KafkaJS } = Kafka;

export const BOOTSTRAP = LOCAL_KAFKA.plaintext;

export interface TestRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  partition?: number;
  headers?: Record<string, string | Buffer>;
  timestamp?: string;
}

function client(extra: Record<string, unknown> = {}) {
  return new KafkaJS.Kafka({
    kafkaJS: { brokers: [BOOTSTRAP], logLevel: KafkaJS.logLevel.NOTHING, ...extra },
  });
}

export async function createTopic(topic: string, partitions: number, config: Record<string, string> = {}) {
  const admin = client().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor: 1,
          configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

export async function produce(topic: string, records: TestRecord[], batch = 500): Promise<void> {
  const producer = client().producer();
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += batch) {
      await producer.send({
        topic,
        messages: records.slice(i, i + batch).map((r) => ({
          key: r.key ?? null,
          value: r.value,
          ...(r.partition === undefined ? {} : { partition: r.partition }),
          ...(r.headers ? { headers: r.headers } : {}),
          ...(r.timestamp ? { timestamp: r.timestamp } : {}),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Committed offsets of a group per partition (−1 where nothing is committed). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = client().admin();
  await admin.connect();
  try {
    const result = await admin.fetchOffsets({ groupId, topics: [topic] });
    const map = new Map<number, number>();
    for (const t of result) for (const p of t.partitions) map.set(p.partition, Number(p.offset));
    return map;
  } finally {
    await admin.disconnect();
  }
}

export async function endOffsets(topic: string): Promise<Map<number, number>> {
  const admin = client().admin();
  await admin.connect();
  try {
    const result = await admin.fetchTopicOffsets(topic);
    return new Map(result.map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

export { KafkaJS };

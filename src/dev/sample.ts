/** The dev command's sample topic and traffic: a few JSON orders a second, keyed by customer. */
import Kafka from '@confluentinc/kafka-javascript';
import type { Logger } from '../log.ts';

const { KafkaJS } = Kafka;

function client(bootstrap: string) {
  return new KafkaJS.Kafka({
    kafkaJS: { brokers: bootstrap.split(','), logLevel: KafkaJS.logLevel.NOTHING },
  });
}

export async function ensureTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
    }
  } finally {
    await admin.disconnect();
  }
}

export function produceSample(
  bootstrap: string,
  topic: string,
  logger: Logger,
  everyMs = 3000,
): { stop(): void } {
  const producer = client(bootstrap).producer();
  let n = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const messages = Array.from({ length: 5 }, () => {
      n += 1;
      const customer = `customer-${n % 7}`;
      return {
        key: customer,
        value: JSON.stringify({ order: n, customer, total: Math.round(Math.random() * 10_000) / 100 }),
        headers: { 'content-type': 'application/json' },
      };
    });
    await producer.send({ topic, messages });
    logger.info(`produced ${messages.length} sample records to ${topic}`, { total: n });
  };
  void producer.connect().then(async () => {
    await tick();
    timer = setInterval(
      () => void tick().catch((error: unknown) => logger.warn('sample produce failed', { error })),
      everyMs,
    );
  });
  return {
    stop() {
      if (timer) clearInterval(timer);
      void producer.disconnect().catch(() => undefined);
    },
  };
}

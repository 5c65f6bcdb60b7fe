/** Programmatic access to the local test bed (the dev command and tests use it; the CLI wraps it). */
import { kafkaUp } from './kafka.ts';
import { redisUp } from './redis.ts';

export async function up(
  which: { kafka: boolean; redis: boolean } = { kafka: true, redis: true },
): Promise<void> {
  await Promise.all([which.redis ? redisUp() : undefined, which.kafka ? kafkaUp() : undefined]);
}

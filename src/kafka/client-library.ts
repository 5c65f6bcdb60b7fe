/**
 * `@confluentinc/kafka-javascript`, loaded on first use. Its native binding maps and starts a second
 * librdkafka (≈ 15 MB of RSS measured on Node 24) that a bridge on the native consumer needs only for
 * admin calls, Kafka on-failure destinations and the fallback consumer.
 */
import { createRequire } from 'node:module';
import type KafkaLibrary from '@confluentinc/kafka-javascript';

const require = createRequire(import.meta.url);
let library: typeof KafkaLibrary | undefined;

export function kafkaLibrary(): typeof KafkaLibrary {
  library ??= require('@confluentinc/kafka-javascript') as typeof KafkaLibrary;
  return library;
}

/**
 * A topic's timestamp type, for the binding consumer: `@confluentinc/kafka-javascript` hands out
 * records without it and has no DescribeConfigs, so it is read once per topic from the topic's
 * `message.timestamp.type` through the native addon (native/src/admin.rs). The native consumer needs
 * none of this: librdkafka gives it each record's own type.
 */
import { TIMESTAMP_TYPE, type TimestampType } from '../encode/layout.ts';
import type { Logger } from '../log.ts';
import type { NativeAddon } from './native-consumer.ts';

const LOOKUP_TIMEOUT_MS = 10_000;

/** `message.timestamp.type` → the event's timestampType (Kafka's default, CreateTime, when unset). */
export function timestampTypeFromConfig(entries: Readonly<Record<string, string>>): TimestampType {
  return entries['message.timestamp.type'] === 'LogAppendTime'
    ? TIMESTAMP_TYPE.LOG_APPEND_TIME
    : TIMESTAMP_TYPE.CREATE_TIME;
}

/**
 * The lookup the binding consumer takes as `timestampTypeOf`, or undefined when the addon has no
 * DescribeConfigs. A failed lookup is logged and answers CREATE_TIME (Kafka's default) for that topic.
 */
export function timestampTypeLookup(
  addon: Pick<NativeAddon, 'describeTopicConfig'> | undefined,
  config: Readonly<Record<string, string>>,
  logger: Pick<Logger, 'warn'>,
): ((topic: string) => Promise<TimestampType>) | undefined {
  const describe = addon?.describeTopicConfig;
  if (!describe) return undefined;
  return async (topic) => {
    try {
      return timestampTypeFromConfig(await describe({ ...config }, topic, LOOKUP_TIMEOUT_MS));
    } catch (error) {
      logger.warn('could not read the topic timestamp type; records are labelled CREATE_TIME', {
        topic,
        error,
      });
      return TIMESTAMP_TYPE.CREATE_TIME;
    }
  };
}

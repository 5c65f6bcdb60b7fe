/**
 * librdkafka error codes → the bridge's error taxonomy. Both adapters report librdkafka's numeric
 * code (negative = raised by the client, positive = returned by a broker); the core branches on the
 * BridgeError code, never on the text.
 */
import { BridgeError, type ErrorCode } from '../errors.ts';

/** librdkafka codes the bridge treats specially (rdkafka.h, rd_kafka_resp_err_t). */
export const RD = {
  STATE: -172,
  AUTHENTICATION: -169,
  SSL: -181,
  TRANSPORT: -195,
  ALL_BROKERS_DOWN: -187,
  TIMED_OUT: -185,
  RESOLVE: -193,
  FATAL: -150,
  ASSIGNMENT_LOST: -142,
  REQUEST_TIMED_OUT: 7,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  SASL_AUTHENTICATION_FAILED: 58,
  FENCED_INSTANCE_ID: 82,
} as const;

const AUTH = new Set<number>([RD.AUTHENTICATION, RD.SASL_AUTHENTICATION_FAILED, RD.SSL]);
const NOT_AUTHORIZED = new Set<number>([RD.TOPIC_AUTHORIZATION_FAILED, RD.GROUP_AUTHORIZATION_FAILED]);
const NETWORK = new Set<number>([
  RD.TRANSPORT,
  RD.ALL_BROKERS_DOWN,
  RD.TIMED_OUT,
  RD.RESOLVE,
  RD.REQUEST_TIMED_OUT,
]);
/** A commit failing with these means another member owns the partition now: fence, don't retry. */
const OWNERSHIP = new Set<number>([
  RD.STATE,
  RD.ASSIGNMENT_LOST,
  RD.ILLEGAL_GENERATION,
  RD.UNKNOWN_MEMBER_ID,
  RD.FENCED_INSTANCE_ID,
]);

/** What the failed call was; commits and seeks read ERR__STATE as lost ownership. */
export type KafkaOp =
  | 'connect'
  | 'poll'
  | 'commit'
  | 'committed'
  | 'seek'
  | 'pause'
  | 'watermarks'
  | 'subscribe'
  | 'event';

export function classify(code: number, op: KafkaOp): { code: ErrorCode; retriable: boolean } {
  if (AUTH.has(code)) return { code: 'KAFKA_AUTH_FAILED', retriable: false };
  if (NOT_AUTHORIZED.has(code)) return { code: 'KAFKA_NOT_AUTHORIZED', retriable: false };
  if ((op === 'commit' || op === 'seek') && OWNERSHIP.has(code))
    return { code: 'OWNERSHIP_LOST', retriable: false };
  if (code === RD.REBALANCE_IN_PROGRESS) return { code: 'KAFKA_STATE', retriable: true };
  if (NETWORK.has(code)) return { code: 'KAFKA_CONNECT_FAILED', retriable: true };
  if (code === RD.FATAL) return { code: 'KAFKA_STATE', retriable: false };
  return { code: 'KAFKA_STATE', retriable: code !== RD.STATE };
}

export function kafkaError(
  code: number,
  message: string,
  op: KafkaOp,
  context: Record<string, unknown> = {},
) {
  const { code: bridgeCode, retriable } = classify(code, op);
  return new BridgeError(bridgeCode, `Kafka ${op} failed: ${message}`, {
    retriable,
    context: { ...context, op, librdkafkaCode: code },
  });
}

const NATIVE_MESSAGE = /^rdkafka:(-?\d+):(\w+): ([\s\S]*)$/;

/** The addon's errors read `rdkafka:<code>:<Name>: <text>` (native/src/tasks.rs). */
export function fromNativeError(
  error: unknown,
  op: KafkaOp,
  context: Record<string, unknown> = {},
): BridgeError {
  const text = error instanceof Error ? error.message : String(error);
  const match = NATIVE_MESSAGE.exec(text);
  if (!match) return new BridgeError('INTERNAL', `Kafka ${op} failed: ${text}`, { cause: error, context });
  return kafkaError(Number(match[1]), match[3] ?? text, op, context);
}

/** The binding's LibrdKafkaError carries `code` (the librdkafka code) and `message`. */
export function fromBindingError(
  error: unknown,
  op: KafkaOp,
  context: Record<string, unknown> = {},
): BridgeError {
  const code = (error as { code?: unknown } | null)?.code;
  const text =
    error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  if (typeof code !== 'number')
    return new BridgeError('INTERNAL', `Kafka ${op} failed: ${text}`, { cause: error, context });
  return kafkaError(code, text, op, context);
}

/**
 * The on-failure records AWS writes for Kafka event source mappings (lambda-esm.md §3.6), as pure
 * functions of their inputs:
 *
 * - `kafkaFailureRecord`: the value of one message on a `kafka://<topic>` destination — one per failed
 *   record, `KafkaBatchInfo.batchSize` 1, `recordInfo` {offset as a string, timestamp ISO-8601} and
 *   `payload` the invoke event holding just that record, as a JSON object;
 * - `metadataFailureRecord`: the SQS/SNS-style record (also what an http(s) destination receives) —
 *   one per failed batch, `recordsInfo` keyed by `"<topic>-<partition>"` with first/last offsets and
 *   timestamps.
 *
 * `responseContext` is null when the function was never called (MaximumPayloadSizeExceeded).
 * A record without a timestamp (-1) has `null` where AWS would put an ISO time.
 */
import { readPacked, recordOffset, recordPartition, recordTimestamp, recordTopic } from '../encode/reader.ts';
import type { ResponseContext } from './types.ts';

export interface FailureContext {
  /** A fresh UUID per failed batch (AWS uses the request id of the failed invoke). */
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: string;
  readonly approximateInvokeCount: number;
  readonly responseContext: ResponseContext | null;
  /** When the failure record is written, epoch ms. */
  readonly nowMs: number;
  /** The MSK cluster ARN; absent for self-managed Kafka. */
  readonly eventSourceArn?: string;
  /** Comma-separated host:port list, as in the invoke event. */
  readonly bootstrapServers: string;
}

export interface RequestContext {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: string;
  readonly approximateInvokeCount: number;
}

export interface RecordsInfoEntry {
  readonly firstRecordOffset: string;
  readonly lastRecordOffset: string;
  readonly firstRecordTimestamp: string | null;
  readonly lastRecordTimestamp: string | null;
}

export interface KafkaFailureRecord {
  readonly requestContext: RequestContext;
  readonly responseContext: ResponseContext | null;
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KafkaBatchInfo: {
    readonly batchSize: 1;
    readonly eventSourceArn?: string;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordInfo: { readonly offset: string; readonly timestamp: string | null };
  };
  readonly payload: unknown;
}

export interface MetadataFailureRecord {
  readonly requestContext: RequestContext;
  readonly responseContext: ResponseContext | null;
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KafkaBatchInfo: {
    readonly batchSize: number;
    readonly eventSourceArn?: string;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordsInfo: Readonly<Record<string, RecordsInfoEntry>>;
  };
}

/** ISO-8601 of an epoch-ms timestamp; null for Kafka's "no timestamp" (-1). */
export function isoTime(ms: number): string | null {
  return ms < 0 || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

function head(ctx: FailureContext) {
  return {
    requestContext: {
      requestId: ctx.requestId,
      functionArn: ctx.functionArn,
      condition: ctx.condition,
      approximateInvokeCount: ctx.approximateInvokeCount,
    },
    responseContext: ctx.responseContext,
    version: '1.0' as const,
    timestamp: new Date(ctx.nowMs).toISOString(),
  };
}

const source = (ctx: FailureContext) =>
  ctx.eventSourceArn === undefined ? {} : { eventSourceArn: ctx.eventSourceArn };

/**
 * The Kafka-destination message value for one record.
 * @param event the invoke event holding just that record (parsed), and `payloadSize` its byte length.
 */
export function kafkaFailureRecord(
  ctx: FailureContext,
  record: { readonly offset: number; readonly timestampMs: number },
  event: unknown,
  payloadSize: number,
): KafkaFailureRecord {
  return {
    ...head(ctx),
    KafkaBatchInfo: {
      batchSize: 1,
      ...source(ctx),
      bootstrapServers: ctx.bootstrapServers,
      payloadSize,
      recordInfo: { offset: String(record.offset), timestamp: isoTime(record.timestampMs) },
    },
    payload: event,
  };
}

/** First/last offset and timestamp per `"<topic>-<partition>"`, in order of first appearance. */
export function recordsInfo(packed: Uint8Array): Record<string, RecordsInfoEntry> {
  const batch = readPacked(packed);
  const spans = new Map<string, { first: number; last: number }>();
  for (let i = 0; i < batch.recordCount; i++) {
    const key = `${recordTopic(batch, i)}-${recordPartition(batch, i)}`;
    const span = spans.get(key);
    if (span === undefined) spans.set(key, { first: i, last: i });
    else span.last = i;
  }
  const out: Record<string, RecordsInfoEntry> = {};
  for (const [key, { first, last }] of spans) {
    out[key] = {
      firstRecordOffset: String(recordOffset(batch, first)),
      lastRecordOffset: String(recordOffset(batch, last)),
      firstRecordTimestamp: isoTime(recordTimestamp(batch, first)),
      lastRecordTimestamp: isoTime(recordTimestamp(batch, last)),
    };
  }
  return out;
}

/**
 * The SQS/SNS-style record for a whole batch.
 * @param payloadSize bytes of the invoke event(s) the batch made.
 */
export function metadataFailureRecord(
  ctx: FailureContext,
  packed: Uint8Array,
  payloadSize: number,
): MetadataFailureRecord {
  return {
    ...head(ctx),
    KafkaBatchInfo: {
      batchSize: readPacked(packed).recordCount,
      ...source(ctx),
      bootstrapServers: ctx.bootstrapServers,
      payloadSize,
      recordsInfo: recordsInfo(packed),
    },
  };
}

/**
 * Failed batches: what the bridge keeps about a batch it gave up on (issue 8), so an operator can see
 * it, send it to an on-failure destination and replay it later. The stored records are the packed raw
 * batch (docs/raw-batch-layout.md), byte for byte; everything here is metadata about them.
 */

/**
 * Why a batch was given up. The first three are the runtime's (src/dispatch/retry-policy.ts), spelled
 * as in AWS's SQS/SNS failure records (lambda-esm.md §3.6; AWS has no documented record-age name for
 * Kafka); `FunctionError` is for a give-up without a retry budget; `RecordsExpired` for records that
 * left the topic (retention) while their batch was being retried — AWS's default mode retries "until
 * the records expire". Stored as given.
 */
export const FAILURE_CONDITIONS = [
  'RetryAttemptsExhausted',
  'MaximumRecordAgeExceeded',
  'MaximumPayloadSizeExceeded',
  'FunctionError',
  'RecordsExpired',
] as const;
export type FailureCondition = (typeof FAILURE_CONDITIONS)[number];

export interface FailedAttempt {
  readonly atMs: number;
  readonly error: string;
}

/** `responseContext` of AWS's failure records; null when the function was never called. */
export interface ResponseContext {
  readonly statusCode?: number;
  readonly executedVersion?: string;
  readonly functionError?: string;
}

export type BatchState = 'failed' | 'replayed';

/** What happened with the on-failure destination: none configured, sent, failed, or not reachable here. */
export type DestinationState = 'none' | 'delivered' | 'failed' | 'unreachable';

/** What the store is given (FailureHandler builds it from the runtime's hand-off). */
export interface FailedBatchInput {
  readonly mappingId: string;
  readonly functionArn: string;
  /** The records, packed. At least one record; one topic-partition (the runtime's batches are). */
  readonly packed: Uint8Array;
  readonly condition: string;
  readonly error: string;
  readonly attempts: readonly FailedAttempt[];
  readonly approximateInvokeCount: number;
  readonly responseContext?: ResponseContext | null;
}

/** A stored failed batch, without its records. */
export interface FailedBatchMeta {
  /** `<partition>-<firstOffset>-<lastOffset>`: unique per mapping (see store.ts on idempotent puts). */
  readonly id: string;
  readonly mappingId: string;
  readonly functionArn: string;
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly recordCount: number;
  /** Epoch ms of the first and last record (-1 when the record had none). */
  readonly firstTimestampMs: number;
  readonly lastTimestampMs: number;
  /** Size of the packed records. */
  readonly packedBytes: number;
  readonly condition: string;
  readonly error: string;
  readonly attempts: readonly FailedAttempt[];
  readonly approximateInvokeCount: number;
  readonly responseContext: ResponseContext | null;
  readonly createdAtMs: number;
  /** Replay attempts so far (the loop guard counts these). */
  readonly replayCount: number;
  readonly replayedAtMs?: number;
  readonly state: BatchState;
  readonly destination: DestinationState;
  readonly destinationError?: string;
}

/** One record, decoded for display: bytes as base64, null for a null key, value or header value. */
export interface DisplayRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly timestampType: 'NO_TIMESTAMP_TYPE' | 'CREATE_TIME' | 'LOG_APPEND_TIME';
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: readonly { readonly name: string; readonly value: string | null }[];
}

export interface FailedBatch extends FailedBatchMeta {
  readonly records: readonly DisplayRecord[];
}

export interface FailedBatchQuery {
  /** createdAtMs range, inclusive. */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly partition?: number;
  /** Case-insensitive substring of the error text. */
  readonly errorContains?: string;
  readonly state?: BatchState;
  /** From a previous page's nextMarker. */
  readonly marker?: string;
  /** 1..1000, default 50. */
  readonly limit?: number;
}

export interface FailedBatchPage {
  readonly batches: readonly FailedBatchMeta[];
  readonly nextMarker?: string;
}

/**
 * The in-flight batch as a BullMQ job: the wire contract between the partition owner (which creates
 * and awaits it) and the worker (which invokes the function), possibly on another instance.
 *
 * Redis keys (prefix P, mapping M):
 *   BullMQ queue   `P:esm-M`                one queue per mapping
 *   job id         `p<partition>-o<first>`  deterministic: the owner of a partition finds the in-flight
 *                                           job from the committed offset alone, so a new owner adopts it
 *                                           instead of invoking the same records twice
 *   payload bytes  `P:payload:M:<partition>:<first>:<nonce>:<i>`  binary-safe, written once per batch; job data
 *                                           stays small (no JSON inside JSON)
 */

export interface BatchJobData {
  mappingId: string;
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  /** Records in the batch (filtered records excluded). */
  count: number;
  /** Payload keys in order: a batch over the 6 MB cap is split into several payloads. */
  payloadKeys: string[];
  /** Per payload, its record offsets' range: [first, last]. */
  payloadRanges: Array<[number, number]>;
  /** Payloads already delivered: a retry resumes after them. */
  payloadsDone: number;
  createdAtMs: number;
  /** Earliest record timestamp (ms), for MaximumRecordAgeInSeconds. */
  oldestTimestampMs: number;
  /** Invoke attempts that failed (throttles excluded), and the last error. */
  failedAttempts: number;
  throttles?: number;
  lastError?: string;
  /** The last failed attempts (at most 20), for the failed-batch store. */
  history?: Array<{ atMs: number; error: string }>;
}

export type BatchJobResult =
  | { kind: 'success' }
  /** The function reported batch item failures: records before `retryFromOffset` are settled. */
  | { kind: 'partial'; retryFromOffset: number }
  /** The payload bytes were not found in Redis: the owner rewinds to the committed offset. */
  | { kind: 'lost' }
  /** BisectBatchOnFunctionError: the owner retries the batch as two halves. */
  | { kind: 'bisect'; fromOffset: number; records: number }
  /** Given up and durably handed to failure handling: the owner commits past it. */
  | { kind: 'given-up'; storedId: string; condition: string };

export function queueName(mappingId: string): string {
  return `esm-${mappingId}`;
}

export function jobId(partition: number, firstOffset: number): string {
  return `p${partition}-o${firstOffset}`;
}

/** Unique per submission (`nonce`), so a payload can be written before the job's id is known to be free. */
export function payloadKey(
  prefix: string,
  mappingId: string,
  partition: number,
  firstOffset: number,
  index: number,
  nonce: string,
): string {
  return `${prefix}:payload:${mappingId}:${partition}:${firstOffset}:${nonce}:${index}`;
}

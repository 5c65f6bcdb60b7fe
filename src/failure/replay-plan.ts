/**
 * Replay, the pure parts: request and job types, the loop guard, the rate-limit arithmetic and the
 * dry-run plan. Nothing here touches Redis or a function.
 */
import type { BatchState, FailedBatchMeta } from './types.ts';

/** What a replay sends to, frozen into the job when it is created (a resumed job needs no mapping). */
export interface ReplayTarget {
  /** Passed to the target resolver: the mapping's FunctionName or the request's override. */
  readonly functionName: string;
  readonly eventSource: 'aws:kafka' | 'SelfManagedKafka';
  readonly eventSourceArn?: string;
  readonly bootstrapServers: string;
  readonly reportBatchItemFailures: boolean;
}

export interface ReplaySelection {
  /** Explicit batch ids, replayed in this order. */
  readonly batchIds?: readonly string[];
  /** Or every batch matching these (state defaults to 'failed'), per partition in offset order. */
  readonly filter?: {
    readonly fromMs?: number;
    readonly toMs?: number;
    readonly partition?: number;
    readonly errorContains?: string;
    readonly state?: BatchState;
  };
}

export interface ReplayRequest extends ReplaySelection {
  readonly functionName?: string;
  readonly ratePerSecond?: number;
  /** Replay even batches whose replayCount reached the limit. */
  readonly force?: boolean;
}

/** Outcome of one batch in one job. `Invoking` is the claim taken just before the invoke. */
export type BatchResultStatus = 'Invoking' | 'Replayed' | 'Failed' | 'Skipped' | 'Missing' | 'Interrupted';

export interface BatchResult {
  readonly status: BatchResultStatus;
  readonly atMs: number;
  readonly error?: string;
  /** The runner token that claimed the batch (Invoking only). */
  readonly runner?: string;
}

/** The job counters, bumped by the settle script (field names in Redis). */
export const RESULT_COUNTERS = {
  Replayed: 'replayed',
  Failed: 'failed',
  Skipped: 'skipped',
  Missing: 'missing',
  Interrupted: 'interrupted',
} as const;

export interface ReplayJob {
  readonly replayId: string;
  readonly mappingId: string;
  readonly target: ReplayTarget;
  readonly batchIds: readonly string[];
  readonly ratePerSecond: number;
  readonly force: boolean;
  readonly maxReplays: number;
  readonly state: 'Running' | 'Completed';
  readonly createdAtMs: number;
  readonly finishedAtMs?: number;
  readonly done: number;
  readonly replayed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly missing: number;
  readonly interrupted: number;
}

export interface ReplayJobStatus extends ReplayJob {
  /** Per batch, in job order; `Pending` when not reached yet. */
  readonly results: readonly ({ readonly batchId: string } & (
    | BatchResult
    | { readonly status: 'Pending' }
  ))[];
}

export const DEFAULT_MAX_REPLAYS = 3;
export const DEFAULT_RATE_PER_SECOND = 5;
export const MAX_RATE_PER_SECOND = 1000;

/** The loop guard: a batch already replayed `maxReplays` times is skipped unless forced. */
export function mayReplay(replayCount: number, maxReplays: number, force: boolean): boolean {
  return force || replayCount < maxReplays;
}

export function loopGuardMessage(replayCount: number, maxReplays: number): string {
  return `replayed ${replayCount} times already (limit ${maxReplays}); set Force to replay it again`;
}

/** Milliseconds between the starts of two batches at `ratePerSecond`. */
export function intervalMs(ratePerSecond: number): number {
  return 1000 / ratePerSecond;
}

/** How long to wait before starting the next batch, given when the previous one started. */
export function nextStartDelayMs(
  lastStartMs: number | undefined,
  nowMs: number,
  ratePerSecond: number,
): number {
  if (lastStartMs === undefined) return 0;
  return Math.max(0, Math.ceil(lastStartMs + intervalMs(ratePerSecond) - nowMs));
}

/** Lower bound of a replay's duration: the first batch starts at once, the others one interval apart. */
export function estimatedDurationMs(batches: number, ratePerSecond: number): number {
  return batches <= 1 ? 0 : Math.ceil((batches - 1) * intervalMs(ratePerSecond));
}

/** Sort key for filter selections: per partition, in offset order (the order the records had). */
export function byPartitionAndOffset(a: FailedBatchMeta, b: FailedBatchMeta): number {
  return a.partition - b.partition || a.firstOffset - b.firstOffset;
}

export type PlannedAction = 'Send' | 'SkipLoopGuard' | 'Missing' | 'TooLarge';

export interface PlannedBatch {
  readonly batchId: string;
  readonly action: PlannedAction;
  readonly partition?: number;
  readonly firstOffset?: number;
  readonly lastOffset?: number;
  readonly recordCount?: number;
  readonly replayCount?: number;
  readonly state?: BatchState;
  /** Invocations and bytes it would take (Send only). */
  readonly payloads?: number;
  readonly payloadBytes?: number;
  readonly reason?: string;
}

export interface ReplayPlan {
  readonly mappingId: string;
  readonly functionName: string;
  readonly ratePerSecond: number;
  readonly batches: readonly PlannedBatch[];
  readonly toSend: number;
  readonly invocations: number;
  readonly estimatedDurationMs: number;
}

/** What one batch would do, from its metadata and (when it exists) its encoded size. */
export function planBatch(
  batchId: string,
  meta: FailedBatchMeta | undefined,
  encoded: { payloads: number; payloadBytes: number; oversized: number } | undefined,
  guard: { maxReplays: number; force: boolean },
): PlannedBatch {
  if (meta === undefined || encoded === undefined) return { batchId, action: 'Missing' };
  const about = {
    batchId,
    partition: meta.partition,
    firstOffset: meta.firstOffset,
    lastOffset: meta.lastOffset,
    recordCount: meta.recordCount,
    replayCount: meta.replayCount,
    state: meta.state,
  };
  if (!mayReplay(meta.replayCount, guard.maxReplays, guard.force)) {
    return {
      ...about,
      action: 'SkipLoopGuard',
      reason: loopGuardMessage(meta.replayCount, guard.maxReplays),
    };
  }
  if (encoded.oversized > 0) {
    return { ...about, action: 'TooLarge', reason: tooLargeMessage(encoded.oversized) };
  }
  return { ...about, action: 'Send', payloads: encoded.payloads, payloadBytes: encoded.payloadBytes };
}

export function tooLargeMessage(records: number): string {
  return `${records} record(s) larger than the payload cap; the batch cannot be sent`;
}

export function summarizePlan(
  head: { mappingId: string; functionName: string; ratePerSecond: number },
  batches: readonly PlannedBatch[],
): ReplayPlan {
  const send = batches.filter((b) => b.action === 'Send');
  return {
    ...head,
    batches,
    toSend: send.length,
    invocations: send.reduce((n, b) => n + (b.payloads ?? 0), 0),
    estimatedDurationMs: estimatedDurationMs(send.length, head.ratePerSecond),
  };
}

/**
 * One attempt at an in-flight batch: invoke the function with each payload of the batch in order,
 * resuming after those already delivered. After a failure the retry policy (./retry-policy.ts) decides:
 * retry (throw RetryLater: BullMQ retries the same job after the delay), bisect (the owner re-batches
 * the records as two halves), or give up (hand the records to failure handling, then complete so the
 * owner commits past them). Success and partial results complete the job.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { packedOffsets, slicePacked } from '../encode/packed.ts';
import { classify, type Outcome } from '../invoke/outcome.ts';
import type { TargetResolver } from '../invoke/resolve.ts';
import type { InvokeResponse, Target } from '../invoke/target.ts';
import type { Logger } from '../log.ts';
import type { Mapping } from '../mapping/types.ts';
import type { BackoffPolicy } from './backoff.ts';
import { packedFromPayloads } from './event-records.ts';
import type { FailureSink } from './failure-sink.ts';
import type { BatchJobData, BatchJobResult } from './job.ts';
import type { LocalPayloads } from './local-payloads.ts';
import { decide, type FailureCondition, type PolicySettings, recordAgeExceeded } from './retry-policy.ts';

export class RetryLater extends Error {
  readonly delayMs: number;
  constructor(message: string, delayMs: number) {
    super(message);
    this.name = 'RetryLater';
    this.delayMs = delayMs;
  }
}

export type ProcessingEvent =
  | { kind: 'invoked'; mappingId: string; partition: number; records: number; durationMs: number }
  | {
      kind: 'failed';
      mappingId: string;
      partition: number;
      records: number;
      reason: string;
      message: string;
      attempt: number;
    }
  | { kind: 'given-up'; mappingId: string; records: number; condition: string; storedId: string };

export interface ProcessorDeps {
  getMapping(uuid: string): Mapping | undefined;
  targets: TargetResolver;
  redis: Redis;
  /** The partition's low watermark (via the mapping's consumer in this process), for expiry on retries. */
  lowWatermark?: (mappingId: string, partition: number) => Promise<number | undefined>;
  /** Payload bytes of batches submitted by this process: skips a Redis read on the common path. */
  localPayloads: Pick<LocalPayloads, 'use' | 'done'>;
  backoff: BackoffPolicy;
  failures: FailureSink;
  report(event: ProcessingEvent): void;
  logger: Logger;
  now?: () => number;
}

const HISTORY = 20;

function settingsOf(m: Mapping): PolicySettings {
  return {
    maximumRetryAttempts: m.maximumRetryAttempts,
    maximumRecordAgeSeconds: m.maximumRecordAgeSeconds,
    bisect: m.bisect,
    hasDestination: Boolean(m.onFailureDestination),
  };
}

function responseContext(response: InvokeResponse | undefined) {
  if (!response) return null;
  return {
    ...(response.statusCode === undefined ? {} : { statusCode: response.statusCode }),
    executedVersion: '$LATEST',
    ...(response.status === 'function-error' ? { functionError: 'Unhandled' } : {}),
  };
}

export function createProcessor(deps: ProcessorDeps) {
  const now = deps.now ?? Date.now;

  /**
   * The records of the payloads not yet delivered, as one packed batch; undefined when one is gone.
   * Local bytes are marked in use meanwhile (src/dispatch/local-payloads.ts).
   */
  async function undeliveredRecords(data: BatchJobData): Promise<Uint8Array | undefined> {
    const used: string[] = [];
    try {
      const payloads: Uint8Array[] = [];
      for (const key of data.payloadKeys.slice(data.payloadsDone)) {
        const local = deps.localPayloads.use(key);
        if (local) used.push(key);
        const bytes = local ?? (await deps.redis.getBuffer(key));
        if (!bytes) return undefined;
        payloads.push(bytes);
      }
      return packedFromPayloads(payloads);
    } finally {
      for (const key of used) deps.localPayloads.done(key);
    }
  }

  /** Invokes the target with one payload (local bytes, else read from Redis); undefined when it is gone. */
  async function invokeWith(target: Target, key: string): Promise<InvokeResponse | undefined> {
    const local = deps.localPayloads.use(key);
    try {
      const bytes = local ?? (await deps.redis.getBuffer(key));
      return bytes ? await target.invoke(bytes) : undefined;
    } finally {
      if (local) deps.localPayloads.done(key);
    }
  }

  async function giveUp(
    job: Job<BatchJobData, BatchJobResult>,
    mapping: Mapping,
    condition: FailureCondition,
    error: string,
    last: InvokeResponse | undefined,
    /** Give up only the records below this offset and retry the rest (records that expired). */
    below?: number,
  ): Promise<BatchJobResult> {
    const data = job.data;
    // Payloads already delivered are settled; the rest of the batch is what failed.
    const undelivered = await undeliveredRecords(data);
    if (!undelivered) return { kind: 'lost' };
    const offsets = packedOffsets(undelivered);
    let count = offsets.length;
    if (below !== undefined) while (count > 0 && (offsets[count - 1] as number) >= below) count -= 1;
    const packed = count === offsets.length ? undelivered : slicePacked(undelivered, 0, count);
    let storedId: string;
    try {
      ({ storedId } = await deps.failures.handOff({
        mapping,
        packed,
        condition,
        error,
        attempts: data.history ?? [],
        approximateInvokeCount: data.failedAttempts + (data.throttles ?? 0),
        responseContext: responseContext(last),
      }));
    } catch (cause) {
      // Not stored: never commit past it. Try again later.
      deps.logger.error('could not hand a failed batch to failure handling; retrying', { error: cause });
      throw new RetryLater(
        `failure handling unavailable: ${(cause as Error).message}`,
        deps.backoff.maxDelayMs,
      );
    }
    deps.report({ kind: 'given-up', mappingId: data.mappingId, records: count, condition, storedId });
    return below === undefined
      ? { kind: 'given-up', storedId, condition }
      : { kind: 'partial', retryFromOffset: below };
  }

  /**
   * On a retry: the offset below which undelivered records of the batch have left the topic
   * (retention), or undefined. AWS's default mode retries a failing batch "until the records expire";
   * past that point the batch can no longer be read again from Kafka, so it stops being retried.
   */
  async function expiredBelow(data: BatchJobData): Promise<number | undefined> {
    if (data.failedAttempts === 0 || deps.lowWatermark === undefined) return undefined;
    const first = (data.payloadRanges[data.payloadsDone] as [number, number])[0];
    try {
      const low = await deps.lowWatermark(data.mappingId, data.partition);
      return low !== undefined && low > first ? low : undefined;
    } catch (error) {
      deps.logger.debug('could not read the low watermark', { partition: data.partition, error });
      return undefined;
    }
  }

  return async function process(job: Job<BatchJobData, BatchJobResult>): Promise<BatchJobResult> {
    const data = job.data;
    const mapping = deps.getMapping(data.mappingId);
    if (!mapping) return { kind: 'lost' };
    const settings = settingsOf(mapping);
    if (recordAgeExceeded(settings, data.oldestTimestampMs, now())) {
      return giveUp(
        job,
        mapping,
        'MaximumRecordAgeExceeded',
        'records older than MaximumRecordAgeInSeconds',
        undefined,
      );
    }
    const expired = await expiredBelow(data);
    if (expired !== undefined) {
      const message = `records below offset ${expired} left the topic while the batch was retried`;
      // All of it expired: give the batch up. Part of it: give up that part, retry from the rest.
      return expired > data.lastOffset
        ? giveUp(job, mapping, 'RecordsExpired', message, undefined)
        : giveUp(job, mapping, 'RecordsExpired', message, undefined, expired);
    }
    const target = deps.targets.get(mapping.functionName);
    for (let i = data.payloadsDone; i < data.payloadKeys.length; i += 1) {
      const key = data.payloadKeys[i] as string;
      const response = await invokeWith(target, key);
      if (!response) return { kind: 'lost' };
      const [first, last] = data.payloadRanges[i] as [number, number];
      const outcome: Outcome = classify(
        response,
        { topic: data.topic, partition: data.partition, firstOffset: first, lastOffset: last },
        mapping.reportBatchItemFailures,
      );
      const records = last - first + 1;
      if (outcome.kind === 'success') {
        deps.report({
          kind: 'invoked',
          mappingId: data.mappingId,
          partition: data.partition,
          records,
          durationMs: response.durationMs,
        });
        if (i + 1 < data.payloadKeys.length) await job.updateData({ ...data, payloadsDone: i + 1 });
        data.payloadsDone = i + 1;
        continue;
      }
      if (outcome.kind === 'partial') {
        deps.report({
          kind: 'invoked',
          mappingId: data.mappingId,
          partition: data.partition,
          records,
          durationMs: response.durationMs,
        });
        return { kind: 'partial', retryFromOffset: outcome.retryFromOffset };
      }
      const throttled = outcome.reason === 'throttled';
      const failedAttempts = data.failedAttempts + (throttled ? 0 : 1);
      const throttles = (data.throttles ?? 0) + (throttled ? 1 : 0);
      const history = [...(data.history ?? []), { atMs: now(), error: outcome.message }].slice(-HISTORY);
      const updated = { ...data, failedAttempts, throttles, lastError: outcome.message, history };
      await job.updateData(updated);
      Object.assign(data, updated);
      deps.report({
        kind: 'failed',
        mappingId: data.mappingId,
        partition: data.partition,
        records,
        reason: outcome.reason,
        message: outcome.message,
        attempt: failedAttempts,
      });
      let delivered = 0;
      for (let d = 0; d < i; d += 1) {
        const [a, b] = data.payloadRanges[d] as [number, number];
        delivered += b - a + 1;
      }
      const remaining = Math.max(1, data.count - delivered);
      const decision = decide(settings, deps.backoff, {
        failedAttempts,
        throttles,
        throttled,
        ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
        records: remaining,
        oldestTimestampMs: data.oldestTimestampMs,
        nowMs: now(),
      });
      if (decision.kind === 'bisect') return { kind: 'bisect', fromOffset: first, records: remaining };
      if (decision.kind === 'give-up')
        return giveUp(job, mapping, decision.condition, outcome.message, response);
      throw new RetryLater(`${outcome.reason}: ${outcome.message}`, decision.delayMs);
    }
    return { kind: 'success' };
  };
}

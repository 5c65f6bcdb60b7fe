/**
 * One attempt at an in-flight batch: invoke the function with each payload of the batch in order,
 * resuming after those already delivered. A failed attempt throws a RetryLater carrying its delay;
 * BullMQ then retries the same job (same records, same order). Success and partial results return.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { classify } from '../invoke/outcome.ts';
import type { TargetResolver } from '../invoke/resolve.ts';
import type { Logger } from '../log.ts';
import type { Mapping } from '../mapping/types.ts';
import { type BackoffPolicy, retryDelayMs, throttleDelayMs } from './backoff.ts';
import type { BatchJobData, BatchJobResult } from './job.ts';

export class RetryLater extends Error {
  readonly delayMs: number;
  constructor(message: string, delayMs: number) {
    super(message);
    this.name = 'RetryLater';
    this.delayMs = delayMs;
  }
}

export type ProcessingEvent =
  | { kind: 'invoked'; mappingId: string; records: number; durationMs: number }
  | { kind: 'failed'; mappingId: string; records: number; reason: string; message: string; attempt: number };

export interface ProcessorDeps {
  getMapping(uuid: string): Mapping | undefined;
  targets: TargetResolver;
  redis: Redis;
  /** Payload bytes of batches submitted by this process: skips a Redis read on the common path. */
  localPayloads: Map<string, Uint8Array>;
  backoff: BackoffPolicy;
  report(event: ProcessingEvent): void;
  logger: Logger;
}

export function createProcessor(deps: ProcessorDeps) {
  return async function process(job: Job<BatchJobData, BatchJobResult>): Promise<BatchJobResult> {
    const data = job.data;
    const mapping = deps.getMapping(data.mappingId);
    if (!mapping) return { kind: 'lost' };
    const target = deps.targets.get(mapping.functionName);
    for (let i = data.payloadsDone; i < data.payloadKeys.length; i += 1) {
      const key = data.payloadKeys[i] as string;
      const bytes = deps.localPayloads.get(key) ?? (await deps.redis.getBuffer(key));
      if (!bytes) return { kind: 'lost' };
      const [first, last] = data.payloadRanges[i] as [number, number];
      const response = await target.invoke(bytes);
      const outcome = classify(
        response,
        { topic: data.topic, partition: data.partition, firstOffset: first, lastOffset: last },
        mapping.reportBatchItemFailures,
      );
      if (outcome.kind === 'success') {
        deps.report({
          kind: 'invoked',
          mappingId: data.mappingId,
          records: last - first + 1,
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
          records: last - first + 1,
          durationMs: response.durationMs,
        });
        return { kind: 'partial', retryFromOffset: outcome.retryFromOffset };
      }
      const throttled = outcome.reason === 'throttled';
      const failedAttempts = data.failedAttempts + (throttled ? 0 : 1);
      await job.updateData({ ...data, failedAttempts, lastError: outcome.message });
      deps.report({
        kind: 'failed',
        mappingId: data.mappingId,
        records: last - first + 1,
        reason: outcome.reason,
        message: outcome.message,
        attempt: failedAttempts,
      });
      const delayMs = throttled
        ? throttleDelayMs(deps.backoff, outcome.retryAfterMs, job.attemptsMade - failedAttempts + 1)
        : retryDelayMs(deps.backoff, failedAttempts);
      throw new RetryLater(`${outcome.reason}: ${outcome.message}`, delayMs);
    }
    return { kind: 'success' };
  };
}

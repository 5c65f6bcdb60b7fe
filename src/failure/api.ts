/**
 * The admin API's wire shapes for failed batches and replays (src/admin/routes/failed-batches.ts):
 * the replay request schema (zod, also used for the OpenAPI document) and PascalCase responses.
 * Times the API reports are epoch seconds with a fraction, like Lambda's `LastModified`; Kafka record
 * timestamps stay epoch milliseconds, as in the invoke event. Bytes are base64.
 */
import { z } from 'zod';
import { FUNCTION_NAME_PATTERN } from '../mapping/schema.ts';
import type { ReplayJob, ReplayJobStatus, ReplayPlan, ReplayRequest } from './replay-plan.ts';
import { MAX_RATE_PER_SECOND } from './replay-plan.ts';
import type { BatchState, DestinationState, FailedBatch, FailedBatchMeta } from './types.ts';

export const BATCH_ID_PATTERN = /^\d{1,10}-\d{1,19}-\d{1,19}$/;

const STATES = { Failed: 'failed', Replayed: 'replayed' } as const satisfies Record<string, BatchState>;
const STATE_NAMES = { failed: 'Failed', replayed: 'Replayed' } as const;
const DESTINATION_NAMES: Record<DestinationState, string> = {
  none: 'None',
  delivered: 'Delivered',
  failed: 'Failed',
  unreachable: 'Unreachable',
};

/** A point in time: epoch seconds (number or numeric text) or an ISO-8601 string → epoch ms. */
export function parseTime(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const timeSchema = z
  .union([z.number(), z.string().max(40)])
  .refine((v) => parseTime(v) !== undefined, 'Member must be epoch seconds or an ISO-8601 time');

const filterMembers = {
  FromTime: timeSchema.optional(),
  ToTime: timeSchema.optional(),
  Partition: z.int().min(0).max(2_147_483_647).optional(),
  ErrorContains: z.string().min(1).max(256).optional(),
  State: z.enum(['Failed', 'Replayed']).optional(),
};

export const replayRequestSchema = z
  .strictObject({
    BatchIds: z.array(z.string().regex(BATCH_ID_PATTERN)).min(1).max(1000).optional(),
    ...filterMembers,
    FunctionName: z.string().min(1).max(256).regex(FUNCTION_NAME_PATTERN).optional(),
    DryRun: z.boolean().optional(),
    RatePerSecond: z.number().min(0.01).max(MAX_RATE_PER_SECOND).optional(),
    Force: z.boolean().optional(),
  })
  .refine(
    (b) =>
      b.BatchIds === undefined ||
      Object.keys(filterMembers).every((k) => b[k as keyof typeof b] === undefined),
    { message: 'Give either BatchIds or filters, not both', path: ['BatchIds'] },
  );

export type ReplayRequestInput = z.infer<typeof replayRequestSchema>;

export function toReplayRequest(input: ReplayRequestInput): ReplayRequest {
  const filter = {
    ...(input.FromTime === undefined ? {} : { fromMs: parseTime(input.FromTime) as number }),
    ...(input.ToTime === undefined ? {} : { toMs: parseTime(input.ToTime) as number }),
    ...(input.Partition === undefined ? {} : { partition: input.Partition }),
    ...(input.ErrorContains === undefined ? {} : { errorContains: input.ErrorContains }),
    ...(input.State === undefined ? {} : { state: STATES[input.State] }),
  };
  return {
    ...(input.BatchIds === undefined ? { filter } : { batchIds: input.BatchIds }),
    ...(input.FunctionName === undefined ? {} : { functionName: input.FunctionName }),
    ...(input.RatePerSecond === undefined ? {} : { ratePerSecond: input.RatePerSecond }),
    ...(input.Force === undefined ? {} : { force: input.Force }),
  };
}

/** The `State` query parameter → a store state. */
export function stateParam(value: string): BatchState | undefined {
  return value === 'Failed' || value === 'Replayed' ? STATES[value] : undefined;
}

const seconds = (ms: number): number => ms / 1000;

export function failedBatchJson(meta: FailedBatchMeta): Record<string, unknown> {
  return {
    Id: meta.id,
    UUID: meta.mappingId,
    FunctionArn: meta.functionArn,
    Topic: meta.topic,
    Partition: meta.partition,
    FirstOffset: meta.firstOffset,
    LastOffset: meta.lastOffset,
    RecordCount: meta.recordCount,
    FirstRecordTimestamp: meta.firstTimestampMs,
    LastRecordTimestamp: meta.lastTimestampMs,
    Condition: meta.condition,
    Error: meta.error,
    Attempts: meta.attempts.map((a) => ({ Time: seconds(a.atMs), Error: a.error })),
    ApproximateInvokeCount: meta.approximateInvokeCount,
    ResponseContext: meta.responseContext,
    CreatedAt: seconds(meta.createdAtMs),
    ReplayCount: meta.replayCount,
    ...(meta.replayedAtMs === undefined ? {} : { ReplayedAt: seconds(meta.replayedAtMs) }),
    State: STATE_NAMES[meta.state],
    DestinationState: DESTINATION_NAMES[meta.destination],
    ...(meta.destinationError === undefined ? {} : { DestinationError: meta.destinationError }),
  };
}

export function failedBatchDetailJson(batch: FailedBatch): Record<string, unknown> {
  return {
    ...failedBatchJson(batch),
    Records: batch.records.map((r) => ({
      Topic: r.topic,
      Partition: r.partition,
      Offset: r.offset,
      Timestamp: r.timestampMs,
      TimestampType: r.timestampType,
      Key: r.key,
      Value: r.value,
      Headers: r.headers.map((h) => ({ Name: h.name, Value: h.value })),
    })),
  };
}

export function replayJobJson(job: ReplayJob): Record<string, unknown> {
  return {
    ReplayId: job.replayId,
    UUID: job.mappingId,
    FunctionName: job.target.functionName,
    State: job.state,
    Total: job.batchIds.length,
    Done: job.done,
    Replayed: job.replayed,
    Failed: job.failed,
    Skipped: job.skipped,
    Missing: job.missing,
    Interrupted: job.interrupted,
    RatePerSecond: job.ratePerSecond,
    Force: job.force,
    MaximumReplays: job.maxReplays,
    CreatedAt: seconds(job.createdAtMs),
    ...(job.finishedAtMs === undefined ? {} : { FinishedAt: seconds(job.finishedAtMs) }),
  };
}

export function replayStatusJson(status: ReplayJobStatus): Record<string, unknown> {
  return {
    ...replayJobJson(status),
    Results: status.results.map((r) => ({
      BatchId: r.batchId,
      Status: r.status,
      ...('atMs' in r ? { Time: seconds(r.atMs) } : {}),
      ...('error' in r && r.error !== undefined ? { Error: r.error } : {}),
    })),
  };
}

export function replayPlanJson(plan: ReplayPlan): Record<string, unknown> {
  return {
    DryRun: true,
    UUID: plan.mappingId,
    FunctionName: plan.functionName,
    RatePerSecond: plan.ratePerSecond,
    ToSend: plan.toSend,
    Invocations: plan.invocations,
    EstimatedDurationSeconds: seconds(plan.estimatedDurationMs),
    Batches: plan.batches.map((b) => ({
      BatchId: b.batchId,
      Action: b.action,
      ...(b.partition === undefined ? {} : { Partition: b.partition }),
      ...(b.firstOffset === undefined ? {} : { FirstOffset: b.firstOffset, LastOffset: b.lastOffset }),
      ...(b.recordCount === undefined ? {} : { RecordCount: b.recordCount }),
      ...(b.replayCount === undefined ? {} : { ReplayCount: b.replayCount }),
      ...(b.state === undefined ? {} : { State: STATE_NAMES[b.state] }),
      ...(b.payloads === undefined ? {} : { Payloads: b.payloads, PayloadBytes: b.payloadBytes }),
      ...(b.reason === undefined ? {} : { Reason: b.reason }),
    })),
  };
}

/**
 * Replay of failed batches (peers.md §14 item 2): pick batches by id or by filter (time range,
 * partition, error text), send them again — to the mapping's function or another one — at a bounded
 * rate, with a loop guard (a batch replayed `maxReplays` times is skipped unless forced), a dry run
 * that changes nothing, and progress that survives a restart (replay-runner.ts: claim before invoke,
 * so no batch is ever invoked twice by one job).
 *
 * `plan` is the dry run; `create` persists a job and wakes the runner; `status`/`list` read jobs back.
 */
import { randomUUID } from 'node:crypto';
import type { BatchEncoder } from '../encode/types.ts';
import { BridgeError } from '../errors.ts';
import type { Mapping } from '../mapping/types.ts';
import type { ReplayJobs } from './replay-jobs.ts';
import {
  byPartitionAndOffset,
  DEFAULT_MAX_REPLAYS,
  DEFAULT_RATE_PER_SECOND,
  type PlannedBatch,
  planBatch,
  type ReplayJob,
  type ReplayJobStatus,
  type ReplayPlan,
  type ReplayRequest,
  type ReplayTarget,
  summarizePlan,
} from './replay-plan.ts';
import { encodeOptions, type ReplayRunner } from './replay-runner.ts';
import type { FailedBatchStore } from './store.ts';
import type { FailedBatchMeta } from './types.ts';

export interface ReplayServiceDeps {
  readonly store: Pick<FailedBatchStore, 'list' | 'getPacked'>;
  readonly jobs: Pick<ReplayJobs, 'create' | 'status' | 'list'>;
  readonly encoder: BatchEncoder;
  /** Woken when a job is created; absent = jobs wait for some runner's next scan. */
  readonly runner?: Pick<ReplayRunner, 'kick'>;
  /** The loop guard's limit; default 3. */
  readonly maxReplays?: number;
  /** Largest job; default 10 000 batches. */
  readonly maxBatchesPerReplay?: number;
  readonly maxPayloadBytes?: number;
  readonly clock?: () => number;
  readonly newId?: () => string;
}

export class ReplayService {
  readonly #deps: ReplayServiceDeps;

  constructor(deps: ReplayServiceDeps) {
    this.#deps = deps;
  }

  /**
   * The dry run: what `create` would send, and what it would skip and why. Reads only.
   * @throws BridgeError INVALID_PARAMETER when nothing is selected.
   */
  async plan(mapping: Mapping, request: ReplayRequest): Promise<ReplayPlan> {
    const target = this.#target(mapping, request);
    const guard = { maxReplays: this.#maxReplays, force: request.force ?? false };
    const batches: PlannedBatch[] = [];
    for (const batchId of await this.#select(mapping.uuid, request)) {
      const found = await this.#deps.store.getPacked(mapping.uuid, batchId);
      let encoded: { payloads: number; payloadBytes: number; oversized: number } | undefined;
      if (found !== undefined) {
        const out = this.#deps.encoder.encode(
          found.packed,
          encodeOptions(target, this.#deps.maxPayloadBytes),
        );
        encoded = {
          payloads: out.payloads.length,
          payloadBytes: out.payloads.reduce((n, p) => n + p.bytes.length, 0),
          oversized: out.oversized.length,
        };
      }
      batches.push(planBatch(batchId, found?.meta, encoded, guard));
    }
    return summarizePlan(
      { mappingId: mapping.uuid, functionName: target.functionName, ratePerSecond: this.#rate(request) },
      batches,
    );
  }

  /**
   * Creates a replay job and wakes the runner.
   * @throws BridgeError INVALID_PARAMETER when nothing is selected.
   */
  async create(mapping: Mapping, request: ReplayRequest): Promise<ReplayJobStatus> {
    const batchIds = await this.#select(mapping.uuid, request);
    const replayId = (this.#deps.newId ?? randomUUID)();
    await this.#deps.jobs.create({
      replayId,
      mappingId: mapping.uuid,
      target: this.#target(mapping, request),
      batchIds,
      ratePerSecond: this.#rate(request),
      force: request.force ?? false,
      maxReplays: this.#maxReplays,
      createdAtMs: (this.#deps.clock ?? Date.now)(),
    });
    this.#deps.runner?.kick();
    const status = await this.#deps.jobs.status({ mappingId: mapping.uuid, replayId });
    if (status === undefined) throw new BridgeError('INTERNAL', 'replay job vanished after create');
    return status;
  }

  status(mappingId: string, replayId: string): Promise<ReplayJobStatus | undefined> {
    return this.#deps.jobs.status({ mappingId, replayId });
  }

  list(mappingId: string, limit = 50): Promise<ReplayJob[]> {
    return this.#deps.jobs.list(mappingId, limit);
  }

  get #maxReplays(): number {
    return this.#deps.maxReplays ?? DEFAULT_MAX_REPLAYS;
  }

  #rate(request: ReplayRequest): number {
    return request.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
  }

  #target(mapping: Mapping, request: ReplayRequest): ReplayTarget {
    return {
      functionName: request.functionName ?? mapping.functionName,
      eventSource: mapping.eventSource,
      ...(mapping.eventSourceArn === undefined ? {} : { eventSourceArn: mapping.eventSourceArn }),
      bootstrapServers: mapping.bootstrapServers.join(','),
      reportBatchItemFailures: mapping.reportBatchItemFailures,
    };
  }

  /** The batch ids a request names: explicit ids as given (deduplicated), or a filter's matches. */
  async #select(mappingId: string, request: ReplayRequest): Promise<string[]> {
    const cap = this.#deps.maxBatchesPerReplay ?? 10_000;
    let ids: string[];
    if (request.batchIds !== undefined) {
      ids = [...new Set(request.batchIds)];
    } else {
      const f = request.filter ?? {};
      const found: FailedBatchMeta[] = [];
      let marker: string | undefined;
      do {
        const page = await this.#deps.store.list(mappingId, {
          ...f,
          state: f.state ?? 'failed',
          limit: 1000,
          ...(marker === undefined ? {} : { marker }),
        });
        found.push(...page.batches);
        marker = page.nextMarker;
      } while (marker !== undefined && found.length < cap);
      ids = found.sort(byPartitionAndOffset).map((b) => b.id);
    }
    if (ids.length === 0) throw new BridgeError('INVALID_PARAMETER', 'No failed batches match the request.');
    if (ids.length > cap) {
      throw new BridgeError('INVALID_PARAMETER', `A replay takes at most ${cap} batches; narrow the filter.`);
    }
    return ids;
  }
}

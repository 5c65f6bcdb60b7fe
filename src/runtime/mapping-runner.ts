/**
 * Runs one mapping in this instance: the poll loop, per-partition batching, dispatch of one batch per
 * partition at a time, and commits of the settled prefix. Invariants (docs/architecture.md):
 *
 *   poll ──► PartitionBuffer (per partition) ──► encode ──► Dispatcher.submit ──► … settle
 *                 ▲ dedupe below nextOffset                                     │
 *                 └────────── next batch only after settle ◄── commit(last+1) ◄─┘
 *
 * - The loop never awaits a function: it awaits only poll; settlement arrives as a callback.
 * - A partition's next batch is submitted only after the previous one settled (order).
 * - A settled result is committed only while this instance still owns the partition in the same
 *   rebalance generation (fencing); a newly assigned partition first adopts any in-flight job that
 *   starts at the committed offset.
 */
import { type PackedOps, PartitionBuffer, type TakenBatch } from '../batch/partition-buffer.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import type { FailureSink } from '../dispatch/failure-sink.ts';
import { type BatchJobData, type BatchJobResult, jobId, payloadKey } from '../dispatch/job.ts';
import type { LocalPayloads } from '../dispatch/local-payloads.ts';
import type { BatchEncoder } from '../encode/types.ts';
import type { BatchConsumer, RebalanceEvent } from '../kafka/consumer.ts';
import type { Logger } from '../log.ts';
import type { Mapping } from '../mapping/types.ts';
import { CommitQueue } from './commit-queue.ts';
import type { PartitionHealth } from './partition-health.ts';
import { prepareBatch } from './prepare-batch.ts';
import { connectionProblem } from './problems.ts';

/** The last failure seen for a partition's current batch (from the processor's reports). */
export interface PartitionFailure {
  attempts: number;
  error: string;
  atMs: number;
}

export interface RunnerEvents {
  committed(mappingId: string, partition: number, offset: number, records: number): void;
  filtered(mappingId: string, records: number): void;
  problem(mappingId: string, message: string): void;
  oversized(mappingId: string, partition: number, offset: number): void;
}

export interface RunnerDeps {
  mapping: Mapping;
  consumer: BatchConsumer;
  dispatcher: Dispatcher;
  encoder: Pick<BatchEncoder, 'encode'>;
  packed: PackedOps;
  prefix: string;
  maxPayloadBytes: number;
  localPayloads: LocalPayloads;
  events: RunnerEvents;
  /** Compiles FilterCriteria patterns into a predicate on record values; undefined = keep all. */
  compileFilters: (patterns: readonly string[]) => ((value: Uint8Array | null) => boolean) | undefined;
  failures: FailureSink;
  /** StartingPosition AT_TIMESTAMP: the first offset at or after a timestamp (-1: none yet). */
  offsetForTimestamp?: (partition: number, timestampMs: number) => Promise<number>;
  logger: Logger;
  now?: () => number;
}

interface InFlight {
  id: string;
  data: BatchJobData;
}

interface PartitionState {
  buffer: PartitionBuffer;
  generation: number;
  /** False until the adoption check for this assignment has run. */
  ready: boolean;
  inFlight: InFlight | undefined;
  paused: boolean;
  /** After a bisect: batches of at most `size` records until `until` is passed. */
  limit?: { size: number; until: number } | undefined;
  /** Commits and cleanups of settled batches, in order, off the dispatch path. */
  commits: CommitQueue<InFlight>;
  /** Next offset after the last settled batch (ahead of Kafka's committed offset while commits run). */
  settledOffset?: number | undefined;
}

export class MappingRunner {
  private mapping: Mapping;
  private readonly deps: RunnerDeps;
  private readonly parts = new Map<number, PartitionState>();
  private generation = 0;
  private running = false;
  /** Set by stop(): no new batches, but settled ones still commit. */
  private draining = false;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly now: () => number;
  private filterKey = '';
  private nonce = 0;
  private readonly instance = Math.random().toString(36).slice(2, 8);
  private filter: ((value: Uint8Array | null) => boolean) | undefined;

  constructor(deps: RunnerDeps) {
    this.deps = deps;
    this.mapping = deps.mapping;
    this.now = deps.now ?? Date.now;
  }

  /** The listener the consumer adapter calls on rebalances and errors. */
  readonly listener = {
    onRebalance: (event: RebalanceEvent) => this.onRebalance(event),
    onError: (error: Error) => {
      this.deps.logger.warn('consumer error', { error });
      this.deps.events.problem(this.mapping.uuid, connectionProblem(error));
    },
  };

  update(mapping: Mapping): void {
    this.mapping = mapping;
  }

  async start(): Promise<void> {
    await this.deps.dispatcher.ready();
    await this.deps.consumer.connect();
    this.deps.consumer.subscribe([this.mapping.topic]);
    this.running = true;
    this.loop = this.pollLoop();
  }

  private async pollLoop(): Promise<void> {
    while (this.running) {
      const now = this.now();
      let timeout = 100;
      for (const st of this.parts.values()) {
        const due = st.buffer.msUntilDue(now, this.mapping.batchingWindowMs);
        if (due !== undefined && !st.inFlight) timeout = Math.min(timeout, due);
      }
      if (this.saturated()) {
        await Promise.race([this.progress.promise, new Promise((r) => setTimeout(r, 100))]);
        for (const [partition, st] of this.parts) this.maybeDispatch(partition, st);
        continue;
      }
      let batches: Awaited<ReturnType<BatchConsumer['poll']>>;
      try {
        batches = await this.deps.consumer.poll(
          Math.min(10_000, Math.max(1000, this.mapping.batchSize * 2)),
          Math.max(1, timeout),
        );
      } catch (error) {
        this.deps.logger.warn('poll failed', { error });
        this.deps.events.problem(this.mapping.uuid, connectionProblem(error as Error));
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      const at = this.now();
      for (const batch of batches) {
        if (batch.topic !== this.mapping.topic) continue;
        let st = this.parts.get(batch.partition);
        if (batch.generation < this.generation && !st) continue; // fetched under a revoked assignment
        if (!st) st = this.assign(batch.partition, batch.generation);
        else if (batch.generation < st.generation) continue;
        st.buffer.append(batch, at);
        this.applyBackpressure(batch.partition, st);
      }
      for (const [partition, st] of this.parts) this.maybeDispatch(partition, st);
    }
  }

  /**
   * Backpressure. The loop stops polling while every partition already holds a full batch (see
   * pollLoop); a partition is paused only when it alone piles up eight, and resumed at two. Pausing is
   * the expensive tool: librdkafka drops that partition's prefetched records and refetches them late.
   */
  private applyBackpressure(partition: number, st: PartitionState): void {
    const batch = this.mapping.batchSize;
    if (!st.paused && st.buffer.count >= batch * 8) {
      st.paused = true;
      this.deps.consumer.pause([{ topic: this.mapping.topic, partition }]);
    } else if (st.paused && st.buffer.count <= batch * 2) {
      st.paused = false;
      this.deps.consumer.resume([{ topic: this.mapping.topic, partition }]);
    }
  }

  /**
   * True when every owned partition is ready and already holds a full batch: polling would only add
   * memory. A partition still being adopted keeps the loop polling, because the consumer's events
   * (and, for some adapters, the answers adoption waits for) arrive through poll.
   */
  private saturated(): boolean {
    if (this.parts.size === 0) return false;
    // One batch ready beside the one in flight keeps a partition busy; more is memory (measured).
    const enough = this.mapping.batchSize;
    for (const st of this.parts.values()) if (!st.ready || st.buffer.count < enough) return false;
    return true;
  }

  /** Resolved whenever a batch settles: wakes a loop that stopped polling. */
  private progress: { promise: Promise<void>; resolve: () => void } = Promise.withResolvers<void>();

  private signalProgress(): void {
    this.progress.resolve();
    this.progress = Promise.withResolvers<void>();
  }

  private assign(partition: number, generation: number): PartitionState {
    const st: PartitionState = {
      buffer: new PartitionBuffer(this.mapping.topic, partition, this.deps.packed),
      generation,
      ready: false,
      inFlight: undefined,
      paused: false,
      commits: this.commitQueue(partition, () => st),
    };
    this.parts.set(partition, st);
    void this.adopt(partition, st);
    return st;
  }

  private onRebalance(event: RebalanceEvent): void {
    this.generation = Math.max(this.generation, event.generation);
    for (const tp of event.partitions) {
      if (tp.topic !== this.mapping.topic) continue;
      const existing = this.parts.get(tp.partition);
      if (event.kind === 'revoke') {
        // Fence: a result that arrives later for this partition is never committed by us.
        if (existing?.inFlight) this.deps.dispatcher.forget(existing.inFlight.id);
        this.parts.delete(tp.partition);
      } else if (!existing || existing.generation < event.generation) {
        if (existing?.inFlight) this.deps.dispatcher.forget(existing.inFlight.id);
        this.assign(tp.partition, event.generation);
      }
    }
  }

  private owns(partition: number, st: PartitionState): boolean {
    return this.running && this.parts.get(partition) === st;
  }

  /** On a new assignment: adopt the in-flight job that starts at the committed offset, if any. */
  private async adopt(partition: number, st: PartitionState): Promise<void> {
    const topic = this.mapping.topic;
    try {
      const [committed] = await this.deps.consumer.committed([{ topic, partition }], 10_000);
      if (committed && committed.offset >= 0 && this.owns(partition, st)) {
        const id = jobId(partition, committed.offset);
        const view = await this.deps.dispatcher.find(id);
        if (view && view.state !== 'failed' && this.owns(partition, st)) {
          this.deps.logger.info('adopting in-flight batch', {
            partition,
            firstOffset: view.data.firstOffset,
            state: view.state,
          });
          const next = view.data.lastOffset + 1;
          st.buffer.reset(next);
          await this.deps.consumer.seek({ topic, partition, offset: next });
          const adopted: InFlight = { id, data: view.data };
          st.inFlight = adopted;
          if (view.result) void this.settled(partition, st, adopted, view.result);
          else
            void this.deps.dispatcher
              .wait(id, { armed: true })
              .then((r) => this.settled(partition, st, adopted, r));
        }
      }
      if ((!committed || committed.offset < 0) && this.owns(partition, st))
        await this.startAtTimestamp(partition, st);
    } catch (error) {
      this.deps.logger.warn('adoption check failed; continuing from the committed offset', {
        partition,
        error,
      });
    }
    st.ready = true;
    if (this.owns(partition, st)) this.maybeDispatch(partition, st);
  }

  /** A group with no committed offset and StartingPosition AT_TIMESTAMP starts at that time, as on AWS. */
  private async startAtTimestamp(partition: number, st: PartitionState): Promise<void> {
    const m = this.mapping;
    if (m.startingPosition !== 'AT_TIMESTAMP' || m.startingPositionTimestampMs === undefined) return;
    if (!this.deps.offsetForTimestamp) return;
    let offset = await this.deps.offsetForTimestamp(partition, m.startingPositionTimestampMs);
    if (offset < 0)
      offset = (await this.deps.consumer.watermarks({ topic: m.topic, partition }, 10_000)).high;
    if (!this.owns(partition, st)) return;
    this.deps.logger.info('starting at timestamp', {
      partition,
      offset,
      timestamp: m.startingPositionTimestampMs,
    });
    st.buffer.reset(offset);
    await this.deps.consumer.seek({ topic: m.topic, partition, offset });
  }

  private batchLimit(st: PartitionState): number {
    return st.limit ? Math.min(this.mapping.batchSize, st.limit.size) : this.mapping.batchSize;
  }

  private currentFilter(): ((value: Uint8Array | null) => boolean) | undefined {
    const key = JSON.stringify(this.mapping.filterPatterns);
    if (key !== this.filterKey) {
      this.filterKey = key;
      this.filter = this.deps.compileFilters(this.mapping.filterPatterns);
    }
    return this.filter;
  }

  private maybeDispatch(partition: number, st: PartitionState): void {
    if (!this.running || this.draining || !st.ready || st.inFlight) return;
    const limit = this.batchLimit(st);
    const windowMs = st.limit ? 0 : this.mapping.batchingWindowMs;
    if (!st.buffer.isDue(this.now(), limit, windowMs)) return;
    const taken = st.buffer.take(limit, this.now());
    if (!taken) return;
    this.applyBackpressure(partition, st);
    const id = jobId(partition, taken.firstOffset);
    const placeholder: InFlight = { id, data: this.jobData(partition, taken, [], [], 0) };
    st.inFlight = placeholder;
    this.dispatch(partition, st, taken, placeholder).catch((error: unknown) => {
      this.deps.logger.error('could not submit batch; rewinding to the committed offset', {
        partition,
        error,
      });
      this.deps.dispatcher.forget(st.inFlight?.id ?? id);
      void this.settled(partition, st, st.inFlight ?? placeholder, { kind: 'lost' });
    });
  }

  private jobData(
    partition: number,
    taken: TakenBatch,
    keys: string[],
    ranges: Array<[number, number]>,
    count: number,
    oldest = 0,
  ): BatchJobData {
    return {
      mappingId: this.mapping.uuid,
      topic: this.mapping.topic,
      partition,
      firstOffset: taken.firstOffset,
      lastOffset: taken.lastOffset,
      count,
      payloadKeys: keys,
      payloadRanges: ranges,
      payloadsDone: 0,
      createdAtMs: this.now(),
      oldestTimestampMs: oldest,
      failedAttempts: 0,
    };
  }

  /**
   * Filter and encode (./prepare-batch.ts), hand oversized records to failure handling, submit; or
   * settle at once when nothing is left.
   */
  private async dispatch(
    partition: number,
    st: PartitionState,
    taken: TakenBatch,
    placeholder: InFlight,
  ): Promise<void> {
    const m = this.mapping;
    const prepared = prepareBatch(
      taken.data,
      {
        eventSource: m.eventSource,
        ...(m.eventSourceArn ? { eventSourceArn: m.eventSourceArn } : {}),
        bootstrapServers: m.bootstrapServers.join(','),
        maxPayloadBytes: this.deps.maxPayloadBytes,
      },
      { encoder: this.deps.encoder, packed: this.deps.packed, filter: this.currentFilter() },
    );
    if (prepared.filtered > 0) this.deps.events.filtered(m.uuid, prepared.filtered);
    const nonce = `${this.instance}${(this.nonce++).toString(36)}`;
    const keys = prepared.payloads.map((p, i) => {
      const key = payloadKey(this.deps.prefix, m.uuid, partition, taken.firstOffset, i, nonce);
      this.deps.localPayloads.set(key, p.bytes);
      return key;
    });
    // Records too large for any payload leave through failure handling before the batch is submitted:
    // once stored, their offsets may be committed with the rest (invariant 2).
    for (const o of prepared.oversized) {
      this.deps.events.oversized(m.uuid, partition, o.offset);
      await this.deps.failures.handOff({
        mapping: m,
        packed: o.packed,
        condition: 'MaximumPayloadSizeExceeded',
        error: `record of ${o.bytes} bytes exceeds the ${this.deps.maxPayloadBytes}-byte payload cap`,
        attempts: [],
        approximateInvokeCount: 0,
        responseContext: null,
      });
    }
    if (keys.length === 0) {
      await this.settled(partition, st, placeholder, { kind: 'success' });
      return;
    }
    const inFlight: InFlight = {
      id: placeholder.id,
      data: this.jobData(
        partition,
        taken,
        keys,
        prepared.payloads.map((p) => p.range),
        prepared.payloads.reduce((n, p) => n + p.records, 0),
        prepared.oldestTimestampMs,
      ),
    };
    if (!this.owns(partition, st) || st.inFlight !== placeholder) {
      for (const key of keys) this.deps.localPayloads.drop(key);
      return; // revoked while encoding
    }
    st.inFlight = inFlight;
    const settled = this.deps.dispatcher.wait(inFlight.id);
    // The Redis client reads the bytes in place while writing them: a use of each keeps them from
    // being freed until submit returns, even if the batch settles meanwhile (a stale job's result).
    const bytes = keys.map((k) => this.deps.localPayloads.use(k) as Uint8Array);
    let adopted: BatchJobData | undefined;
    try {
      adopted = await this.deps.dispatcher.submit(inFlight.data, bytes);
    } finally {
      for (const key of keys) this.deps.localPayloads.done(key);
    }
    if (adopted) {
      // An earlier owner's job for the same first offset is still running: finish that batch instead.
      for (const key of keys) this.deps.localPayloads.drop(key);
      this.deps.logger.info('adopting in-flight batch', { partition, firstOffset: adopted.firstOffset });
      inFlight.data = adopted;
      st.buffer.reset(adopted.lastOffset + 1);
      await this.deps.consumer.seek({ topic: m.topic, partition, offset: adopted.lastOffset + 1 });
    }
    void settled.then((result) => this.settled(partition, st, inFlight, result));
  }

  private async settled(
    partition: number,
    st: PartitionState,
    inFlight: InFlight,
    result: BatchJobResult,
  ): Promise<void> {
    for (const key of inFlight.data.payloadKeys) this.deps.localPayloads.drop(key);
    if (!this.owns(partition, st) || st.inFlight !== inFlight) return; // fenced
    const data = inFlight.data;
    if (result.kind === 'success' || result.kind === 'given-up') {
      // The next batch may start now; the commit (cumulative, in order) and cleanup follow behind it.
      st.settledOffset = data.lastOffset + 1;
      if (st.limit && data.lastOffset >= st.limit.until) st.limit = undefined;
      st.inFlight = undefined;
      st.commits.add(data.lastOffset + 1, data.count, inFlight);
    } else {
      await st.commits.idle();
      try {
        await this.rewind(partition, st, data, result);
        await this.deps.dispatcher.cleanup(inFlight.id, data);
      } catch (error) {
        this.deps.logger.warn('settling a batch failed', { partition, error });
      }
      if (st.inFlight === inFlight) st.inFlight = undefined;
    }
    this.signalProgress();
    if (this.owns(partition, st)) {
      this.applyBackpressure(partition, st);
      this.maybeDispatch(partition, st);
    }
  }

  /** A partition's commits (src/runtime/commit-queue.ts), fenced: never for a partition no longer ours. */
  private commitQueue(partition: number, state: () => PartitionState): CommitQueue<InFlight> {
    const topic = this.mapping.topic;
    return new CommitQueue<InFlight>({
      commit: async (offset, records) => {
        // A revoked partition's late commit could move a new owner's offset backwards: skip it.
        if (!this.owns(partition, state())) return false;
        await this.deps.consumer.commit([{ topic, partition, offset }]);
        this.deps.events.committed(this.mapping.uuid, partition, offset, records);
        return true;
      },
      cleanup: async (done) => {
        await Promise.all(done.map((d) => this.deps.dispatcher.cleanup(d.id, d.data)));
      },
      failed: (offset, error) => this.deps.logger.warn('commit failed', { partition, offset, error }),
    });
  }

  /** Bisect, partial batch response, or a batch lost from Redis: commit what settled, seek back. */
  private async rewind(partition: number, st: PartitionState, data: BatchJobData, result: BatchJobResult) {
    const topic = this.mapping.topic;
    if (result.kind === 'bisect') {
      const from = result.fromOffset;
      if (from > data.firstOffset) await this.deps.consumer.commit([{ topic, partition, offset: from }]);
      const size = Math.max(1, Math.ceil(result.records / 2));
      st.limit = {
        size: Math.min(size, st.limit?.size ?? size),
        until: Math.max(data.lastOffset, st.limit?.until ?? 0),
      };
      this.deps.logger.info('bisecting a failing batch', { partition, from, size: st.limit.size });
      st.buffer.reset(from);
      await this.deps.consumer.seek({ topic, partition, offset: from });
    } else if (result.kind === 'partial') {
      const from = result.retryFromOffset;
      if (from > data.firstOffset) await this.deps.consumer.commit([{ topic, partition, offset: from }]);
      st.settledOffset = from;
      st.buffer.reset(from);
      await this.deps.consumer.seek({ topic, partition, offset: from });
    } else {
      const [committed] = await this.deps.consumer.committed([{ topic, partition }], 10_000);
      const known = Math.max(committed?.offset ?? -1, st.settledOffset ?? -1);
      const from = known >= 0 ? known : data.firstOffset;
      this.deps.logger.warn('in-flight batch lost from Redis; rewinding to the settled offset', {
        partition,
        from,
      });
      st.buffer.reset(from);
      await this.deps.consumer.seek({ topic, partition, offset: from });
    }
  }

  /** What this instance sees of the partitions it owns (src/runtime/partition-health.ts). */
  health(instance: string, failures: ReadonlyMap<number, PartitionFailure> | undefined): PartitionHealth[] {
    const now = this.now();
    return [...this.parts].map(([partition, st]) => {
      const failure = failures?.get(partition);
      const inFlight = st.inFlight?.data;
      return {
        partition,
        instance,
        buffered: st.buffer.count,
        paused: st.paused,
        ...(st.settledOffset === undefined ? {} : { settledOffset: st.settledOffset }),
        ...(inFlight
          ? {
              inFlight: {
                firstOffset: inFlight.firstOffset,
                lastOffset: inFlight.lastOffset,
                records: inFlight.count,
                sinceMs: inFlight.createdAtMs,
              },
            }
          : {}),
        ...(failure
          ? { failedAttempts: failure.attempts, lastError: failure.error, lastErrorAtMs: failure.atMs }
          : {}),
        updatedAtMs: now,
      };
    });
  }

  /** The first offset still in the topic for a partition (records below it left by retention). */
  async lowWatermark(partition: number): Promise<number> {
    const { low } = await this.deps.consumer.watermarks({ topic: this.mapping.topic, partition }, 5_000);
    return low;
  }

  /** In-flight batches across owned partitions (for drain and health). */
  inFlightCount(): number {
    let n = 0;
    for (const st of this.parts.values()) if (st.inFlight) n += 1;
    return n;
  }

  /** Stop polling, let in-flight batches settle (bounded), commit what settled, disconnect. */
  stop(drainTimeoutMs: number): Promise<void> {
    this.stopping ??= (async () => {
      const deadline = this.now() + drainTimeoutMs;
      const wasRunning = this.running;
      // Keep `running` (ownership) while draining so settled results still commit; stop new batches.
      this.draining = true;
      while (wasRunning && this.inFlightCount() > 0) {
        const left = deadline - this.now();
        if (left <= 0) break;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.progress.promise, new Promise((r) => (timer = setTimeout(r, left)))]);
        clearTimeout(timer);
      }
      await Promise.all([...this.parts.values()].map((st) => st.commits.idle()));
      this.running = false;
      await this.loop?.catch(() => undefined);
      await this.deps.consumer
        .disconnect()
        .catch((error: unknown) => this.deps.logger.warn('disconnect failed', { error }));
    })();
    return this.stopping;
  }
}

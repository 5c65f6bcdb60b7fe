/**
 * One BullMQ queue per mapping, with a worker in every instance. The partition owner submits a batch
 * and awaits its settlement; whichever instance's worker picks the job invokes the function. Retries
 * are BullMQ attempts of the same job — safe for ordering because the owner never submits the next
 * batch of a partition before this one settles (one job per partition in flight, cluster-wide).
 *
 * A job's result reaches the owner three ways, first one wins: the local worker's `completed` event
 * (same process), QueueEvents (another instance), and a sweep that reads job state (missed events,
 * Redis restarts: a job that vanished settles as `lost`, and the owner rewinds).
 */
import { type ConnectionOptions, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { type BatchJobData, type BatchJobResult, jobId, queueName } from './job.ts';
import { setBytes } from './set-bytes.ts';

export interface DispatcherOptions {
  mappingId: string;
  connection: ConnectionOptions;
  /** A plain ioredis client for payload bytes (binary-safe GET/SET). */
  redis: Redis;
  prefix: string;
  logger: Logger;
  processor: (job: Job<BatchJobData, BatchJobResult>) => Promise<BatchJobResult>;
  /** Delay before attempt n+1, decided by the processor's error. */
  backoffMs: (attemptsMade: number, error: Error | undefined) => number;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  sweepIntervalMs?: number;
}

export interface JobView {
  state: string;
  data: BatchJobData;
  result?: BatchJobResult;
}

/** `armed` once the job is known to exist in Redis: only then may the sweep read its absence as loss. */
interface Waiter {
  resolve: (result: BatchJobResult) => void;
  armed: boolean;
}

function parseResult(value: unknown): BatchJobResult {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as BatchJobResult;
    } catch {
      return { kind: 'lost' };
    }
  }
  return (value as BatchJobResult | null) ?? { kind: 'lost' };
}

export class Dispatcher {
  readonly queue: Queue<BatchJobData, BatchJobResult>;
  private readonly worker: Worker<BatchJobData, BatchJobResult>;
  private readonly events: QueueEvents;
  private readonly waiters = new Map<string, Waiter>();
  private readonly options: DispatcherOptions;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: DispatcherOptions) {
    this.options = options;
    const name = queueName(options.mappingId);
    const common = { connection: options.connection, prefix: options.prefix };
    this.queue = new Queue(name, common);
    this.events = new QueueEvents(name, common);
    this.worker = new Worker(name, options.processor, {
      ...common,
      concurrency: options.concurrency ?? 64,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 10_000,
      // A stall means an instance died mid-invoke: retry, never fail the batch for it.
      maxStalledCount: 1_000_000,
      settings: { backoffStrategy: (attemptsMade, _type, error) => options.backoffMs(attemptsMade, error) },
    });
    this.worker.on('completed', (job, result) => this.settle(job.id ?? '', result));
    this.worker.on('error', (error) => options.logger.warn('worker error', { error }));
    this.events.on('completed', ({ jobId: id, returnvalue }) => this.settle(id, parseResult(returnvalue)));
    this.sweepTimer = setInterval(() => void this.sweep(), options.sweepIntervalMs ?? 2000);
    this.sweepTimer.unref();
  }

  async ready(): Promise<void> {
    await Promise.all([
      this.queue.waitUntilReady(),
      this.events.waitUntilReady(),
      this.worker.waitUntilReady(),
    ]);
  }

  private settle(id: string, result: BatchJobResult): void {
    const waiter = this.waiters.get(id);
    if (!waiter) return;
    this.waiters.delete(id);
    waiter.resolve(result);
  }

  private async sweep(): Promise<void> {
    for (const [id, waiter] of [...this.waiters]) {
      if (!waiter.armed) continue;
      try {
        const job = await this.queue.getJob(id);
        if (!job) this.settle(id, { kind: 'lost' });
        else if (job.finishedOn && job.returnvalue) this.settle(id, parseResult(job.returnvalue));
      } catch (error) {
        this.options.logger.debug('sweep failed', { error });
      }
    }
  }

  /**
   * Stores the payload bytes, then adds the job (idempotent by job id). When a job with this id is
   * still in flight (submitted by an earlier owner of the partition), nothing is added and its data is
   * returned: the caller adopts that batch, whose offsets may differ from the one it meant to submit.
   */
  async submit(data: BatchJobData, payloads: Uint8Array[]): Promise<BatchJobData | undefined> {
    const id = jobId(data.partition, data.firstOffset);
    // Payload keys are unique per submission, so writing them cannot disturb an earlier job with
    // the same id: the writes and the lookup of that job go out together (one round trip). Each
    // write goes out without a copy of the bytes (src/dispatch/set-bytes.ts), so this returns, or
    // throws, only once every write has settled: the caller may free the bytes after that.
    const writes = payloads.map((bytes, i) =>
      setBytes(this.options.redis, data.payloadKeys[i] as string, bytes),
    );
    let stale: Job<BatchJobData, BatchJobResult> | undefined;
    try {
      [stale] = await Promise.all([this.queue.getJob(id), ...writes]);
    } finally {
      await Promise.allSettled(writes);
    }
    if (stale) {
      const state = await stale.getState();
      if (state === 'completed' || state === 'failed') await stale.remove();
      else {
        await this.options.redis.del(...data.payloadKeys);
        this.arm(id);
        return stale.data;
      }
    }
    await this.queue.add('batch', data, {
      jobId: id,
      attempts: Number.MAX_SAFE_INTEGER,
      backoff: { type: 'custom' },
      removeOnComplete: false,
      removeOnFail: false,
    });
    this.arm(id);
    return undefined;
  }

  private arm(id: string): void {
    const waiter = this.waiters.get(id);
    if (waiter) waiter.armed = true;
  }

  /**
   * Resolves when the job settles (see the class comment for how). Register before `submit` so no
   * event is missed; `armed: true` for a job already known to exist (adoption).
   */
  wait(id: string, options: { armed?: boolean } = {}): Promise<BatchJobResult> {
    return new Promise((resolve) => {
      this.waiters.set(id, { resolve, armed: options.armed ?? false });
    });
  }

  /** Stops waiting for a job whose partition this instance no longer owns (the result is fenced). */
  forget(id: string): void {
    this.waiters.delete(id);
  }

  async find(id: string): Promise<JobView | undefined> {
    const job = await this.queue.getJob(id);
    if (!job) return undefined;
    const state = await job.getState();
    return {
      state,
      data: job.data,
      ...(state === 'completed' ? { result: parseResult(job.returnvalue) } : {}),
    };
  }

  /** After the owner committed past a batch: drop the job and its payload bytes. */
  async cleanup(id: string, data: BatchJobData): Promise<void> {
    const job = await this.queue.getJob(id);
    await job?.remove().catch(() => undefined);
    if (data.payloadKeys.length > 0) await this.options.redis.del(...data.payloadKeys);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.sweepTimer) clearInterval(this.sweepTimer);
      await this.worker.close();
      await this.events.close();
      await this.queue.close();
    })();
    return this.closing;
  }
}

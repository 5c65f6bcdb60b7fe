/**
 * ReplayRunner: works through replay jobs, one async loop per job, resuming unfinished jobs after a
 * restart (every bridge instance runs one; a lease in Redis keeps a job on one runner at a time).
 *
 * Per batch, in job order, at most `ratePerSecond` batch starts per second:
 *
 *   read batch ─► missing? ─► settle Missing
 *              ─► loop guard (replayCount ≥ maxReplays, no Force)? ─► settle Skipped
 *              ─► encode; a record over the payload cap? ─► settle Failed (nothing sent)
 *              ─► CLAIM (HSETNX result = Invoking, replayCount + 1) ─► invoke every payload
 *              ─► SETTLE over our claim: Replayed (+ batch state 'replayed') or Failed
 *
 * Crash window — between the invoke and the settle: the claim is written *before* the invoke, so
 * whoever resumes the job finds `Invoking` and settles it as `Interrupted` without invoking again:
 * within one job a batch is invoked at most once, never twice. The batch itself stays 'failed' (its
 * replayCount already counts the attempt), so an operator who sees `Interrupted` can start a new
 * replay for it; the function may then see those records a second time, as Kafka consumers can.
 * A runner that loses its lease stops at the next step; its late settle cannot overwrite the
 * `Interrupted` written by the new owner (the settle script only replaces our own claim).
 */
import { randomUUID } from 'node:crypto';
import type { EncodeOptions } from '../encode/envelope.ts';
import { readPacked, recordOffset, recordPartition, recordTopic } from '../encode/reader.ts';
import type { BatchEncoder } from '../encode/types.ts';
import { classify } from '../invoke/outcome.ts';
import type { Target } from '../invoke/target.ts';
import type { Logger } from '../log.ts';
import type { JobRef, RunnerJobStore } from './replay-jobs.ts';
import {
  type BatchResult,
  loopGuardMessage,
  mayReplay,
  nextStartDelayMs,
  type ReplayJob,
  type ReplayTarget,
  tooLargeMessage,
} from './replay-plan.ts';
import type { FailedBatchStore } from './store.ts';

export interface ReplayRunnerDeps {
  readonly jobs: RunnerJobStore;
  readonly store: Pick<FailedBatchStore, 'getPacked'>;
  readonly encoder: BatchEncoder;
  readonly targets: { get(name: string): Target };
  readonly logger: Logger;
  readonly maxPayloadBytes?: number;
  /** Lease TTL; a crashed runner's jobs are picked up after this. Default 30 s. */
  readonly leaseMs?: number;
  /** How often to look for jobs without a runner. Default 5 s. */
  readonly scanIntervalMs?: number;
  /** Jobs run at once by this runner. Default 2. */
  readonly maxConcurrentJobs?: number;
  readonly clock?: () => number;
}

export function encodeOptions(target: ReplayTarget, maxPayloadBytes: number | undefined): EncodeOptions {
  return {
    eventSource: target.eventSource,
    ...(target.eventSourceArn === undefined ? {} : { eventSourceArn: target.eventSourceArn }),
    bootstrapServers: target.bootstrapServers,
    ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
  };
}

export class ReplayRunner {
  readonly #deps: ReplayRunnerDeps;
  readonly #clock: () => number;
  readonly #running = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  #wake = new AbortController();

  constructor(deps: ReplayRunnerDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
  }

  /** Starts scanning for jobs (resumes unfinished ones at once). Idempotent. */
  start(): void {
    if (this.#timer !== undefined || this.#closing !== undefined) return;
    this.#timer = setInterval(() => this.kick(), this.#deps.scanIntervalMs ?? 5000);
    this.#timer.unref();
    this.kick();
  }

  /** Looks for jobs to run now (after a job was created). */
  kick(): void {
    if (this.#closing !== undefined) return;
    void this.#scan().catch((error: unknown) => this.#deps.logger.warn('replay scan failed', { error }));
  }

  /** Stops taking batches; running jobs finish their current batch and keep their progress. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      this.#wake.abort();
      await Promise.allSettled([...this.#running.values()]);
    })();
    return this.#closing;
  }

  async #scan(): Promise<void> {
    const max = this.#deps.maxConcurrentJobs ?? 2;
    for (const ref of await this.#deps.jobs.active()) {
      const key = `${ref.mappingId}/${ref.replayId}`;
      if (this.#running.size >= max || this.#closing !== undefined) return;
      if (this.#running.has(key)) continue;
      const run = this.#run(ref).finally(() => this.#running.delete(key));
      this.#running.set(key, run);
    }
  }

  async #run(ref: JobRef): Promise<void> {
    const { jobs, logger } = this.#deps;
    const leaseMs = this.#deps.leaseMs ?? 30_000;
    const token = randomUUID();
    if (!(await jobs.lease(ref, token, leaseMs))) return;
    let lost = false;
    const renew = setInterval(() => {
      jobs.lease(ref, token, leaseMs).then(
        (held) => {
          if (!held) lost = true;
        },
        () => undefined, // Redis trouble: the next step fails or the lease runs out
      );
    }, leaseMs / 3);
    try {
      const found = await jobs.read(ref);
      if (found === undefined) return await jobs.forget(ref);
      const { job, results } = found;
      for (const [batchId, { raw, result }] of results) {
        if (result.status !== 'Invoking') continue;
        await jobs.settle(ref, batchId, raw, {
          status: 'Interrupted',
          atMs: this.#clock(),
          error: 'the runner stopped between the invoke and its result; not invoked again by this job',
        });
      }
      let lastStart: number | undefined;
      for (const batchId of job.batchIds) {
        if (results.has(batchId)) continue;
        const wait = nextStartDelayMs(lastStart, this.#clock(), job.ratePerSecond);
        if (wait > 0) await this.#sleep(wait);
        if (this.#closing !== undefined || lost) return;
        lastStart = this.#clock();
        if (!(await this.#step(ref, job, batchId, token))) return;
      }
      await jobs.finish(ref, this.#clock());
      logger.info('replay finished', { mapping: ref.mappingId, replay: ref.replayId });
    } catch (error) {
      logger.error('replay stopped; it resumes when its lease runs out', { replay: ref.replayId, error });
    } finally {
      clearInterval(renew);
      if (!lost) await jobs.release(ref, token).catch(() => undefined);
    }
  }

  /** One batch. False when the lease turned out not to be ours (stop the job here). */
  async #step(ref: JobRef, job: ReplayJob, batchId: string, token: string): Promise<boolean> {
    const { jobs, store } = this.#deps;
    const settle = (result: Omit<BatchResult, 'atMs'>, expected = '') =>
      jobs.settle(ref, batchId, expected, { ...result, atMs: this.#clock() });
    const found = await store.getPacked(ref.mappingId, batchId);
    if (found === undefined) {
      await settle({ status: 'Missing', error: 'the batch is no longer in the store' });
      return true;
    }
    if (!mayReplay(found.meta.replayCount, job.maxReplays, job.force)) {
      await settle({ status: 'Skipped', error: loopGuardMessage(found.meta.replayCount, job.maxReplays) });
      return true;
    }
    const out = this.#deps.encoder.encode(
      found.packed,
      encodeOptions(job.target, this.#deps.maxPayloadBytes),
    );
    if (out.oversized.length > 0) {
      await settle({ status: 'Failed', error: tooLargeMessage(out.oversized.length) });
      return true;
    }
    // Copy now: the encoder's output is reused by its next call (another job may encode meanwhile).
    const payloads = out.payloads.map((p) => ({ ...p, bytes: p.bytes.slice() }));
    const claim = JSON.stringify({ status: 'Invoking', atMs: this.#clock(), runner: token });
    const claimed = await jobs.claim(ref, batchId, claim, token);
    if (claimed !== 1) return claimed === 0;
    const error = await this.#invoke(job.target, found.packed, payloads);
    await settle(error === undefined ? { status: 'Replayed' } : { status: 'Failed', error }, claim);
    return true;
  }

  /** Invokes each payload in order; the error text of the first failure, or undefined. */
  async #invoke(
    target: ReplayTarget,
    packed: Uint8Array,
    payloads: readonly { bytes: Uint8Array; firstRecord: number; recordCount: number }[],
  ): Promise<string | undefined> {
    const batch = readPacked(packed);
    const fn = this.#deps.targets.get(target.functionName);
    for (const p of payloads) {
      const last = p.firstRecord + p.recordCount - 1;
      let response: Awaited<ReturnType<Target['invoke']>>;
      try {
        response = await fn.invoke(p.bytes);
      } catch (cause) {
        return `transport-error: ${cause instanceof Error ? cause.message : String(cause)}`;
      }
      const outcome = classify(
        response,
        {
          topic: recordTopic(batch, p.firstRecord),
          partition: recordPartition(batch, p.firstRecord),
          firstOffset: recordOffset(batch, p.firstRecord),
          lastOffset: recordOffset(batch, last),
        },
        target.reportBatchItemFailures,
      );
      if (outcome.kind === 'partial') {
        return `the function reported ${outcome.failedOffsets.length} failed record(s), from offset ${outcome.retryFromOffset}`;
      }
      if (outcome.kind === 'failure') return `${outcome.reason}: ${outcome.message}`;
    }
    return undefined;
  }

  /** Waits, but wakes at once when the runner closes. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#wake.signal;
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}

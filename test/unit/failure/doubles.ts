/**
 * In-memory doubles of the failed-batch store and the replay job store, with the semantics of the
 * Redis scripts (claim = HSETNX + replayCount bump while holding the lease; settle only over the
 * expected value), so the runner's logic is tested without sockets.
 */
import { matchesQuery } from '../../../src/failure/codec.ts';
import type { JobRef, NewJob, RunnerJobStore } from '../../../src/failure/replay-jobs.ts';
import {
  type BatchResult,
  RESULT_COUNTERS,
  type ReplayJob,
  type ReplayJobStatus,
} from '../../../src/failure/replay-plan.ts';
import type {
  FailedBatch,
  FailedBatchMeta,
  FailedBatchPage,
  FailedBatchQuery,
} from '../../../src/failure/types.ts';
import { displayRecords, summarize } from '../../../src/failure/view.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class MemoryBatches {
  readonly batches = new Map<string, { meta: Mutable<FailedBatchMeta>; packed: Uint8Array }>();

  add(packed: Uint8Array, extra: Partial<FailedBatchMeta> = {}): string {
    const s = summarize(packed);
    const id = `${s.partition}-${s.firstOffset}-${s.lastOffset}`;
    this.batches.set(id, {
      packed,
      meta: {
        id,
        mappingId: 'm',
        functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f',
        ...s,
        condition: 'RetryAttemptsExhausted',
        error: 'boom',
        attempts: [],
        approximateInvokeCount: 1,
        responseContext: null,
        createdAtMs: this.batches.size,
        replayCount: 0,
        state: 'failed',
        destination: 'none',
        ...extra,
      },
    });
    return id;
  }

  async getPacked(_m: string, id: string) {
    const b = this.batches.get(id);
    return b && { meta: { ...b.meta }, packed: b.packed };
  }

  async get(_m: string, id: string): Promise<FailedBatch | undefined> {
    const b = this.batches.get(id);
    return b && { ...b.meta, records: displayRecords(b.packed) };
  }

  async delete(_m: string, id: string): Promise<boolean> {
    return this.batches.delete(id);
  }

  async list(_m: string, q: FailedBatchQuery = {}): Promise<FailedBatchPage> {
    const batches = [...this.batches.values()]
      .map((b) => b.meta)
      .filter((m) => matchesQuery(m, q))
      .filter((m) => (q.fromMs ?? -Infinity) <= m.createdAtMs && m.createdAtMs <= (q.toMs ?? Infinity));
    return { batches };
  }
}

export class MemoryJobs implements RunnerJobStore {
  readonly jobs = new Map<string, { job: Mutable<ReplayJob>; results: Map<string, string> }>();
  readonly leases = new Map<string, string>();
  readonly activeSet = new Set<string>();
  readonly batches: MemoryBatches;

  constructor(batches: MemoryBatches) {
    this.batches = batches;
  }

  async create(job: NewJob): Promise<void> {
    const key = `${job.mappingId}/${job.replayId}`;
    this.jobs.set(key, {
      job: {
        ...job,
        state: 'Running',
        done: 0,
        replayed: 0,
        failed: 0,
        skipped: 0,
        missing: 0,
        interrupted: 0,
      },
      results: new Map(),
    });
    this.activeSet.add(key);
  }

  async read(ref: JobRef) {
    const j = this.jobs.get(key(ref));
    if (!j) return undefined;
    const results = new Map<string, { raw: string; result: BatchResult }>();
    for (const [id, raw] of j.results) results.set(id, { raw, result: JSON.parse(raw) });
    return { job: { ...j.job }, results };
  }

  async status(ref: JobRef): Promise<ReplayJobStatus | undefined> {
    const found = await this.read(ref);
    if (!found) return undefined;
    return {
      ...found.job,
      results: found.job.batchIds.map((batchId) => {
        const r = found.results.get(batchId)?.result;
        return r ? { batchId, ...r } : { batchId, status: 'Pending' as const };
      }),
    };
  }

  async list(): Promise<ReplayJob[]> {
    return [...this.jobs.values()].map((j) => j.job);
  }

  async active(): Promise<JobRef[]> {
    return [...this.activeSet].map((k) => {
      const [mappingId, replayId] = k.split('/') as [string, string];
      return { mappingId, replayId };
    });
  }

  /** Lease attempts refused because another runner holds the lease. */
  refusedLeases = 0;

  async lease(ref: JobRef, token: string): Promise<boolean> {
    const holder = this.leases.get(key(ref));
    if (holder !== undefined && holder !== token) this.refusedLeases += 1;
    if (holder !== undefined && holder !== token) return false;
    this.leases.set(key(ref), token);
    return true;
  }

  async release(ref: JobRef, token: string): Promise<void> {
    if (this.leases.get(key(ref)) === token) this.leases.delete(key(ref));
  }

  async claim(ref: JobRef, batchId: string, claim: string, token: string): Promise<number> {
    if (this.leases.get(key(ref)) !== token) return -1;
    const j = this.jobs.get(key(ref));
    if (!j || j.results.has(batchId)) return 0;
    j.results.set(batchId, claim);
    const b = this.batches.batches.get(batchId);
    if (b) b.meta.replayCount++;
    return 1;
  }

  async settle(ref: JobRef, batchId: string, expected: string, result: BatchResult): Promise<boolean> {
    const j = this.jobs.get(key(ref));
    if (!j) return false;
    const current = j.results.get(batchId);
    if (expected === '' ? current !== undefined : current !== expected) return false;
    j.results.set(batchId, JSON.stringify(result));
    j.job.done++;
    const counter = RESULT_COUNTERS[result.status as keyof typeof RESULT_COUNTERS];
    j.job[counter]++;
    const b = this.batches.batches.get(batchId);
    if (result.status === 'Replayed' && b) {
      b.meta.state = 'replayed';
      b.meta.replayedAtMs = result.atMs;
    }
    return true;
  }

  async finish(ref: JobRef, atMs: number): Promise<void> {
    const j = this.jobs.get(key(ref));
    if (j) {
      j.job.state = 'Completed';
      j.job.finishedAtMs = atMs;
    }
    this.activeSet.delete(key(ref));
  }

  async forget(ref: JobRef): Promise<void> {
    this.activeSet.delete(key(ref));
  }
}

const key = (ref: JobRef) => `${ref.mappingId}/${ref.replayId}`;

/**
 * Replay jobs in Redis (keys in keys.ts): the job hash, the per-batch results hash, the lease and the
 * set of unfinished jobs. The three steps that must not interleave with another runner are scripts
 * (scripts.ts): take/renew the lease, claim a batch (HSETNX, at most one invoke per batch per job) and
 * settle it (only over our own claim; marks the batch replayed in the same step).
 */
import type { Redis } from 'ioredis';
import type { FailureKeys } from './keys.ts';
import { checkExec, withDeadline } from './redis-call.ts';
import {
  type BatchResult,
  RESULT_COUNTERS,
  type ReplayJob,
  type ReplayJobStatus,
  type ReplayTarget,
} from './replay-plan.ts';
import { CLAIM_SCRIPT, LEASE_SCRIPT, RELEASE_SCRIPT, SETTLE_SCRIPT } from './scripts.ts';

export interface JobRef {
  readonly mappingId: string;
  readonly replayId: string;
}

export type NewJob = Pick<
  ReplayJob,
  'replayId' | 'mappingId' | 'target' | 'batchIds' | 'ratePerSecond' | 'force' | 'maxReplays' | 'createdAtMs'
>;

/** What the runner needs of the job store (an in-memory double implements it in unit tests). */
export type RunnerJobStore = Pick<
  ReplayJobs,
  'active' | 'read' | 'lease' | 'release' | 'claim' | 'settle' | 'finish' | 'forget'
>;

const COUNTERS = ['done', ...Object.values(RESULT_COUNTERS)] as const;

export class ReplayJobs {
  readonly #redis: Redis;
  readonly #k: FailureKeys;
  /** How long a finished job stays readable. */
  readonly #retentionMs: number;

  readonly #timeoutMs: number;

  constructor(redis: Redis, keys: FailureKeys, retentionMs: number, timeoutMs = 10_000) {
    this.#redis = redis;
    this.#k = keys;
    this.#retentionMs = retentionMs;
    this.#timeoutMs = timeoutMs;
  }

  /** Every call has a deadline: a silent Redis must not hang a runner (or the bridge's shutdown). */
  #call<T>(what: string, op: () => Promise<T>): Promise<T> {
    return withDeadline(what, this.#timeoutMs, op);
  }

  async create(job: NewJob): Promise<void> {
    return this.#call('replay jobs: create', async () => {
      const k = this.#k;
      const fields: Record<string, string> = {
        replayId: job.replayId,
        mappingId: job.mappingId,
        target: JSON.stringify(job.target),
        batchIds: JSON.stringify(job.batchIds),
        ratePerSecond: String(job.ratePerSecond),
        force: job.force ? '1' : '0',
        maxReplays: String(job.maxReplays),
        state: 'Running',
        createdAtMs: String(job.createdAtMs),
      };
      for (const c of COUNTERS) fields[c] = '0';
      checkExec(
        await this.#redis
          .multi()
          .hset(k.replay(job.mappingId, job.replayId), fields)
          .zadd(k.replays(job.mappingId), job.createdAtMs, job.replayId)
          // Finished jobs expire after the retention; their index entries go with the next create.
          .zremrangebyscore(k.replays(job.mappingId), '-inf', `(${job.createdAtMs - this.#retentionMs}`)
          .sadd(k.activeReplays, `${job.mappingId}/${job.replayId}`)
          .exec(),
      );
    });
  }

  async read(
    ref: JobRef,
  ): Promise<{ job: ReplayJob; results: Map<string, { raw: string; result: BatchResult }> } | undefined> {
    return this.#call('replay jobs: read', async () => {
      const [fields, rawResults] = checkExec(
        await this.#redis
          .multi()
          .hgetall(this.#k.replay(ref.mappingId, ref.replayId))
          .hgetall(this.#k.results(ref.mappingId, ref.replayId))
          .exec(),
      ) as [Record<string, string>, Record<string, string>];
      const job = jobFromFields(fields);
      if (job === undefined) return undefined;
      const results = new Map<string, { raw: string; result: BatchResult }>();
      for (const [id, raw] of Object.entries(rawResults)) results.set(id, { raw, result: JSON.parse(raw) });
      return { job, results };
    });
  }

  async status(ref: JobRef): Promise<ReplayJobStatus | undefined> {
    const found = await this.read(ref);
    if (found === undefined) return undefined;
    const results = found.job.batchIds.map((batchId) => {
      const r = found.results.get(batchId)?.result;
      return r === undefined ? { batchId, status: 'Pending' as const } : { batchId, ...r };
    });
    return { ...found.job, results };
  }

  /** The newest jobs of a mapping. */
  async list(mappingId: string, limit: number): Promise<ReplayJob[]> {
    return this.#call('replay jobs: list', async () => {
      const ids = await this.#redis.zrevrange(this.#k.replays(mappingId), 0, limit - 1);
      if (ids.length === 0) return [];
      const pipeline = this.#redis.pipeline();
      for (const id of ids) pipeline.hgetall(this.#k.replay(mappingId, id));
      return checkExec(await pipeline.exec())
        .map((f) => jobFromFields(f as Record<string, string>))
        .filter((j): j is ReplayJob => j !== undefined);
    });
  }

  async active(): Promise<JobRef[]> {
    return this.#call('replay jobs: active', async () => {
      const members = await this.#redis.smembers(this.#k.activeReplays);
      return members.flatMap((m) => {
        const slash = m.indexOf('/');
        return slash > 0 ? [{ mappingId: m.slice(0, slash), replayId: m.slice(slash + 1) }] : [];
      });
    });
  }

  /** Takes or renews the job's lease for `token`; false when another runner holds it. */
  async lease(ref: JobRef, token: string, ttlMs: number): Promise<boolean> {
    return this.#call('replay jobs: lease', async () => {
      const held = await this.#redis.eval(LEASE_SCRIPT, 1, this.#lease(ref), token, ttlMs);
      return held === 1;
    });
  }

  async release(ref: JobRef, token: string): Promise<void> {
    return this.#call('replay jobs: release', async () => {
      await this.#redis.eval(RELEASE_SCRIPT, 1, this.#lease(ref), token);
    });
  }

  /** 1 claimed (invoke now), 0 the batch already has a result, -1 the lease is not ours. */
  async claim(ref: JobRef, batchId: string, claim: string, token: string): Promise<number> {
    return this.#call('replay jobs: claim', async () => {
      const k = this.#k;
      return Number(
        await this.#redis.eval(
          CLAIM_SCRIPT,
          3,
          k.results(ref.mappingId, ref.replayId),
          k.batch(ref.mappingId, batchId),
          this.#lease(ref),
          batchId,
          claim,
          token,
        ),
      );
    });
  }

  /**
   * Writes a batch's result if the current one is `expected` ('' = none yet); bumps the counters and,
   * for Replayed, marks the batch replayed, all in one step. False when someone else settled it.
   */
  async settle(ref: JobRef, batchId: string, expected: string, result: BatchResult): Promise<boolean> {
    if (result.status === 'Invoking') throw new Error('settle needs a final result');
    const counter = RESULT_COUNTERS[result.status];
    return this.#call('replay jobs: settle', async () => {
      const k = this.#k;
      const written = await this.#redis.eval(
        SETTLE_SCRIPT,
        3,
        k.results(ref.mappingId, ref.replayId),
        k.replay(ref.mappingId, ref.replayId),
        k.batch(ref.mappingId, batchId),
        batchId,
        expected,
        JSON.stringify(result),
        result.status === 'Replayed' ? '1' : '0',
        result.atMs,
        counter,
      );
      return written === 1;
    });
  }

  /** Marks the job Completed, drops it from the active set and lets it expire after the retention. */
  async finish(ref: JobRef, atMs: number): Promise<void> {
    return this.#call('replay jobs: finish', async () => {
      const k = this.#k;
      const job = k.replay(ref.mappingId, ref.replayId);
      const results = k.results(ref.mappingId, ref.replayId);
      checkExec(
        await this.#redis
          .multi()
          .hset(job, 'state', 'Completed', 'finishedAtMs', String(atMs))
          .srem(k.activeReplays, `${ref.mappingId}/${ref.replayId}`)
          .pexpire(job, this.#retentionMs)
          .pexpire(results, this.#retentionMs)
          .exec(),
      );
    });
  }

  /** Forgets an active entry whose job hash is gone (expired or deleted). */
  async forget(ref: JobRef): Promise<void> {
    return this.#call('replay jobs: forget', async () => {
      await this.#redis.srem(this.#k.activeReplays, `${ref.mappingId}/${ref.replayId}`);
    });
  }

  #lease(ref: JobRef): string {
    return this.#k.lease(ref.mappingId, ref.replayId);
  }
}

function jobFromFields(f: Record<string, string>): ReplayJob | undefined {
  if (f.replayId === undefined || f.mappingId === undefined) return undefined;
  const n = (name: string) => Number(f[name] ?? 0);
  return {
    replayId: f.replayId,
    mappingId: f.mappingId,
    target: JSON.parse(f.target ?? '{}') as ReplayTarget,
    batchIds: JSON.parse(f.batchIds ?? '[]') as string[],
    ratePerSecond: n('ratePerSecond'),
    force: f.force === '1',
    maxReplays: n('maxReplays'),
    state: f.state === 'Completed' ? 'Completed' : 'Running',
    createdAtMs: n('createdAtMs'),
    ...(f.finishedAtMs === undefined ? {} : { finishedAtMs: n('finishedAtMs') }),
    done: n('done'),
    replayed: n('replayed'),
    failed: n('failed'),
    skipped: n('skipped'),
    missing: n('missing'),
    interrupted: n('interrupted'),
  };
}

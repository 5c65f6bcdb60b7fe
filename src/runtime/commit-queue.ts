/**
 * One partition's commits of settled batches, behind the dispatch path and in order. Kafka commits are
 * cumulative, so while one commit is in flight the batches that settle meanwhile wait and go out as one
 * commit of the furthest offset, their cleanups after it. A commit per batch fell behind when batches
 * were small and many (MaximumBatchingWindowInSeconds 0 at 10k records/s: a quarter of the records
 * still uncommitted 45 s after their last invocation).
 */
export interface CommitQueueOps<T> {
  /**
   * Commits `offset` (the next offset to read); false when it skipped the commit (a revoked partition,
   * whose new owner must still find those jobs), and then nothing is cleaned up.
   */
  commit(offset: number, records: number): Promise<boolean>;
  /** After a commit: cleans up what the settled batches left (jobs, payload keys). */
  cleanup(done: readonly T[]): Promise<void>;
  /** A commit or cleanup that failed: a later commit covers it (commits are cumulative). */
  failed(offset: number, error: unknown): void;
  /**
   * Runs `retry` after `ms` (default: an unref'd setTimeout). A failed commit is retried this way when
   * no later batch settles to carry it: the last batch before a quiet spell would otherwise stay
   * uncommitted until traffic resumes (and be delivered again after a restart).
   */
  schedule?(retry: () => void, ms: number): void;
}

interface Round<T> {
  offset: number;
  records: number;
  done: T[];
}

/** Delay before retrying a failed commit: 1 s, doubling up to 30 s while it keeps failing. */
export function commitRetryDelayMs(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

const defaultSchedule = (retry: () => void, ms: number) => setTimeout(retry, ms).unref();

export class CommitQueue<T> {
  readonly #ops: CommitQueueOps<T>;
  #pending: Round<T> | undefined;
  #running: Promise<void> | undefined;
  /** The last failed commit (its offset, records and cleanups): the next commit covers it. */
  #failed: Round<T> | undefined;
  #failures = 0;
  #retryScheduled = false;

  constructor(ops: CommitQueueOps<T>) {
    this.#ops = ops;
  }

  /** A batch settled: commit up to `offset` (exclusive end of the batch) once earlier commits are out. */
  add(offset: number, records: number, done: T): void {
    this.#merge({ offset, records, done: [done] });
    this.#running ??= this.#flush();
  }

  /** Resolves when everything added so far is committed (or has failed). */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  /** Joins `round` to the pending commit, with a failed one it must carry. */
  #merge(round: Round<T>): void {
    const pending = this.#pending ?? this.#failed ?? { offset: round.offset, records: 0, done: [] };
    if (pending === this.#failed) this.#failed = undefined;
    pending.offset = Math.max(pending.offset, round.offset);
    pending.records += round.records;
    pending.done.push(...round.done);
    this.#pending = pending;
  }

  async #flush(): Promise<void> {
    try {
      for (let next = this.#take(); next; next = this.#take()) {
        try {
          if (await this.#ops.commit(next.offset, next.records)) await this.#ops.cleanup(next.done);
          this.#failures = 0;
        } catch (error) {
          this.#ops.failed(next.offset, error);
          this.#failures += 1;
          if (this.#pending) {
            // A later commit is queued: it covers this one; its cleanups go first.
            this.#pending.done.unshift(...next.done);
            this.#pending.records += next.records;
          } else this.#failed = next;
        }
      }
    } finally {
      this.#running = undefined;
    }
    if (this.#failed) this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retryScheduled) return;
    this.#retryScheduled = true;
    (this.#ops.schedule ?? defaultSchedule)(() => {
      this.#retryScheduled = false;
      if (!this.#failed || this.#running) return; // carried by a commit since
      this.#pending = this.#failed;
      this.#failed = undefined;
      this.#running = this.#flush();
    }, commitRetryDelayMs(this.#failures));
  }

  #take(): Round<T> | undefined {
    const next = this.#pending;
    this.#pending = undefined;
    return next;
  }
}

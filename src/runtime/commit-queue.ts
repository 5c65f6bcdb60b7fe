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
  /** A commit or cleanup that failed: the next commit covers it (commits are cumulative). */
  failed(offset: number, error: unknown): void;
}

export class CommitQueue<T> {
  readonly #ops: CommitQueueOps<T>;
  #pending: { offset: number; records: number; done: T[] } | undefined;
  #running: Promise<void> | undefined;
  /** Batches behind a failed commit: cleaned up after the next commit that succeeds (it covers them). */
  readonly #carried: T[] = [];

  constructor(ops: CommitQueueOps<T>) {
    this.#ops = ops;
  }

  /** A batch settled: commit up to `offset` (exclusive end of the batch) once earlier commits are out. */
  add(offset: number, records: number, done: T): void {
    const pending = this.#pending ?? { offset, records: 0, done: this.#carried.splice(0) };
    pending.offset = Math.max(pending.offset, offset);
    pending.records += records;
    pending.done.push(done);
    this.#pending = pending;
    this.#running ??= this.#flush();
  }

  /** Resolves when everything added so far is committed (or has failed). */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #flush(): Promise<void> {
    try {
      for (let next = this.#take(); next; next = this.#take()) {
        try {
          if (await this.#ops.commit(next.offset, next.records)) await this.#ops.cleanup(next.done);
        } catch (error) {
          this.#ops.failed(next.offset, error);
          this.#carry(next.done);
        }
      }
    } finally {
      this.#running = undefined;
    }
  }

  #take() {
    const next = this.#pending;
    this.#pending = undefined;
    return next;
  }

  /** Batches behind a failed commit join the next one (queued already, or the next to come). */
  #carry(done: T[]): void {
    if (this.#pending) this.#pending.done.unshift(...done);
    else this.#carried.push(...done);
  }
}

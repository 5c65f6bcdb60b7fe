/**
 * Per-partition batching, pure. Raw batches from the poller accumulate here until a batch closes at
 * BatchSize records or when the batching window (started by the first buffered record) ends; the 6 MB
 * payload cap is applied later by the encoder, which splits a batch into payloads that fit.
 *
 * `nextOffset` is the next offset this partition may accept: records below it (prefetched copies seen
 * again after a seek, or records of a batch adopted from another instance) are dropped, so a record is
 * never buffered twice.
 *
 * Ownership: an appended batch's buffer belongs to this buffer (consumers hand out fresh ones). One
 * handed out whole by take() passes to the caller; otherwise take() copies records out once (join),
 * a buffer stays held, uncopied, while any of its records are still buffered, and is released as soon
 * as its last record has been copied out.
 */
import type { RawBatch } from '../kafka/consumer.ts';

/** The packed-layout operations the buffer needs (docs/raw-batch-layout.md). */
export interface PackedOps {
  /** Offsets of the records, in order. */
  offsets(data: Uint8Array): ArrayLike<number>;
  /** Records [from, to) as a new packed batch. */
  slice(data: Uint8Array, from: number, to: number): Uint8Array;
  /** One packed batch holding records [from, to) of each part, in order, copied once. */
  join(parts: ReadonlyArray<{ data: Uint8Array; from: number; to: number }>): Uint8Array;
  /** Frees a buffer this batcher owns and no longer needs (src/release.ts). */
  release(data: Uint8Array): void;
}

export interface TakenBatch {
  data: Uint8Array;
  count: number;
  firstOffset: number;
  lastOffset: number;
}

/** A polled batch and how far into it the buffer has handed records out (no copy of the rest). */
interface Chunk {
  data: Uint8Array;
  offsets: ArrayLike<number>;
  from: number;
}

export class PartitionBuffer {
  readonly topic: string;
  readonly partition: number;
  nextOffset: number | undefined;
  private chunks: Chunk[] = [];
  private buffered = 0;
  private firstArrivalMs: number | undefined;
  private readonly ops: PackedOps;

  constructor(topic: string, partition: number, ops: PackedOps) {
    this.topic = topic;
    this.partition = partition;
    this.ops = ops;
  }

  get count(): number {
    return this.buffered;
  }

  /** Adds a polled batch; its bytes are taken over, not copied (consumers hand out fresh buffers). Returns records kept. */
  append(batch: RawBatch, nowMs: number): number {
    const data = batch.data;
    const offsets = this.ops.offsets(data);
    let skip = 0;
    if (this.nextOffset !== undefined) {
      while (skip < offsets.length && (offsets[skip] as number) < this.nextOffset) skip += 1;
    }
    if (skip === offsets.length) {
      this.ops.release(data);
      return 0;
    }
    // Records seen before (a refetch after a seek) are skipped where they lie, not copied away.
    this.chunks.push({ data, offsets, from: skip });
    const kept = offsets.length - skip;
    this.buffered += kept;
    this.nextOffset = (offsets[offsets.length - 1] as number) + 1;
    this.firstArrivalMs ??= nowMs;
    return kept;
  }

  /** A batch is due: BatchSize records buffered, or the window since the first buffered record ended. */
  isDue(nowMs: number, batchSize: number, windowMs: number): boolean {
    if (this.buffered === 0) return false;
    if (this.buffered >= batchSize) return true;
    return nowMs - (this.firstArrivalMs ?? nowMs) >= windowMs;
  }

  /** Milliseconds until the window closes (for the poll timeout), or undefined when empty. */
  msUntilDue(nowMs: number, windowMs: number): number | undefined {
    if (this.buffered === 0 || this.firstArrivalMs === undefined) return undefined;
    return Math.max(0, this.firstArrivalMs + windowMs - nowMs);
  }

  /**
   * Removes and returns up to maxRecords records from the front, as one packed batch: a polled batch
   * taken whole is handed out as it is; otherwise the records are copied once into a new batch.
   */
  take(maxRecords: number, nowMs: number): TakenBatch | undefined {
    if (this.buffered === 0) return undefined;
    const parts: Array<{ data: Uint8Array; from: number; to: number }> = [];
    /** Polled batches whose last records are taken here: freed once copied out. */
    const consumed: Uint8Array[] = [];
    let firstOffset = -1;
    let lastOffset = -1;
    let taken = 0;
    while (taken < maxRecords && this.chunks.length > 0) {
      const chunk = this.chunks[0] as Chunk;
      const n = Math.min(chunk.offsets.length - chunk.from, maxRecords - taken);
      if (firstOffset < 0) firstOffset = chunk.offsets[chunk.from] as number;
      parts.push({ data: chunk.data, from: chunk.from, to: chunk.from + n });
      lastOffset = chunk.offsets[chunk.from + n - 1] as number;
      chunk.from += n;
      taken += n;
      if (chunk.from === chunk.offsets.length) {
        this.chunks.shift();
        consumed.push(chunk.data);
      }
    }
    this.buffered -= taken;
    // The window of what stays starts now: its records have waited since at most this poll.
    this.firstArrivalMs = this.buffered > 0 ? nowMs : undefined;
    const only = parts[0] as { data: Uint8Array; from: number; to: number };
    const whole = parts.length === 1 && only.from === 0 && consumed[0] === only.data;
    if (whole) return { data: only.data, count: taken, firstOffset, lastOffset };
    const data = this.ops.join(parts);
    for (const done of consumed) this.ops.release(done);
    return { data, count: taken, firstOffset, lastOffset };
  }

  /** Forget everything buffered and accept records from `offset` on (after a seek or a rewind). */
  reset(offset: number | undefined): void {
    for (const chunk of this.chunks) this.ops.release(chunk.data);
    this.chunks = [];
    this.buffered = 0;
    this.firstArrivalMs = undefined;
    this.nextOffset = offset;
  }
}

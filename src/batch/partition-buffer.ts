/**
 * Per-partition batching, pure. Raw batches from the poller accumulate here until a batch closes at
 * BatchSize records or when the batching window (started by the first buffered record) ends; the 6 MB
 * payload cap is applied later by the encoder, which splits a batch into payloads that fit.
 *
 * `nextOffset` is the next offset this partition may accept: records below it (prefetched copies seen
 * again after a seek, or records of a batch adopted from another instance) are dropped, so a record is
 * never buffered twice.
 *
 * Ownership: an appended batch's buffer belongs to this buffer (consumers hand out fresh ones). A
 * buffer whose records were all copied elsewhere (sliced, concatenated) is released at once; one
 * handed out whole by take() passes to the caller.
 */
import type { RawBatch } from '../kafka/consumer.ts';

/** The packed-layout operations the buffer needs (docs/raw-batch-layout.md). */
export interface PackedOps {
  /** Offsets of the records, in order. */
  offsets(data: Uint8Array): ArrayLike<number>;
  /** Records [from, to) as a new packed batch. */
  slice(data: Uint8Array, from: number, to: number): Uint8Array;
  /** One packed batch holding the records of all parts, in order. */
  concat(parts: Uint8Array[]): Uint8Array;
  /** Frees a buffer this batcher owns and no longer needs (src/release.ts). */
  release(data: Uint8Array): void;
}

export interface TakenBatch {
  data: Uint8Array;
  count: number;
  firstOffset: number;
  lastOffset: number;
}

interface Chunk {
  data: Uint8Array;
  offsets: ArrayLike<number>;
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
    let data = batch.data;
    let offsets = this.ops.offsets(data);
    let skip = 0;
    if (this.nextOffset !== undefined) {
      while (skip < offsets.length && (offsets[skip] as number) < this.nextOffset) skip += 1;
    }
    if (skip === offsets.length) {
      this.ops.release(data);
      return 0;
    }
    if (skip > 0) {
      const original = data;
      data = this.ops.slice(data, skip, offsets.length);
      offsets = this.ops.offsets(data);
      this.ops.release(original);
    }
    this.chunks.push({ data, offsets });
    this.buffered += offsets.length;
    this.nextOffset = (offsets[offsets.length - 1] as number) + 1;
    this.firstArrivalMs ??= nowMs;
    return offsets.length;
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

  /** Removes and returns up to maxRecords records from the front, as one packed batch. */
  take(maxRecords: number, nowMs: number): TakenBatch | undefined {
    if (this.buffered === 0) return undefined;
    const parts: Uint8Array[] = [];
    /** Chunks whose records are copied out below: released once the copy is made. */
    const copied: Uint8Array[] = [];
    let firstOffset = -1;
    let lastOffset = -1;
    let taken = 0;
    while (taken < maxRecords && this.chunks.length > 0) {
      const chunk = this.chunks[0] as Chunk;
      const want = maxRecords - taken;
      const n = chunk.offsets.length;
      if (firstOffset < 0) firstOffset = chunk.offsets[0] as number;
      if (n <= want) {
        parts.push(chunk.data);
        lastOffset = chunk.offsets[n - 1] as number;
        taken += n;
        this.chunks.shift();
      } else {
        parts.push(this.ops.slice(chunk.data, 0, want));
        lastOffset = chunk.offsets[want - 1] as number;
        const rest = this.ops.slice(chunk.data, want, n);
        this.chunks[0] = { data: rest, offsets: this.ops.offsets(rest) };
        copied.push(chunk.data);
        taken += want;
      }
    }
    this.buffered -= taken;
    // The window of what stays starts now: its records have waited since at most this poll.
    this.firstArrivalMs = this.buffered > 0 ? nowMs : undefined;
    const data = parts.length === 1 ? (parts[0] as Uint8Array) : this.ops.concat(parts);
    if (parts.length > 1) copied.push(...parts);
    for (const done of copied) this.ops.release(done);
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

/**
 * A taken batch, made ready to submit: FilterCriteria applied, encoded into Lambda event payloads
 * (split under the payload cap), and records too large for any payload cut out for failure handling.
 * No I/O: the runner stores, hands off and submits what this returns.
 *
 * Ownership (docs/architecture.md, "Buffer ownership"): this consumes the packed batch it is given and
 * frees it before returning; the payload bytes and oversized records it returns are new buffers the
 * caller owns.
 */
import { keepMatching } from '../batch/filter-batch.ts';
import type { PackedOps } from '../batch/partition-buffer.ts';
import type { EncodeOptions } from '../encode/envelope.ts';
import { readPacked, recordTimestamp } from '../encode/reader.ts';
import type { BatchEncoder, OversizedRecord } from '../encode/types.ts';

export interface PreparedPayload {
  /** The event JSON, copied out of the encoder's memory. */
  bytes: Uint8Array;
  /** First and last offset of its records. */
  range: [number, number];
  records: number;
}

export interface PreparedBatch {
  payloads: PreparedPayload[];
  /** Records in no payload (each alone exceeds the cap), as one-record packed batches. */
  oversized: Array<OversizedRecord & { packed: Uint8Array }>;
  /** Records FilterCriteria dropped (their offsets advance with the batch). */
  filtered: number;
  /** Timestamp of the batch's first kept record (0 when nothing was kept). */
  oldestTimestampMs: number;
}

export interface PrepareDeps {
  encoder: Pick<BatchEncoder, 'encode'>;
  packed: PackedOps;
  /** FilterCriteria as a predicate on record values; undefined = keep all. */
  filter: ((value: Uint8Array | null) => boolean) | undefined;
}

export function prepareBatch(taken: Uint8Array, options: EncodeOptions, deps: PrepareDeps): PreparedBatch {
  let data = taken;
  let filtered = 0;
  if (deps.filter) {
    const { kept, dropped } = keepMatching(data, deps.filter, deps.packed);
    filtered = dropped;
    if (kept === undefined) {
      // Filtered to nothing: settles without an invocation.
      deps.packed.release(data);
      return { payloads: [], oversized: [], filtered, oldestTimestampMs: 0 };
    }
    data = kept;
  }
  const out = deps.encoder.encode(data, options);
  const offsets = deps.packed.offsets(data);
  const payloads = out.payloads.map((p) => ({
    // The encoder reuses its memory for the next batch: the payload gets bytes of its own.
    bytes: p.bytes.slice(),
    range: [offsets[p.firstRecord] as number, offsets[p.firstRecord + p.recordCount - 1] as number] as [
      number,
      number,
    ],
    records: p.recordCount,
  }));
  const oversized = out.oversized.map((o) => ({
    ...o,
    packed: deps.packed.slice(data, o.index, o.index + 1),
  }));
  const oldestTimestampMs = recordTimestamp(readPacked(data), 0);
  // The packed batch is done with once its payloads are out and its oversized records cut out.
  if (data !== taken) deps.packed.release(data);
  deps.packed.release(taken);
  return { payloads, oversized, filtered, oldestTimestampMs };
}

/**
 * Cutting and joining packed batches by record index, without decoding records: the batcher cuts a
 * batch at BatchSize and joins the batches of several polls. Record bytes are copied verbatim; only
 * the header, the topic table and (when topic tables differ) each record's topicIndex are rewritten.
 */
import { EncodeError } from '../errors.ts';
import { releaseBuffer } from '../release.ts';
import { HEADER_BYTES, MAGIC, MAX_BATCH_BYTES, MAX_TOPICS, VERSION } from './layout.ts';
import { type PackedBatch, readPacked, recordOffsets } from './reader.ts';

function writeHeader(out: Uint8Array, recordCount: number, topicCount: number): DataView {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, recordCount, true);
  view.setUint32(12, topicCount, true);
  view.setUint32(16, out.length, true);
  return view;
}

function topicTableEnd(batch: PackedBatch): number {
  return batch.starts.length > 1 ? (batch.starts[0] as number) : batch.bytes.length;
}

/** Offsets of the records, in order (the batcher's view of a packed batch). */
export function packedOffsets(data: Uint8Array): Float64Array {
  return recordOffsets(readPacked(data));
}

/** Records [from, to) as a new packed batch (same topic table). */
export function slicePacked(data: Uint8Array, from: number, to: number): Uint8Array {
  const batch = readPacked(data);
  if (
    !(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= batch.recordCount)
  ) {
    throw new RangeError(`cannot slice records [${from}, ${to}) of a batch of ${batch.recordCount}`);
  }
  const tableEnd = topicTableEnd(batch);
  const first = batch.starts[from] as number;
  const last = batch.starts[to] as number;
  const out = new Uint8Array(tableEnd + (last - first));
  out.set(data.subarray(HEADER_BYTES, tableEnd), HEADER_BYTES);
  out.set(data.subarray(first, last), tableEnd);
  writeHeader(out, to - from, batch.topics.length);
  return out;
}

/** Records [from, to) of a packed batch (all of them when omitted). */
export interface PackedRange {
  data: Uint8Array;
  from?: number;
  to?: number;
}

/** One packed batch with the records of all parts, in order. Topic tables are merged. */
export function concatPacked(parts: readonly Uint8Array[]): Uint8Array {
  return joinPacked(parts.map((data) => ({ data })));
}

/**
 * One packed batch with the given records of each part, in order, copied once: the batcher joins the
 * tail of one poll and the head of the next without slicing either first. Topic tables are merged.
 */
export function joinPacked(parts: readonly PackedRange[]): Uint8Array {
  const batches = parts.map((part) => readPacked(part.data));
  const spans = batches.map((batch, b) => {
    const from = parts[b]?.from ?? 0;
    const to = parts[b]?.to ?? batch.recordCount;
    if (
      !(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= batch.recordCount)
    ) {
      throw new RangeError(`cannot take records [${from}, ${to}) of a batch of ${batch.recordCount}`);
    }
    return [from, to] as const;
  });
  const index = new Map<string, number>();
  const names: Uint8Array[] = [];
  const remaps: number[][] = [];
  let tableBytes = 0;
  let recordBytes = 0;
  let recordCount = 0;
  batches.forEach((batch, b) => {
    const [from, to] = spans[b] as readonly [number, number];
    const remap = batch.topics.map((topic, t) => {
      let merged = index.get(topic);
      if (merged === undefined) {
        merged = names.length;
        index.set(topic, merged);
        const [start, length] = batch.topicSpans[t] as readonly [number, number];
        names.push(batch.bytes.subarray(start, start + length));
        tableBytes += 2 + length;
      }
      return merged;
    });
    remaps.push(remap);
    recordBytes += (batch.starts[to] as number) - (batch.starts[from] as number);
    recordCount += to - from;
  });
  if (names.length > MAX_TOPICS)
    throw new EncodeError('ENCODE_FAILED', `more than ${MAX_TOPICS} topics in one batch`);
  const total = HEADER_BYTES + tableBytes + recordBytes;
  if (total > MAX_BATCH_BYTES)
    throw new EncodeError('ENCODE_FAILED', `batch larger than ${MAX_BATCH_BYTES} bytes`);
  const out = new Uint8Array(total);
  const view = writeHeader(out, recordCount, names.length);
  let p = HEADER_BYTES;
  for (const name of names) {
    view.setUint16(p, name.length, true);
    out.set(name, p + 2);
    p += 2 + name.length;
  }
  batches.forEach((batch, b) => {
    const [from, to] = spans[b] as readonly [number, number];
    const remap = remaps[b] as number[];
    const first = batch.starts[from] as number;
    const end = batch.starts[to] as number;
    out.set(batch.bytes.subarray(first, end), p);
    if (remap.some((merged, t) => merged !== t)) {
      for (let i = from; i < to; i++) {
        const at = p + (batch.starts[i] as number) - first;
        view.setUint16(at, remap[view.getUint16(at, true)] as number, true);
      }
    }
    p += end - first;
  });
  return out;
}

/** The operations the batcher needs (src/batch/partition-buffer.ts `PackedOps`). */
export const packedOps = {
  offsets: packedOffsets,
  slice: slicePacked,
  join: joinPacked,
  release: releaseBuffer,
} as const;

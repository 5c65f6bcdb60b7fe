/**
 * Reads the raw-batch layout from JS: what the core needs without decoding records into objects
 * (count, offsets, partitions, timestamps for filtering and splitting), plus keys, values and headers
 * for the reference encoder. `readPacked` validates the whole batch once, with the same checks and
 * status names as the WASM encoder; the accessors then trust it.
 */
import { isUtf8 } from 'node:buffer';
import {
  HEADER_BYTES,
  MAGIC,
  RECORD_FIXED,
  RECORD_MIN,
  readI64,
  type TimestampType,
  VERSION,
} from './layout.ts';
import { STATUS, type StatusName, statusError } from './status.ts';

export interface PackedBatch {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly recordCount: number;
  readonly topics: readonly string[];
  /** Where each topic's name starts (after its length) and its length: for byte-exact copies. */
  readonly topicSpans: readonly (readonly [start: number, length: number])[];
  /** Start of every record, and at [recordCount] the end of the last one. */
  readonly starts: Uint32Array;
}

export interface PackedHeader {
  name: string;
  /** null for a null header value. */
  value: Uint8Array | null;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function bad(name: StatusName, record?: number): never {
  throw statusError(STATUS[name], record);
}

/** Validates a packed batch and indexes its records. Throws EncodeError (ENCODE_FAILED) on bad input. */
export function readPacked(bytes: Uint8Array): PackedBatch {
  const len = bytes.length;
  if (len < HEADER_BYTES) bad('BAD_BYTE_LENGTH');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) bad('BAD_MAGIC');
  if (view.getUint16(4, true) !== VERSION || view.getUint16(6, true) !== 0) bad('BAD_VERSION');
  const recordCount = view.getUint32(8, true);
  const topicCount = view.getUint32(12, true);
  if (view.getUint32(16, true) !== len) bad('BAD_BYTE_LENGTH');
  const body = len - HEADER_BYTES;
  if (topicCount * 2 > body || recordCount * RECORD_MIN > body) bad('TRUNCATED');
  if (recordCount > 0 && topicCount === 0) bad('BAD_TOPIC_INDEX', 0);

  const topics: string[] = [];
  const topicSpans: [number, number][] = [];
  let p = HEADER_BYTES;
  for (let t = 0; t < topicCount; t++) {
    if (len - p < 2) bad('TRUNCATED');
    const n = view.getUint16(p, true);
    p += 2;
    if (len - p < n) bad('TRUNCATED');
    const name = bytes.subarray(p, p + n);
    if (!isUtf8(name)) bad('INVALID_UTF8');
    topics.push(decoder.decode(name));
    topicSpans.push([p, n]);
    p += n;
  }

  const starts = new Uint32Array(recordCount + 1);
  for (let i = 0; i < recordCount; i++) {
    starts[i] = p;
    if (len - p < RECORD_MIN) bad('TRUNCATED', i);
    if (view.getUint16(p, true) >= topicCount) bad('BAD_TOPIC_INDEX', i);
    if (view.getUint8(p + 2) > 2) bad('BAD_TIMESTAMP_TYPE', i);
    p += RECORD_FIXED;
    for (let field = 0; field < 2; field++) {
      if (len - p < 4) bad('TRUNCATED', i);
      const n = view.getInt32(p, true);
      p += 4;
      if (n < -1) bad('BAD_LENGTH', i);
      if (n > 0) {
        if (len - p < n) bad('TRUNCATED', i);
        p += n;
      }
    }
    if (len - p < 2) bad('TRUNCATED', i);
    const headerCount = view.getUint16(p, true);
    p += 2;
    for (let h = 0; h < headerCount; h++) {
      if (len - p < 2) bad('TRUNCATED', i);
      const n = view.getUint16(p, true);
      p += 2;
      if (len - p < n) bad('TRUNCATED', i);
      if (!isAscii(bytes, p, n) && !isUtf8(bytes.subarray(p, p + n))) bad('INVALID_UTF8', i);
      p += n;
      if (len - p < 4) bad('TRUNCATED', i);
      const v = view.getInt32(p, true);
      p += 4;
      if (v < -1) bad('BAD_LENGTH', i);
      if (v > 0) {
        if (len - p < v) bad('TRUNCATED', i);
        p += v;
      }
    }
  }
  if (p !== len) bad('TRAILING_BYTES');
  starts[recordCount] = p;
  return { bytes, view, recordCount, topics, topicSpans, starts };
}

function isAscii(bytes: Uint8Array, start: number, n: number): boolean {
  for (let j = start; j < start + n; j++) if ((bytes[j] as number) >= 0x80) return false;
  return true;
}

function start(batch: PackedBatch, index: number): number {
  if (!(index >= 0 && index < batch.recordCount)) throw new RangeError(`record index ${index} out of range`);
  return batch.starts[index] as number;
}

export function recordTopicIndex(batch: PackedBatch, index: number): number {
  return batch.view.getUint16(start(batch, index), true);
}

export function recordTopic(batch: PackedBatch, index: number): string {
  return batch.topics[recordTopicIndex(batch, index)] as string;
}

export function recordTimestampType(batch: PackedBatch, index: number): TimestampType {
  return batch.view.getUint8(start(batch, index) + 2) as TimestampType;
}

export function recordPartition(batch: PackedBatch, index: number): number {
  return batch.view.getInt32(start(batch, index) + 4, true);
}

export function recordOffset(batch: PackedBatch, index: number): number {
  return readI64(batch.view, start(batch, index) + 8);
}

export function recordTimestamp(batch: PackedBatch, index: number): number {
  return readI64(batch.view, start(batch, index) + 16);
}

export function firstOffset(batch: PackedBatch): number {
  return batch.recordCount === 0 ? -1 : recordOffset(batch, 0);
}

export function lastOffset(batch: PackedBatch): number {
  return batch.recordCount === 0 ? -1 : recordOffset(batch, batch.recordCount - 1);
}

function field(batch: PackedBatch, pos: number): Uint8Array | null {
  const n = batch.view.getInt32(pos, true);
  return n < 0 ? null : batch.bytes.subarray(pos + 4, pos + 4 + n);
}

/** The key bytes (a view into the batch), or null. */
export function recordKey(batch: PackedBatch, index: number): Uint8Array | null {
  return field(batch, start(batch, index) + RECORD_FIXED);
}

/** The value bytes (a view into the batch), or null for a tombstone. */
export function recordValue(batch: PackedBatch, index: number): Uint8Array | null {
  const p = start(batch, index) + RECORD_FIXED;
  return field(batch, p + 4 + Math.max(0, batch.view.getInt32(p, true)));
}

export function recordHeaders(batch: PackedBatch, index: number): PackedHeader[] {
  const { view, bytes } = batch;
  let p = start(batch, index) + RECORD_FIXED;
  p += 4 + Math.max(0, view.getInt32(p, true));
  p += 4 + Math.max(0, view.getInt32(p, true));
  const count = view.getUint16(p, true);
  p += 2;
  const headers: PackedHeader[] = [];
  for (let h = 0; h < count; h++) {
    const n = view.getUint16(p, true);
    const name = decoder.decode(bytes.subarray(p + 2, p + 2 + n));
    p += 2 + n;
    const value = field(batch, p);
    p += 4 + (value === null ? 0 : value.length);
    headers.push({ name, value });
  }
  return headers;
}

/** Offsets of all records, in batch order. */
export function recordOffsets(batch: PackedBatch): Float64Array {
  const out = new Float64Array(batch.recordCount);
  for (let i = 0; i < batch.recordCount; i++) out[i] = readI64(batch.view, (batch.starts[i] as number) + 8);
  return out;
}

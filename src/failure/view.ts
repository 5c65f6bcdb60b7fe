/**
 * Pure reads of a stored packed batch: the summary the store keeps as metadata, and the records
 * decoded for display (admin API). Both validate the batch first (readPacked throws EncodeError).
 */
import { TIMESTAMP_TYPE_NAMES } from '../encode/layout.ts';
import {
  readPacked,
  recordHeaders,
  recordKey,
  recordOffset,
  recordPartition,
  recordTimestamp,
  recordTimestampType,
  recordTopic,
  recordValue,
} from '../encode/reader.ts';
import { BridgeError } from '../errors.ts';
import type { DisplayRecord } from './types.ts';

export interface BatchSummary {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly recordCount: number;
  readonly firstTimestampMs: number;
  readonly lastTimestampMs: number;
  readonly packedBytes: number;
}

/** @throws BridgeError INVALID_PARAMETER for an empty batch; EncodeError for a malformed one. */
export function summarize(packed: Uint8Array): BatchSummary {
  const batch = readPacked(packed);
  const n = batch.recordCount;
  if (n === 0) throw new BridgeError('INVALID_PARAMETER', 'a failed batch needs at least one record');
  return {
    topic: recordTopic(batch, 0),
    partition: recordPartition(batch, 0),
    firstOffset: recordOffset(batch, 0),
    lastOffset: recordOffset(batch, n - 1),
    recordCount: n,
    firstTimestampMs: recordTimestamp(batch, 0),
    lastTimestampMs: recordTimestamp(batch, n - 1),
    packedBytes: packed.length,
  };
}

const base64 = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function displayRecords(packed: Uint8Array): DisplayRecord[] {
  const batch = readPacked(packed);
  const out: DisplayRecord[] = [];
  for (let i = 0; i < batch.recordCount; i++) {
    out.push({
      topic: recordTopic(batch, i),
      partition: recordPartition(batch, i),
      offset: recordOffset(batch, i),
      timestampMs: recordTimestamp(batch, i),
      timestampType: TIMESTAMP_TYPE_NAMES[recordTimestampType(batch, i)],
      key: base64(recordKey(batch, i)),
      value: base64(recordValue(batch, i)),
      headers: recordHeaders(batch, i).map((h) => ({ name: h.name, value: base64(h.value) })),
    });
  }
  return out;
}

/**
 * Test helper: reads a raw batch (docs/raw-batch-layout.md) back into record objects, to check
 * what the consumers wrote; the hot path never builds these objects. A thin view over the encoder's
 * validating reader (src/encode/reader.ts), so there is one reader of the layout.
 * @throws EncodeError ENCODE_FAILED on a malformed or truncated buffer.
 */
import {
  type PackedHeader,
  readPacked,
  recordHeaders,
  recordKey,
  recordOffset,
  recordPartition,
  recordTimestamp,
  recordTimestampType,
  recordTopic,
  recordValue,
} from '../../src/encode/reader.ts';

export type RawHeader = PackedHeader;

export interface RawRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** 0 none/unknown, 1 CREATE_TIME, 2 LOG_APPEND_TIME */
  timestampType: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RawHeader[];
}

export function readRawBatch(bytes: Uint8Array): RawRecord[] {
  const batch = readPacked(bytes);
  const out: RawRecord[] = [];
  for (let i = 0; i < batch.recordCount; i += 1) {
    out.push({
      topic: recordTopic(batch, i),
      partition: recordPartition(batch, i),
      offset: recordOffset(batch, i),
      timestamp: recordTimestamp(batch, i),
      timestampType: recordTimestampType(batch, i),
      key: recordKey(batch, i),
      value: recordValue(batch, i),
      headers: recordHeaders(batch, i),
    });
  }
  return out;
}

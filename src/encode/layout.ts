/**
 * Constants of the raw-batch layout (docs/raw-batch-layout.md, version 1), shared by the writer
 * (pack.ts), the reader (reader.ts) and slicing (packed.ts). The WASM side has its own copy in
 * assembly/layout.ts; the golden tests pin both to the same bytes.
 */
export const MAGIC = 0x31424c4b; // "KLB1" read as a little-endian u32
export const VERSION = 1;
export const HEADER_BYTES = 20;
/** topicIndex u16, timestampType u8, reserved u8, partition i32, offset i64, timestamp i64. */
export const RECORD_FIXED = 24;
/** The fixed part plus key length, value length and header count. */
export const RECORD_MIN = RECORD_FIXED + 4 + 4 + 2;
/** Kafka's limit on topic names (bytes of UTF-8). */
export const MAX_TOPIC_BYTES = 249;
export const MAX_NAME_BYTES = 0xffff;
export const MAX_HEADERS = 0xffff;
export const MAX_TOPICS = 0xffff;
export const MAX_FIELD_BYTES = 0x7fffffff;
export const MAX_BATCH_BYTES = 0xffffffff;

/** The layout's timestampType values. */
export const TIMESTAMP_TYPE = { NO_TIMESTAMP_TYPE: 0, CREATE_TIME: 1, LOG_APPEND_TIME: 2 } as const;
export type TimestampType = (typeof TIMESTAMP_TYPE)[keyof typeof TIMESTAMP_TYPE];
/** What the payload says for each layout value (0 → Kafka's NO_TIMESTAMP_TYPE; AWS has not been seen sending it). */
export const TIMESTAMP_TYPE_NAMES = ['NO_TIMESTAMP_TYPE', 'CREATE_TIME', 'LOG_APPEND_TIME'] as const;

const TWO_32 = 4294967296;

/** Reads an i64 as a number (exact up to 2^53; Kafka offsets and epoch-ms timestamps stay far below). */
export function readI64(view: DataView, pos: number): number {
  return view.getInt32(pos + 4, true) * TWO_32 + view.getUint32(pos, true);
}

/** Writes a safe integer as a little-endian i64 without BigInt. */
export function writeI64(view: DataView, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  view.setUint32(pos, value - hi * TWO_32, true);
  view.setInt32(pos + 4, hi, true);
}

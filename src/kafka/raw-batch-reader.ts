/**
 * Reads a raw batch (docs/raw-batch-layout.md, version 1) back into records. Used by tests and
 * tools to check what the consumers wrote; the hot path never builds these objects. Every length
 * is checked against byteLength before it is read.
 * @throws BridgeError DECODE_FAILED on a malformed or truncated buffer.
 */
import { BridgeError } from '../errors.ts';

export interface RawHeader {
  name: string;
  value: Uint8Array | null;
}

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

export const RAW_BATCH_MAGIC = 0x3142_4c4b; // "KLB1" read as a little-endian u32

const utf8 = new TextDecoder('utf-8', { fatal: false });

function fail(message: string): never {
  throw new BridgeError('DECODE_FAILED', `raw batch: ${message}`);
}

class Cursor {
  pos: number;
  readonly view: DataView;
  readonly bytes: Uint8Array;
  readonly end: number;

  constructor(bytes: Uint8Array, pos: number, end: number) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
    this.end = end;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end)
      fail(`truncated at byte ${this.pos} (needs ${n} of ${this.end - this.pos})`);
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i64(): number {
    this.need(8);
    const v = Number(this.view.getBigInt64(this.pos, true));
    this.pos += 8;
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  nullable(): Uint8Array | null {
    const n = this.i32();
    if (n < -1) fail(`negative length ${n}`);
    return n === -1 ? null : this.take(n);
  }
}

export function readRawBatch(bytes: Uint8Array): RawRecord[] {
  if (bytes.byteLength < 20) fail('shorter than its header');
  const head = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (head.getUint32(0, true) !== RAW_BATCH_MAGIC) fail('bad magic');
  if (head.getUint16(4, true) !== 1) fail(`unsupported version ${head.getUint16(4, true)}`);
  const recordCount = head.getUint32(8, true);
  const topicCount = head.getUint32(12, true);
  const byteLength = head.getUint32(16, true);
  if (byteLength > bytes.byteLength)
    fail(`byteLength ${byteLength} exceeds the buffer (${bytes.byteLength})`);
  const c = new Cursor(bytes, 20, byteLength);
  const topics: string[] = [];
  for (let i = 0; i < topicCount; i++) topics.push(utf8.decode(c.take(c.u16())));
  const records: RawRecord[] = [];
  for (let i = 0; i < recordCount; i++) {
    const topicIndex = c.u16();
    const topic = topics[topicIndex];
    if (topic === undefined) fail(`topic index ${topicIndex} out of range`);
    const timestampType = c.u8();
    c.u8();
    const partition = c.i32();
    const offset = c.i64();
    const timestamp = c.i64();
    const key = c.nullable();
    const value = c.nullable();
    const headerCount = c.u16();
    const headers: RawHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const name = utf8.decode(c.take(c.u16()));
      headers.push({ name, value: c.nullable() });
    }
    records.push({ topic, partition, offset, timestamp, timestampType, key, value, headers });
  }
  if (c.pos !== byteLength) fail(`${byteLength - c.pos} bytes left after ${recordCount} records`);
  return records;
}

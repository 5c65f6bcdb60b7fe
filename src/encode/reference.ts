/**
 * The plain-JS reference encoder: build one object per record, JSON.stringify, Buffer.from. It is
 * the oracle in tests and the baseline in the benchmark, so it is written the obvious way and shares
 * no code with the fast encoders beyond reading the layout and validating options.
 */
import { buildEnvelope, type EncodeOptions } from './envelope.ts';
import { TIMESTAMP_TYPE_NAMES } from './layout.ts';
import type { MessageLike } from './pack.ts';
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
} from './reader.ts';
import type { BatchEncoder, EncodeResult, OversizedRecord, Payload } from './types.ts';

/** JSON.rawJSON's result: printed verbatim by JSON.stringify. */
interface RawJson {
  readonly rawJSON: string;
}
/** An i64 for JSON: a number while exact (|v| ≤ 2^53), else its exact digits, as Kafka holds int64. */
type JsonInteger = number | RawJson;
const rawJSON = (JSON as unknown as { rawJSON(text: string): RawJson }).rawJSON;

function exact(value: number, read: () => bigint): JsonInteger {
  return Number.isSafeInteger(value) ? value : rawJSON(read().toString());
}

function numberOf(value: JsonInteger): number {
  return typeof value === 'number' ? value : Number(value.rawJSON);
}

export interface EventRecord {
  topic: string;
  partition: number;
  offset: JsonInteger;
  timestamp: JsonInteger;
  timestampType: string;
  key?: string;
  value?: string;
  headers: Record<string, number[]>[];
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/** Header bytes as Java's signed bytes (-128..127), which is what Lambda sends. */
function signedBytes(bytes: Uint8Array | null): number[] {
  const out: number[] = [];
  if (bytes !== null) for (const b of bytes) out.push(b < 128 ? b : b - 256);
  return out;
}

function eventRecord(
  topic: string,
  partition: number,
  offset: JsonInteger,
  timestamp: JsonInteger,
  timestampType: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: [string, Uint8Array | null][],
): EventRecord {
  // Field order is AWS's; key and value are left out when null (a null value is a tombstone).
  const record: Partial<EventRecord> = {
    topic,
    partition,
    offset,
    timestamp,
    timestampType: TIMESTAMP_TYPE_NAMES[timestampType] as string,
  };
  if (key !== null) record.key = base64(key);
  if (value !== null) record.value = base64(value);
  record.headers = headers.map(([name, v]) => ({ [name]: signedBytes(v) }));
  return record as EventRecord;
}

export function recordsFromPacked(packed: Uint8Array): EventRecord[] {
  const batch = readPacked(packed);
  const records: EventRecord[] = [];
  for (let i = 0; i < batch.recordCount; i++) {
    const start = batch.starts[i] as number;
    records.push(
      eventRecord(
        recordTopic(batch, i),
        recordPartition(batch, i),
        exact(recordOffset(batch, i), () => batch.view.getBigInt64(start + 8, true)),
        exact(recordTimestamp(batch, i), () => batch.view.getBigInt64(start + 16, true)),
        recordTimestampType(batch, i),
        recordKey(batch, i),
        recordValue(batch, i),
        recordHeaders(batch, i).map((h) => [h.name, h.value]),
      ),
    );
  }
  return records;
}

function bytesOf(v: Uint8Array | string | null | undefined): Uint8Array | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

export function recordsFromMessages(messages: readonly MessageLike[]): EventRecord[] {
  return messages.map((m) =>
    eventRecord(
      m.topic,
      m.partition,
      m.offset,
      m.timestamp ?? -1,
      m.timestampType ?? 0,
      bytesOf(m.key),
      bytesOf(m.value),
      (m.headers ?? []).flatMap((h) =>
        Object.entries(h).map(([name, v]): [string, Uint8Array | null] => [
          // pack.ts turns lone surrogates into U+FFFD; do the same so both paths agree.
          name.toWellFormed(),
          bytesOf(v),
        ]),
      ),
    ),
  );
}

function groupKey(record: EventRecord): string {
  return `${record.topic}-${record.partition}`;
}

function eventObject(options: EncodeOptions, records: readonly EventRecord[]): Record<string, unknown> {
  const grouped: Record<string, EventRecord[]> = {};
  for (const r of records) {
    const key = groupKey(r);
    const list = grouped[key];
    if (list === undefined) grouped[key] = [r];
    else list.push(r);
  }
  return {
    eventSource: options.eventSource,
    ...(options.eventSource === 'aws:kafka' ? { eventSourceArn: options.eventSourceArn } : {}),
    bootstrapServers: options.bootstrapServers,
    records: grouped,
  };
}

/** Payloads for event records, split by the rule in types.ts. */
export function encodeRecords(records: readonly EventRecord[], options: EncodeOptions): EncodeResult {
  const { maxPayloadBytes: cap } = buildEnvelope(options);
  if (records.length === 0) return { payloads: [], oversized: [] };
  let base64Chars = 0;
  for (const r of records) base64Chars += (r.key?.length ?? 0) + (r.value?.length ?? 0);
  // Skip the whole-event attempt when the base64 alone is over the cap.
  if (base64Chars <= cap) {
    const whole = Buffer.from(JSON.stringify(eventObject(options, records)), 'utf8');
    // A payload only shrinks when records are removed, so if all fit, each fits alone too.
    if (whole.length <= cap) {
      return { payloads: [{ bytes: whole, firstRecord: 0, recordCount: records.length }], oversized: [] };
    }
  }

  // Split: size every record from its own JSON text, then build each payload from those texts.
  const texts = records.map((r) => JSON.stringify(r));
  const base = Buffer.byteLength(JSON.stringify(eventObject(options, [])), 'utf8');
  const payloads: Payload[] = [];
  const oversized: OversizedRecord[] = [];
  let open: number[] = [];
  let size = base;
  let groups = new Set<string>();
  const close = () => {
    if (open.length === 0) return;
    const first = open[0] as number;
    const byGroup = new Map<string, string[]>();
    for (const i of open) {
      const key = groupKey(records[i] as EventRecord);
      const list = byGroup.get(key);
      if (list === undefined) byGroup.set(key, [texts[i] as string]);
      else list.push(texts[i] as string);
    }
    const head = JSON.stringify(eventObject(options, [])).slice(0, -2);
    const body = [...byGroup].map(([key, list]) => `${JSON.stringify(key)}:[${list.join(',')}]`).join(',');
    payloads.push({
      bytes: Buffer.from(`${head}${body}}}`, 'utf8'),
      firstRecord: first,
      recordCount: open.length,
    });
    open = [];
    size = base;
    groups = new Set();
  };
  records.forEach((record, i) => {
    const key = groupKey(record);
    const recordBytes = Buffer.byteLength(texts[i] as string, 'utf8');
    const keyCost = Buffer.byteLength(JSON.stringify(key), 'utf8') + 3; // "key":[ … ]
    if (base + keyCost + recordBytes > cap) {
      close();
      oversized.push({
        index: i,
        offset: numberOf(record.offset),
        partition: record.partition,
        topic: record.topic,
        bytes: base + keyCost + recordBytes,
      });
      return;
    }
    let delta = groups.has(key) ? recordBytes + 1 : recordBytes + keyCost + (open.length > 0 ? 1 : 0);
    if (open.length > 0 && size + delta > cap) {
      close();
      delta = recordBytes + keyCost;
    }
    open.push(i);
    groups.add(key);
    size += delta;
  });
  close();
  return { payloads, oversized };
}

export function referenceEncode(packed: Uint8Array, options: EncodeOptions): EncodeResult {
  return encodeRecords(recordsFromPacked(packed), options);
}

export function referenceEncodeMessages(
  messages: readonly MessageLike[],
  options: EncodeOptions,
): EncodeResult {
  return encodeRecords(recordsFromMessages(messages), options);
}

export const referenceEncoder: BatchEncoder = {
  kind: 'reference',
  encode: referenceEncode,
  encodeMessages: referenceEncodeMessages,
};

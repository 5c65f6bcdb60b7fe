/**
 * Rebuilds the packed records (docs/raw-batch-layout.md) of a batch from its Lambda event payloads.
 * The event carries everything a record has — topic, partition, offset, timestamp and its type, key,
 * value, headers — so failure handling needs no second copy of the raw records on the hot path.
 * (A null header value became `[]` in the event and comes back as an empty value.)
 */
import { type MessageLike, pack } from '../encode/pack.ts';

interface EventRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType?: string;
  key?: string;
  value?: string;
  headers?: Array<Record<string, number[]>>;
}

const TYPES: Record<string, 0 | 1 | 2> = { NO_TIMESTAMP_TYPE: 0, CREATE_TIME: 1, LOG_APPEND_TIME: 2 };

export function messagesFromEvent(payload: Uint8Array): MessageLike[] {
  const event = JSON.parse(
    Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'),
  ) as {
    records?: Record<string, EventRecord[]>;
  };
  const out: MessageLike[] = [];
  for (const records of Object.values(event.records ?? {})) {
    for (const r of records) {
      out.push({
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        timestampType: TYPES[r.timestampType ?? ''] ?? 0,
        key: r.key === undefined ? null : Buffer.from(r.key, 'base64'),
        value: r.value === undefined ? null : Buffer.from(r.value, 'base64'),
        headers: (r.headers ?? []).map((h) =>
          Object.fromEntries(
            Object.entries(h).map(([name, bytes]) => [name, Uint8Array.from(bytes, (b) => b & 0xff)]),
          ),
        ),
      });
    }
  }
  return out;
}

export function packedFromPayloads(payloads: readonly Uint8Array[]): Uint8Array {
  return pack(payloads.flatMap(messagesFromEvent));
}

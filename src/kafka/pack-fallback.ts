/**
 * Packs the binding's message objects of ONE topic-partition into the raw-batch layout
 * (docs/raw-batch-layout.md), for the fallback consumer. Stand-in until src/encode/pack.ts exists;
 * it writes the same bytes the native addon writes (native/src/pack.rs). Two passes: measure, then
 * write into one allocation.
 */
export interface PackableMessage {
  offset: number;
  timestamp?: number | undefined;
  key?: Uint8Array | string | null | undefined;
  value: Uint8Array | null | undefined;
  headers?: ReadonlyArray<Record<string, unknown>> | undefined;
}

/** 0 unknown, 1 CREATE_TIME, 2 LOG_APPEND_TIME */
export type TimestampType = 0 | 1 | 2;

type Bytes = Uint8Array | null;

function bytesOf(v: unknown): Bytes {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return v;
  return Buffer.from(String(v), 'utf8');
}

interface Prepared {
  key: Bytes;
  value: Bytes;
  headers: Array<[Buffer, Bytes]>;
}

function prepare(m: PackableMessage): Prepared {
  const headers: Array<[Buffer, Bytes]> = [];
  // The binding gives headers as [{ name: value }, ...], one pair per object, in wire order.
  for (const h of m.headers ?? []) {
    for (const [name, value] of Object.entries(h)) headers.push([Buffer.from(name, 'utf8'), bytesOf(value)]);
  }
  return { key: bytesOf(m.key), value: bytesOf(m.value), headers };
}

const len = (b: Bytes) => 4 + (b === null ? 0 : b.byteLength);

export function packPartition(
  topic: string,
  partition: number,
  messages: readonly PackableMessage[],
  timestampType: TimestampType,
): Buffer {
  const name = Buffer.from(topic, 'utf8');
  const prepared = messages.map(prepare);
  let size = 20 + 2 + name.byteLength;
  for (const p of prepared) {
    size += 2 + 1 + 1 + 4 + 8 + 8 + len(p.key) + len(p.value) + 2;
    for (const [n, v] of p.headers) size += 2 + n.byteLength + len(v);
  }
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  const put = (b: Bytes) => {
    if (b === null) {
      pos = out.writeInt32LE(-1, pos);
      return;
    }
    pos = out.writeInt32LE(b.byteLength, pos);
    out.set(b, pos);
    pos += b.byteLength;
  };
  out.write('KLB1', 0, 'latin1');
  pos = out.writeUInt16LE(1, 4);
  pos = out.writeUInt16LE(0, pos);
  pos = out.writeUInt32LE(messages.length, pos);
  pos = out.writeUInt32LE(1, pos);
  pos = out.writeUInt32LE(size, pos);
  pos = out.writeUInt16LE(name.byteLength, pos);
  out.set(name, pos);
  pos += name.byteLength;
  messages.forEach((m, i) => {
    const p = prepared[i] as Prepared;
    const ts = m.timestamp !== undefined && m.timestamp >= 0 ? m.timestamp : -1;
    pos = out.writeUInt16LE(0, pos);
    pos = out.writeUInt8(ts === -1 ? 0 : timestampType, pos);
    pos = out.writeUInt8(0, pos);
    pos = out.writeInt32LE(partition, pos);
    pos = out.writeBigInt64LE(BigInt(m.offset), pos);
    pos = out.writeBigInt64LE(BigInt(ts), pos);
    put(p.key);
    put(p.value);
    pos = out.writeUInt16LE(p.headers.length, pos);
    for (const [n, v] of p.headers) {
      pos = out.writeUInt16LE(n.byteLength, pos);
      out.set(n, pos);
      pos += n.byteLength;
      put(v);
    }
  });
  return out;
}

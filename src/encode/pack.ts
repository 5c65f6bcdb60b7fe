/**
 * Writes message-like objects (the shape `@confluentinc/kafka-javascript` hands out) in the raw-batch
 * layout (docs/raw-batch-layout.md). The fallback consumer uses it, and so does the encoder's
 * `encodeMessages`, which packs straight into WASM memory: `packInto` writes into any caller-provided
 * Uint8Array and never allocates per record.
 */
import { EncodeError } from '../errors.ts';
import {
  HEADER_BYTES,
  MAGIC,
  MAX_BATCH_BYTES,
  MAX_FIELD_BYTES,
  MAX_HEADERS,
  MAX_NAME_BYTES,
  MAX_TOPIC_BYTES,
  MAX_TOPICS,
  RECORD_MIN,
  type TimestampType,
  VERSION,
  writeI64,
} from './layout.ts';

export type HeaderValue = Uint8Array | string | null | undefined;

export interface MessageLike {
  topic: string;
  partition: number;
  /** Safe integer (the rdkafka-style API gives offsets as numbers). */
  offset: number;
  /** Epoch milliseconds; absent → -1 (and then timestampType should be 0). */
  timestamp?: number | undefined;
  /** 1 CREATE_TIME, 2 LOG_APPEND_TIME, 0 or absent: unknown (the payload says NO_TIMESTAMP_TYPE). */
  timestampType?: TimestampType | undefined;
  /** Bytes, or a string written as UTF-8; null or absent: no key. */
  key?: Uint8Array | string | null | undefined;
  /** Bytes, or a string written as UTF-8; null or absent: a tombstone. */
  value?: Uint8Array | string | null | undefined;
  /** One object per header, usually with a single name, in record order; repeated names allowed. */
  headers?: ReadonlyArray<Readonly<Record<string, HeaderValue>>> | null | undefined;
}

const EMPTY = new Uint8Array(0);
/** Byte loops beat TypedArray.set below this length (set() has a fixed call cost). */
const SMALL_COPY = 32;

// Header names → UTF-8, interned. Bounded: high-cardinality names must not grow memory without limit.
const NAME_CACHE_LIMIT = 1024;
/** Names up to this many bytes are also kept as words (see HeaderName). */
const WORDS_MAX = 62;

interface HeaderName {
  bytes: Uint8Array;
  /**
   * The name as the layout writes it (u16 length, then the bytes), zero-padded to whole little-endian
   * 32-bit words: a few DataView stores instead of a byte loop, which costs about 1 ns per byte. The
   * last word may spill up to 3 bytes into the value length, which is written right after it.
   */
  words: number[] | undefined;
}
const nameCache = new Map<string, HeaderName>();

// Last name seen at each of the first SLOTS header positions, and its entry.
const SLOTS = 8;
const slotName: (string | undefined)[] = new Array(SLOTS).fill(undefined);
const slotEntry: (HeaderName | undefined)[] = new Array(SLOTS).fill(undefined);

function headerName(name: string): HeaderName {
  let entry = nameCache.get(name);
  if (entry === undefined) {
    // Buffer.from replaces lone surrogates with U+FFFD, so names are always valid UTF-8.
    const bytes = Buffer.from(name, 'utf8');
    if (bytes.length > MAX_NAME_BYTES) throw fail(`header name longer than ${MAX_NAME_BYTES} bytes`);
    let words: number[] | undefined;
    if (bytes.length <= WORDS_MAX) {
      const padded = new Uint8Array((bytes.length + 5) & ~3);
      padded[0] = bytes.length;
      padded.set(bytes, 2);
      words = Array.from(new Int32Array(padded.buffer));
    }
    entry = { bytes, words };
    if (nameCache.size >= NAME_CACHE_LIMIT) nameCache.clear();
    nameCache.set(name, entry);
  }
  return entry;
}

function fail(message: string, index?: number): EncodeError {
  return new EncodeError('ENCODE_FAILED', `cannot pack message: ${message}`, {
    context: index === undefined ? {} : { index },
  });
}

interface TopicTable {
  names: string[];
  bytes: Uint8Array[];
  index: Map<string, number>;
  size: number;
}

function topicTable(messages: readonly MessageLike[]): TopicTable {
  const table: TopicTable = { names: [], bytes: [], index: new Map(), size: 0 };
  let last: string | undefined;
  for (let i = 0; i < messages.length; i++) {
    const topic = (messages[i] as MessageLike).topic;
    if (topic === last || table.index.has(topic)) continue;
    if (typeof topic !== 'string') throw fail('topic must be a string', i);
    const bytes = Buffer.from(topic, 'utf8');
    if (bytes.length > MAX_TOPIC_BYTES) throw fail(`topic name longer than ${MAX_TOPIC_BYTES} bytes`, i);
    table.index.set(topic, table.names.length);
    table.names.push(topic);
    table.bytes.push(bytes);
    table.size += 2 + bytes.length;
    last = topic;
  }
  if (table.names.length > MAX_TOPICS) throw fail(`more than ${MAX_TOPICS} topics in one batch`);
  return table;
}

function copy(out: Uint8Array, pos: number, src: Uint8Array): void {
  const n = src.length;
  if (n > SMALL_COPY) {
    out.set(src, pos);
    return;
  }
  // Straight-line stores for the first 8 and 16 bytes (keys, ids, trace ids): about a third faster
  // than the loop, which pays an index add, overflow check and two bounds checks per byte.
  let j = 0;
  if (n >= 8) {
    out[pos] = src[0] as number;
    out[pos + 1] = src[1] as number;
    out[pos + 2] = src[2] as number;
    out[pos + 3] = src[3] as number;
    out[pos + 4] = src[4] as number;
    out[pos + 5] = src[5] as number;
    out[pos + 6] = src[6] as number;
    out[pos + 7] = src[7] as number;
    j = 8;
    if (n >= 16) {
      out[pos + 8] = src[8] as number;
      out[pos + 9] = src[9] as number;
      out[pos + 10] = src[10] as number;
      out[pos + 11] = src[11] as number;
      out[pos + 12] = src[12] as number;
      out[pos + 13] = src[13] as number;
      out[pos + 14] = src[14] as number;
      out[pos + 15] = src[15] as number;
      j = 16;
    }
  }
  for (; j < n; j++) out[pos + j] = src[j] as number;
}

function defer(deferred: DeferredFields, pos: number, field: Uint8Array): void {
  deferred.offsets.push(pos);
  deferred.fields.push(field);
}

function fieldLength(field: Uint8Array | string | null | undefined, what: string, index: number): number {
  if (field === null || field === undefined) return -1;
  const n = typeof field === 'string' ? Buffer.byteLength(field, 'utf8') : field.length;
  if (n > MAX_FIELD_BYTES) {
    throw new EncodeError('RECORD_TOO_LARGE', `${what} longer than ${MAX_FIELD_BYTES} bytes`, {
      context: { index },
    });
  }
  return n;
}

function headerValueLength(value: HeaderValue): number {
  if (value === null || value === undefined) return -1;
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

function checkNumbers(m: MessageLike, index: number): number {
  if ((m.partition | 0) !== m.partition) throw fail('partition must be a 32-bit integer', index);
  if (!Number.isSafeInteger(m.offset)) throw fail('offset must be a safe integer', index);
  if (m.timestamp !== undefined && !Number.isSafeInteger(m.timestamp)) {
    throw fail('timestamp must be a safe integer', index);
  }
  const tt = m.timestampType ?? 0;
  if (tt !== 0 && tt !== 1 && tt !== 2) throw fail('timestampType must be 0, 1 or 2', index);
  return tt;
}

/** Bytes of records [from, end) and their headers, without writing (used after the target ran out). */
function measure(messages: readonly MessageLike[], from: number): number {
  let size = 0;
  for (let i = from; i < messages.length; i++) {
    const m = messages[i] as MessageLike;
    size += RECORD_MIN;
    size += Math.max(0, fieldLength(m.key, 'key', i)) + Math.max(0, fieldLength(m.value, 'value', i));
    const headers = m.headers;
    if (headers) {
      for (const h of headers) {
        for (const name in h)
          size += 6 + headerName(name).bytes.length + Math.max(0, headerValueLength(h[name]));
      }
    }
  }
  return size;
}

/**
 * Byte keys and values with a length in [min, max] that packInto reserves but does not copy: it
 * records where each one's bytes belong (offsets from `at`, ascending) and the source array. For the
 * WASM encoder, which never reads those bytes (it leaves their base64 to Node, from `fields`), this
 * saves copying the largest fields of a batch. The batch is then not a complete packed batch.
 */
export interface DeferredFields {
  min: number;
  max: number;
  offsets: number[];
  fields: Uint8Array[];
}

/**
 * Writes a record's header count and headers from `at`; returns their end, or -1 when they do not fit
 * before `cap`. Its own function so that V8 inlines copy() here, in the hottest loop of packing.
 */
function writeHeaders(
  headers: ReadonlyArray<Readonly<Record<string, HeaderValue>>>,
  out: Uint8Array,
  view: DataView,
  text: Buffer,
  at: number,
  cap: number,
  index: number,
): number {
  let pos = at + 2;
  let headerCount = 0;
  for (let j = 0; j < headers.length; j++) {
    const h = headers[j] as Readonly<Record<string, HeaderValue>>;
    for (const name in h) {
      // The same names come back in the same positions record after record: object keys are
      // interned strings, so this compare is usually a pointer compare and saves the Map lookup.
      let entry: HeaderName;
      if (j < SLOTS && slotName[j] === name) {
        entry = slotEntry[j] as HeaderName;
      } else {
        entry = headerName(name);
        if (j < SLOTS) {
          slotName[j] = name;
          slotEntry[j] = entry;
        }
      }
      const nb = entry.bytes;
      const words = entry.words;
      const v = h[name];
      const n = headerValueLength(v);
      if (pos + 6 + nb.length + Math.max(n, 0) > cap) return -1;
      if (words !== undefined) {
        for (let w = 0; w < words.length; w++) view.setInt32(pos + 4 * w, words[w] as number, true);
      } else {
        view.setUint16(pos, nb.length, true);
        copy(out, pos + 2, nb);
      }
      pos += 2 + nb.length;
      view.setInt32(pos, n, true);
      pos += 4;
      if (n > 0) {
        if (typeof v === 'string') text.write(v, pos, n, 'utf8');
        else copy(out, pos, v as Uint8Array);
        pos += n;
      }
      headerCount++;
    }
  }
  if (headerCount > MAX_HEADERS) throw fail(`more than ${MAX_HEADERS} headers`, index);
  view.setUint16(at, headerCount, true);
  return pos;
}

/**
 * Packs messages into target starting at `at`. Returns the batch's length in bytes. When that is more
 * than `target.length - at`, nothing usable was written: make room and call again (the returned
 * length is exact, so one retry suffices).
 */
export function packInto(
  messages: readonly MessageLike[],
  target: Uint8Array,
  at = 0,
  deferred?: DeferredFields,
): number {
  const topics = topicTable(messages);
  const count = messages.length;
  const out = at === 0 ? target : target.subarray(at);
  const cap = out.length;
  let pos = HEADER_BYTES + topics.size;
  let i = 0;
  let full = pos > cap;
  const deferMin = deferred === undefined ? Number.POSITIVE_INFINITY : deferred.min;
  const deferMax = deferred === undefined ? -1 : deferred.max;
  if (deferred !== undefined) {
    deferred.offsets.length = 0;
    deferred.fields.length = 0;
  }
  if (!full) {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    // Buffer view of the same bytes, only to write string header values as UTF-8 in place.
    const text = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    let p = HEADER_BYTES;
    for (const bytes of topics.bytes) {
      view.setUint16(p, bytes.length, true);
      copy(out, p + 2, bytes);
      p += 2 + bytes.length;
    }
    const single = topics.names.length === 1;
    for (; i < count; i++) {
      const m = messages[i] as MessageLike;
      const key = m.key;
      const value = m.value;
      const keyLen = fieldLength(key, 'key', i);
      const valueLen = fieldLength(value, 'value', i);
      const start = pos;
      const q = pos + RECORD_MIN + Math.max(keyLen, 0) + Math.max(valueLen, 0);
      if (q > cap) {
        full = true;
        break;
      }
      const tt = checkNumbers(m, i);
      view.setUint16(pos, single ? 0 : (topics.index.get(m.topic) as number), true);
      out[pos + 2] = tt;
      out[pos + 3] = 0;
      view.setInt32(pos + 4, m.partition, true);
      writeI64(view, pos + 8, m.offset);
      writeI64(view, pos + 16, m.timestamp ?? -1);
      pos += 24;
      view.setInt32(pos, keyLen, true);
      pos += 4;
      if (keyLen > 0) {
        if (typeof key === 'string') text.write(key, pos, keyLen, 'utf8');
        else if (keyLen >= deferMin && keyLen <= deferMax)
          defer(deferred as DeferredFields, pos, key as Uint8Array);
        else copy(out, pos, key as Uint8Array);
        pos += keyLen;
      }
      view.setInt32(pos, valueLen, true);
      pos += 4;
      if (valueLen > 0) {
        if (typeof value === 'string') text.write(value, pos, valueLen, 'utf8');
        else if (valueLen >= deferMin && valueLen <= deferMax)
          defer(deferred as DeferredFields, pos, value as Uint8Array);
        // Values are long as a rule: set() here saves a call of copy() per record (about 3% of packing).
        else if (valueLen > SMALL_COPY) out.set(value as Uint8Array, pos);
        else copy(out, pos, value as Uint8Array);
        pos += valueLen;
      }
      const headers = m.headers;
      if (headers) {
        pos = writeHeaders(headers, out, view, text, pos, cap, i);
        if (pos < 0) {
          full = true;
          pos = start;
          break;
        }
      } else {
        view.setUint16(pos, 0, true);
        pos += 2;
      }
    }
    if (!full) {
      view.setUint32(0, MAGIC, true);
      view.setUint16(4, VERSION, true);
      view.setUint16(6, 0, true);
      view.setUint32(8, count, true);
      view.setUint32(12, topics.names.length, true);
      view.setUint32(16, pos, true);
    }
  }
  if (full) pos += measure(messages, i);
  if (pos > MAX_BATCH_BYTES) throw fail(`batch larger than ${MAX_BATCH_BYTES} bytes`);
  return pos;
}

/** Packs messages into a new Uint8Array of the exact size. */
export function pack(messages: readonly MessageLike[]): Uint8Array {
  const size = packInto(messages, EMPTY);
  const out = new Uint8Array(size);
  packInto(messages, out);
  return out;
}

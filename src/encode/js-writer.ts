/**
 * The tuned pure-JS writer: the encoder used when WebAssembly is unavailable, and the benchmark's
 * second baseline. Same two passes as the WASM module (js-plan.ts, then this file), writing bytes into
 * one reused Buffer with lookup tables; base64 goes through Node's native encoder for longer fields.
 */
import { type EncodeOptions, envelopeCache } from './envelope.ts';
import { FIELD, type PlannedPayload, Planner, TIMESTAMP_TYPE_FIELDS } from './js-plan.ts';
import { copyBytes, writeBase64, writeByteArray, writeDecimal, writeLatin1, writeName } from './js-text.ts';
import { readI64 } from './layout.ts';
import { type MessageLike, packInto } from './pack.ts';
import { STATUS, statusError } from './status.ts';
import type { BatchEncoder, EncodeResult, OversizedRecord, Payload } from './types.ts';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const F_TOPIC = latin1(FIELD.topic);
const F_PARTITION = latin1(FIELD.partition);
const F_OFFSET = latin1(FIELD.offset);
const F_TIMESTAMP = latin1(FIELD.timestamp);
const F_KEY = latin1(FIELD.key);
const F_VALUE = latin1(FIELD.value);
const F_HEADERS = latin1(FIELD.headers);
const F_TT = TIMESTAMP_TYPE_FIELDS.map(latin1);

function put(out: Uint8Array, pos: number, fragment: Uint8Array): number {
  return copyBytes(out, pos, fragment, 0, fragment.length);
}

function writeI64(out: Uint8Array, pos: number, view: DataView, at: number): number {
  const v = readI64(view, at);
  return Number.isSafeInteger(v)
    ? writeDecimal(out, pos, v)
    : writeLatin1(out, pos, view.getBigInt64(at, true).toString());
}

/** Everything of a record after `"offset":`. */
function writeRecordRest(out: Buffer, pos: number, src: Buffer, view: DataView, rec: number): number {
  let d = writeI64(out, pos, view, rec + 8);
  d = put(out, d, F_TIMESTAMP);
  d = writeI64(out, d, view, rec + 16);
  d = put(out, d, F_TT[src[rec + 2] as number] as Uint8Array);
  let p = rec + 24;
  const keyLen = view.getInt32(p, true);
  p += 4;
  if (keyLen >= 0) {
    d = put(out, d, F_KEY);
    d = writeBase64(out, d, src, p, keyLen);
    out[d++] = 0x22;
    p += keyLen;
  }
  const valueLen = view.getInt32(p, true);
  p += 4;
  if (valueLen >= 0) {
    d = put(out, d, F_VALUE);
    d = writeBase64(out, d, src, p, valueLen);
    out[d++] = 0x22;
    p += valueLen;
  }
  d = put(out, d, F_HEADERS);
  const headerCount = view.getUint16(p, true);
  p += 2;
  for (let h = 0; h < headerCount; h++) {
    if (h > 0) out[d++] = 0x2c;
    out[d] = 0x7b; // {"
    out[d + 1] = 0x22;
    const nameLen = view.getUint16(p, true);
    d = writeName(out, d + 2, src, p + 2, nameLen);
    p += 2 + nameLen;
    out[d] = 0x22; // ":[
    out[d + 1] = 0x3a;
    out[d + 2] = 0x5b;
    d += 3;
    const n = view.getInt32(p, true);
    p += 4;
    if (n > 0) {
      d = writeByteArray(out, d, src, p, n);
      p += n;
    }
    out[d] = 0x5d; // ]}
    out[d + 1] = 0x7d;
    d += 2;
  }
  out[d] = 0x5d;
  out[d + 1] = 0x7d;
  return d + 2;
}

export class JsWriterEncoder implements BatchEncoder {
  readonly kind = 'js' as const;
  private out: Buffer = Buffer.alloc(1 << 16);
  private packBuffer = new Uint8Array(1 << 16);
  private readonly planner = new Planner();
  private readonly envelope = envelopeCache();

  encode(packed: Uint8Array, options: EncodeOptions): EncodeResult {
    const { prefix, maxPayloadBytes } = this.envelope(options);
    const src = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    const plan = this.planner;
    plan.plan(src, view, prefix.length, maxPayloadBytes);
    if (this.out.length < plan.outputBytes) {
      // Grow once to a high-water mark; Buffer.alloc touches the pages now rather than mid-batch.
      this.out = Buffer.alloc(Math.max(plan.outputBytes, Math.ceil(this.out.length * 1.5)));
    }
    const out = this.out;
    const payloads: Payload[] = [];
    for (const planned of plan.payloads) {
      const end = this.writePayload(out, src, view, prefix, planned);
      if (end - planned.outOffset !== planned.length) throw statusError(STATUS.INTERNAL_SIZE_MISMATCH);
      payloads.push({
        bytes: out.subarray(planned.outOffset, end),
        firstRecord: planned.firstRecord,
        recordCount: planned.recordCount,
      });
    }
    const oversized: OversizedRecord[] = plan.oversized.map((o) => {
      const topic = view.getUint16(o.pos, true);
      const start = plan.topicStart[topic] as number;
      return {
        index: o.index,
        offset: readI64(view, o.pos + 8),
        partition: view.getInt32(o.pos + 4, true),
        topic: src.toString('utf8', start, start + (plan.topicLen[topic] as number)),
        bytes: o.bytes,
      };
    });
    return { payloads, oversized };
  }

  encodeMessages(messages: readonly MessageLike[], options: EncodeOptions): EncodeResult {
    this.envelope(options); // reject bad options before packing
    let n = packInto(messages, this.packBuffer);
    if (n > this.packBuffer.length) {
      this.packBuffer = new Uint8Array(Math.max(n, Math.ceil(this.packBuffer.length * 1.5)));
      n = packInto(messages, this.packBuffer);
    }
    return this.encode(this.packBuffer.subarray(0, n), options);
  }

  private writePayload(
    out: Buffer,
    src: Buffer,
    view: DataView,
    prefix: Uint8Array,
    planned: PlannedPayload,
  ): number {
    const plan = this.planner;
    let d = copyBytes(out, planned.outOffset, prefix, 0, prefix.length);
    const chainEnd = planned.chainStart + planned.chainCount;
    for (let c = planned.chainStart; c < chainEnd; c++) {
      if (c > planned.chainStart) out[d++] = 0x2c;
      const g = plan.chainGroup[c] as number;
      const topic = plan.groupTopic[g] as number;
      const partition = plan.groupPartition[g] as number;
      const nameStart = plan.topicStart[topic] as number;
      const nameLen = plan.topicLen[topic] as number;
      out[d++] = 0x22; // "topic-partition":[
      d = writeName(out, d, src, nameStart, nameLen);
      out[d++] = 0x2d;
      d = writeDecimal(out, d, partition);
      out[d] = 0x22;
      out[d + 1] = 0x3a;
      out[d + 2] = 0x5b;
      d += 3;
      // {"topic":…,"partition":…,"offset": is the same for the whole group: write it once, copy it after.
      const head = d;
      d = put(out, d, F_TOPIC);
      d = writeName(out, d, src, nameStart, nameLen);
      d = put(out, d, F_PARTITION);
      d = writeDecimal(out, d, partition);
      d = put(out, d, F_OFFSET);
      const headLen = d - head;
      let r = plan.chainHead[c] as number;
      for (;;) {
        d = writeRecordRest(out, d, src, view, plan.recStart[r] as number);
        r = plan.recNext[r] as number;
        if (r < 0) break;
        out[d] = 0x2c;
        d = copyBytes(out, d + 1, out, head, headLen);
      }
      out[d++] = 0x5d;
    }
    out[d] = 0x7d;
    out[d + 1] = 0x7d;
    return d + 2;
  }
}

/**
 * Pass 1 of the tuned JS writer, the same algorithm as assembly/plan.ts: validate the packed batch
 * (same checks, same status names), size every record exactly, group records by topic-partition and
 * cut payloads greedily under the cap (rule in types.ts). Arrays are reused between batches.
 */

import { base64Length, byteArrayLength, decimalLength, scanName } from './js-text.ts';
import { HEADER_BYTES, MAGIC, RECORD_FIXED, RECORD_MIN, readI64, VERSION } from './layout.ts';
import { STATUS, type StatusName, statusError } from './status.ts';

// Lengths of the fixed JSON pieces of a record (see js-writer.ts for the text).
export const FIELD = {
  topic: '{"topic":"',
  partition: '","partition":',
  offset: ',"offset":',
  timestamp: ',"timestamp":',
  key: ',"key":"',
  value: ',"value":"',
  headers: ',"headers":[',
} as const;
export const TIMESTAMP_TYPE_FIELDS = [
  ',"timestampType":"NO_TIMESTAMP_TYPE"',
  ',"timestampType":"CREATE_TIME"',
  ',"timestampType":"LOG_APPEND_TIME"',
] as const;

export interface PlannedPayload {
  outOffset: number;
  length: number;
  firstRecord: number;
  recordCount: number;
  chainStart: number;
  chainCount: number;
}

export interface PlannedOversized {
  index: number;
  pos: number;
  bytes: number;
}

function bad(name: StatusName, record?: number): never {
  throw statusError(STATUS[name], record);
}

/** Decimal length of the i64 at pos, exact beyond 2^53 too. */
export function i64Length(view: DataView, pos: number): number {
  const v = readI64(view, pos);
  return Number.isSafeInteger(v) ? decimalLength(v) : view.getBigInt64(pos, true).toString().length;
}

function grow<T extends Uint32Array | Int32Array>(array: T, n: number, make: (size: number) => T): T {
  return array.length >= n ? array : make(Math.max(n, array.length * 2));
}

export class Planner {
  recStart = new Uint32Array(256);
  recGroup = new Uint32Array(256);
  recNext = new Int32Array(256);
  chainGroup = new Uint32Array(256);
  chainHead = new Uint32Array(256);
  topicStart: number[] = [];
  topicLen: number[] = [];
  topicEsc: number[] = [];
  groupTopic: number[] = [];
  groupPartition: number[] = [];
  groupStamp: number[] = [];
  groupTail: number[] = [];
  groupKeyLen: number[] = [];
  payloads: PlannedPayload[] = [];
  oversized: PlannedOversized[] = [];
  outputBytes = 0;
  private readonly groupIndex = new Map<number, number>();

  plan(bytes: Uint8Array, view: DataView, prefixLen: number, cap: number): void {
    const len = bytes.length;
    if (len < HEADER_BYTES) bad('BAD_BYTE_LENGTH');
    if (view.getUint32(0, true) !== MAGIC) bad('BAD_MAGIC');
    if (view.getUint16(4, true) !== VERSION || view.getUint16(6, true) !== 0) bad('BAD_VERSION');
    const recordCount = view.getUint32(8, true);
    const topicCount = view.getUint32(12, true);
    if (view.getUint32(16, true) !== len) bad('BAD_BYTE_LENGTH');
    const body = len - HEADER_BYTES;
    if (topicCount * 2 > body || recordCount * RECORD_MIN > body) bad('TRUNCATED');
    if (recordCount > 0 && topicCount === 0) bad('BAD_TOPIC_INDEX', 0);

    this.recStart = grow(this.recStart, recordCount, (n) => new Uint32Array(n));
    this.recGroup = grow(this.recGroup, recordCount, (n) => new Uint32Array(n));
    this.recNext = grow(this.recNext, recordCount, (n) => new Int32Array(n));
    this.chainGroup = grow(this.chainGroup, recordCount, (n) => new Uint32Array(n));
    this.chainHead = grow(this.chainHead, recordCount, (n) => new Uint32Array(n));
    const {
      recStart,
      recGroup,
      recNext,
      chainGroup,
      chainHead,
      topicEsc,
      groupKeyLen,
      groupStamp,
      groupTail,
    } = this;
    this.topicStart.length = 0;
    this.topicLen.length = 0;
    topicEsc.length = 0;
    this.groupTopic.length = 0;
    this.groupPartition.length = 0;
    groupStamp.length = 0;
    groupTail.length = 0;
    groupKeyLen.length = 0;
    this.groupIndex.clear();
    const payloads: PlannedPayload[] = [];
    const oversized: PlannedOversized[] = [];
    this.payloads = payloads;
    this.oversized = oversized;

    let p = HEADER_BYTES;
    for (let t = 0; t < topicCount; t++) {
      if (len - p < 2) bad('TRUNCATED');
      const n = view.getUint16(p, true);
      p += 2;
      if (len - p < n) bad('TRUNCATED');
      const esc = scanName(bytes, p, n);
      if (esc < 0) bad('INVALID_UTF8');
      this.topicStart.push(p);
      this.topicLen.push(n);
      topicEsc.push(esc);
      p += n;
    }

    const base = prefixLen + 2; // every payload is prefix + groups + "}}"
    let outOffset = 0;
    let chainCount = 0;
    let curFirst = 0;
    let curCount = 0;
    let curSize = 0;
    let curChainStart = 0;
    const close = () => {
      payloads.push({
        outOffset,
        length: curSize,
        firstRecord: curFirst,
        recordCount: curCount,
        chainStart: curChainStart,
        chainCount: chainCount - curChainStart,
      });
      outOffset += curSize;
      curCount = 0;
    };
    let lastTopic = -1;
    let lastPartition = 0;
    let g = 0;
    const fixed =
      FIELD.topic.length +
      FIELD.partition.length +
      FIELD.offset.length +
      FIELD.timestamp.length +
      FIELD.headers.length +
      2;

    for (let i = 0; i < recordCount; i++) {
      const rec = p;
      if (len - p < RECORD_MIN) bad('TRUNCATED', i);
      const topic = view.getUint16(p, true);
      if (topic >= topicCount) bad('BAD_TOPIC_INDEX', i);
      const tt = bytes[p + 2] as number;
      if (tt > 2) bad('BAD_TIMESTAMP_TYPE', i);
      const partition = view.getInt32(p + 4, true);
      let size =
        fixed +
        (topicEsc[topic] as number) +
        decimalLength(partition) +
        i64Length(view, p + 8) +
        i64Length(view, p + 16) +
        (TIMESTAMP_TYPE_FIELDS[tt] as string).length;
      p += RECORD_FIXED;
      const keyLen = view.getInt32(p, true);
      p += 4;
      if (keyLen < -1) bad('BAD_LENGTH', i);
      if (keyLen >= 0) {
        if (len - p < keyLen) bad('TRUNCATED', i);
        size += FIELD.key.length + base64Length(keyLen) + 1;
        p += keyLen;
      }
      if (len - p < 4) bad('TRUNCATED', i);
      const valueLen = view.getInt32(p, true);
      p += 4;
      if (valueLen < -1) bad('BAD_LENGTH', i);
      if (valueLen >= 0) {
        if (len - p < valueLen) bad('TRUNCATED', i);
        size += FIELD.value.length + base64Length(valueLen) + 1;
        p += valueLen;
      }
      if (len - p < 2) bad('TRUNCATED', i);
      const headerCount = view.getUint16(p, true);
      p += 2;
      for (let h = 0; h < headerCount; h++) {
        if (len - p < 2) bad('TRUNCATED', i);
        const nameLen = view.getUint16(p, true);
        p += 2;
        if (len - p < nameLen) bad('TRUNCATED', i);
        const esc = scanName(bytes, p, nameLen);
        if (esc < 0) bad('INVALID_UTF8', i);
        p += nameLen;
        if (len - p < 4) bad('TRUNCATED', i);
        const n = view.getInt32(p, true);
        p += 4;
        if (n < -1) bad('BAD_LENGTH', i);
        size += esc + 7 + (h > 0 ? 1 : 0); // {"name":[…]} and a comma between headers
        if (n > 0) {
          if (len - p < n) bad('TRUNCATED', i);
          size += byteArrayLength(bytes, p, n);
          p += n;
        }
      }

      if (topic !== lastTopic || partition !== lastPartition) {
        const key = topic * 4294967296 + (partition >>> 0);
        let found = this.groupIndex.get(key);
        if (found === undefined) {
          found = groupKeyLen.length;
          this.groupIndex.set(key, found);
          this.groupTopic.push(topic);
          this.groupPartition.push(partition);
          groupStamp.push(0);
          groupTail.push(0);
          groupKeyLen.push((topicEsc[topic] as number) + decimalLength(partition) + 5); // "topic-partition":[
        }
        g = found;
        lastTopic = topic;
        lastPartition = partition;
      }
      recStart[i] = rec;
      recGroup[i] = g;
      recNext[i] = -1;

      const keyCost = (groupKeyLen[g] as number) + 1;
      if (base + keyCost + size > cap) {
        if (curCount > 0) close();
        oversized.push({ index: i, pos: rec, bytes: base + keyCost + size });
        continue;
      }
      let joins = curCount > 0 && groupStamp[g] === payloads.length + 1;
      let delta = joins ? size + 1 : size + keyCost + (curCount > 0 ? 1 : 0);
      if (curCount > 0 && curSize + delta > cap) {
        close();
        joins = false;
        delta = size + keyCost;
      }
      if (curCount === 0) {
        curFirst = i;
        curSize = base;
        curChainStart = chainCount;
      }
      if (joins) {
        recNext[groupTail[g] as number] = i;
      } else {
        groupStamp[g] = payloads.length + 1;
        chainGroup[chainCount] = g;
        chainHead[chainCount] = i;
        chainCount++;
      }
      groupTail[g] = i;
      curSize += delta;
      curCount++;
    }
    if (p !== len) bad('TRAILING_BYTES');
    if (curCount > 0) close();
    this.outputBytes = outOffset;
  }
}

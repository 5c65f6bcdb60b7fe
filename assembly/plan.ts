// Pass 1: validate the batch, size every record exactly, group records by topic-partition and cut
// the batch into payloads that fit the byte cap. Nothing is written to the output here; pass 2
// (write.ts) follows the plan and checks that every payload comes out at the planned length.
//
// Split rule (greedy, order kept): records are taken in batch order; a record joins the open payload
// if the payload stays ≤ cap with it, otherwise the payload is closed and a new one starts. A record
// that does not fit even alone is listed as oversized and closes the open payload, so every payload is
// a contiguous run of batch records.
import { base64Length } from './base64';
import { NOT_UTF8, scanName } from './json';
import {
  CHAIN_STRIDE,
  GROUP_STRIDE,
  HEADER_BYTES,
  HOLE_STRIDE,
  hashSlots,
  MAGIC,
  NONE,
  OVERSIZED_STRIDE,
  PAYLOAD_STRIDE,
  placeScratch,
  R_DETAIL,
  R_NEED_HI,
  R_NEED_LO,
  R_OUTPUT_BYTES,
  R_OVERSIZED,
  R_OVERSIZED_PTR,
  R_PAYLOAD_PTR,
  R_PAYLOADS,
  RECORD_FIXED,
  RECORD_MIN,
  RECORD_STRIDE,
  RESULT,
  sChains,
  sGroups,
  sHash,
  sOversized,
  sPayloads,
  sRecords,
  sTopics,
  TOPIC_STRIDE,
} from './layout';
import { decimalLength } from './numbers';
import { signedBytesLength } from './signed';
import {
  BAD_BYTE_LENGTH,
  BAD_LENGTH,
  BAD_MAGIC,
  BAD_TIMESTAMP_TYPE,
  BAD_TOPIC_INDEX,
  BAD_VERSION,
  INVALID_UTF8,
  OK,
  OUTPUT_TOO_SMALL,
  SCRATCH_TOO_SMALL,
  TRAILING_BYTES,
  TRUNCATED,
} from './status';
import {
  N_HEADERS,
  N_KEY,
  N_OFFSET,
  N_PARTITION,
  N_TIMESTAMP,
  N_TOPIC,
  N_TT0,
  N_TT1,
  N_TT2,
  N_VALUE,
} from './tables';

/** Bytes past the last payload that writers may scribble on (short copies, u64 stores). */
export const OUTPUT_SLACK: u64 = 64;

// Bytes per record in the scratch tables (see layout.ts).
const PER_RECORD: u64 =
  RECORD_STRIDE + GROUP_STRIDE + CHAIN_STRIDE + PAYLOAD_STRIDE + OVERSIZED_STRIDE + 2 * HOLE_STRIDE;

function fail(status: i32, record: u32): i32 {
  store<u32>(RESULT + R_DETAIL, record);
  return status;
}

function tooSmall(status: i32, need: u64): i32 {
  store<u32>(RESULT + R_NEED_LO, <u32>need);
  store<u32>(RESULT + R_NEED_HI, <u32>(need >> 32));
  return status;
}

function ttLength(tt: u32): u64 {
  return tt === 1 ? N_TT1 : tt === 2 ? N_TT2 : N_TT0;
}

// Open payload state (globals keep the hot loop free of extra parameters).
let payloadCount: u32 = 0;
let chainCount: u32 = 0;
let outOffset: u64 = 0;
let curFirst: u32 = 0;
let curCount: u32 = 0;
let curSize: u64 = 0;
let curChainStart: u32 = 0;

function closePayload(): void {
  const d = sPayloads + <usize>payloadCount * PAYLOAD_STRIDE;
  store<u32>(d, <u32>outOffset);
  store<u32>(d, <u32>curSize, 4);
  store<u32>(d, curFirst, 8);
  store<u32>(d, curCount, 12);
  store<u32>(d, curChainStart, 16);
  store<u32>(d, chainCount - curChainStart, 20);
  outOffset += curSize;
  payloadCount++;
  curCount = 0;
}

/**
 * Plans the batch at [inPtr, inPtr + inLen). prefixLen is the length of the event's opening
 * (`{"eventSource":…,"records":{`); cap is the largest payload allowed. On OK the payload and
 * oversized tables are in scratch and the result area says where.
 */
export function plan(
  inPtr: usize,
  inLen: usize,
  prefixLen: usize,
  scratchPtr: usize,
  scratchCap: usize,
  outCap: usize,
  cap: u64,
): i32 {
  store<u32>(RESULT + R_DETAIL, NONE);
  if (inLen < HEADER_BYTES) return fail(BAD_BYTE_LENGTH, NONE);
  if (load<u32>(inPtr) !== MAGIC) return fail(BAD_MAGIC, NONE);
  if (load<u16>(inPtr, 4) !== 1 || load<u16>(inPtr, 6) !== 0) return fail(BAD_VERSION, NONE);
  const recordCount = load<u32>(inPtr, 8);
  const topicCount = load<u32>(inPtr, 12);
  if (load<u32>(inPtr, 16) !== <u32>inLen) return fail(BAD_BYTE_LENGTH, NONE);
  // Bound the counts by what the bytes could hold before sizing scratch from them.
  const body = <u64>(inLen - HEADER_BYTES);
  if (<u64>topicCount * 2 > body || <u64>recordCount * RECORD_MIN > body) return fail(TRUNCATED, NONE);
  if (recordCount > 0 && topicCount === 0) return fail(BAD_TOPIC_INDEX, 0);
  const need =
    <u64>topicCount * TOPIC_STRIDE + <u64>recordCount * PER_RECORD + <u64>hashSlots(recordCount) * 4;
  if (need > <u64>scratchCap) return tooSmall(SCRATCH_TOO_SMALL, need);
  placeScratch(scratchPtr, recordCount, topicCount);

  const end = inPtr + inLen;
  let p = inPtr + HEADER_BYTES;
  for (let t: u32 = 0; t < topicCount; t++) {
    if (end - p < 2) return fail(TRUNCATED, NONE);
    const n = <usize>load<u16>(p);
    p += 2;
    if (end - p < n) return fail(TRUNCATED, NONE);
    const esc = scanName(p, n);
    if (esc === NOT_UTF8) return fail(INVALID_UTF8, NONE);
    const e = sTopics + <usize>t * TOPIC_STRIDE;
    store<u32>(e, <u32>p);
    store<u32>(e, <u32>n, 4);
    store<u32>(e, <u32>esc, 8);
    p += n;
  }

  const mask = hashSlots(recordCount) - 1;
  memory.fill(sHash, 0, (mask + 1) << 2);
  payloadCount = 0;
  chainCount = 0;
  outOffset = 0;
  curCount = 0;
  let oversizedCount: u32 = 0;
  let groupCount: u32 = 0;
  let lastTopic: u32 = NONE;
  let lastPartition: i32 = 0;
  let lastGroup: usize = 0;
  // Every payload is prefix + groups + "}}".
  const base = <u64>prefixLen + 2;

  for (let i: u32 = 0; i < recordCount; i++) {
    const rec = p;
    if (end - p < RECORD_MIN) return fail(TRUNCATED, i);
    const topic = <u32>load<u16>(p);
    if (topic >= topicCount) return fail(BAD_TOPIC_INDEX, i);
    const tt = <u32>load<u8>(p, 2);
    if (tt > 2) return fail(BAD_TIMESTAMP_TYPE, i);
    const partition = load<i32>(p, 4);
    const topicEntry = sTopics + <usize>topic * TOPIC_STRIDE;
    const topicEsc = <u64>load<u32>(topicEntry, 8);
    let size: u64 =
      N_TOPIC +
      topicEsc +
      N_PARTITION +
      <u64>decimalLength(partition) +
      N_OFFSET +
      <u64>decimalLength(load<i64>(p, 8)) +
      N_TIMESTAMP +
      <u64>decimalLength(load<i64>(p, 16)) +
      ttLength(tt) +
      N_HEADERS +
      2; // "]}"
    p += RECORD_FIXED;

    const keyLen = load<i32>(p);
    p += 4;
    if (keyLen < -1) return fail(BAD_LENGTH, i);
    if (keyLen >= 0) {
      if (end - p < <usize>keyLen) return fail(TRUNCATED, i);
      size += N_KEY + base64Length(<u64>keyLen) + 1;
      p += <usize>keyLen;
    }
    if (end - p < 4) return fail(TRUNCATED, i);
    const valueLen = load<i32>(p);
    p += 4;
    if (valueLen < -1) return fail(BAD_LENGTH, i);
    if (valueLen >= 0) {
      if (end - p < <usize>valueLen) return fail(TRUNCATED, i);
      size += N_VALUE + base64Length(<u64>valueLen) + 1;
      p += <usize>valueLen;
    }
    if (end - p < 2) return fail(TRUNCATED, i);
    const headerCount = <u32>load<u16>(p);
    p += 2;
    for (let h: u32 = 0; h < headerCount; h++) {
      if (end - p < 2) return fail(TRUNCATED, i);
      const nameLen = <usize>load<u16>(p);
      p += 2;
      if (end - p < nameLen) return fail(TRUNCATED, i);
      const esc = scanName(p, nameLen);
      if (esc === NOT_UTF8) return fail(INVALID_UTF8, i);
      p += nameLen;
      if (end - p < 4) return fail(TRUNCATED, i);
      const valueLen = load<i32>(p);
      p += 4;
      if (valueLen < -1) return fail(BAD_LENGTH, i);
      // {"name":[…]} and a comma before every header but the first
      size += <u64>esc + 7 + (h > 0 ? 1 : 0);
      if (valueLen > 0) {
        if (end - p < <usize>valueLen) return fail(TRUNCATED, i);
        size += signedBytesLength(p, <usize>valueLen);
        p += <usize>valueLen;
      }
    }

    // The record's topic-partition group: usually the same as the previous record's.
    let g = lastGroup;
    if (topic !== lastTopic || partition !== lastPartition) {
      let slot = <usize>((topic * 0x9e3779b1) ^ (<u32>partition * 0x85ebca77)) & mask;
      while (true) {
        const held = load<u32>(sHash + (slot << 2));
        if (held === 0) {
          g = sGroups + <usize>groupCount * GROUP_STRIDE;
          store<u32>(g, topic);
          store<i32>(g, partition, 4);
          store<u32>(g, 0, 8);
          // "topic-partition":[
          store<u32>(g, <u32>(topicEsc + <u64>decimalLength(partition) + 5), 16);
          groupCount++;
          store<u32>(sHash + (slot << 2), groupCount);
          break;
        }
        g = sGroups + <usize>(held - 1) * GROUP_STRIDE;
        if (load<u32>(g) === topic && load<i32>(g, 4) === partition) break;
        slot = (slot + 1) & mask;
      }
      lastTopic = topic;
      lastPartition = partition;
      lastGroup = g;
    }
    const r = sRecords + <usize>i * RECORD_STRIDE;
    store<u32>(r, <u32>(rec - inPtr));
    store<u32>(r, <u32>((g - sGroups) / GROUP_STRIDE), 4);
    store<u32>(r, NONE, 8);

    // Split. A group costs its key, "[" … "]" and a comma before it unless it is the first.
    const keyCost = <u64>load<u32>(g, 16) + 1;
    if (base + keyCost + size > cap) {
      if (curCount > 0) closePayload();
      const o = sOversized + <usize>oversizedCount * OVERSIZED_STRIDE;
      store<u32>(o, i);
      store<u32>(o, <u32>(rec - inPtr), 4);
      store<u64>(o, base + keyCost + size, 8);
      oversizedCount++;
      continue;
    }
    let joins = curCount > 0 && load<u32>(g, 8) === payloadCount + 1;
    let delta = joins ? size + 1 : size + keyCost + (curCount > 0 ? 1 : 0);
    if (curCount > 0 && curSize + delta > cap) {
      closePayload();
      joins = false;
      delta = size + keyCost;
    }
    if (curCount === 0) {
      curFirst = i;
      curSize = base;
      curChainStart = chainCount;
    }
    if (joins) {
      store<u32>(sRecords + <usize>load<u32>(g, 12) * RECORD_STRIDE, i, 8);
    } else {
      store<u32>(g, payloadCount + 1, 8);
      const c = sChains + <usize>chainCount * CHAIN_STRIDE;
      store<u32>(c, <u32>((g - sGroups) / GROUP_STRIDE));
      store<u32>(c, i, 4);
      chainCount++;
    }
    store<u32>(g, i, 12);
    curSize += delta;
    curCount++;
  }
  if (p !== end) return fail(TRAILING_BYTES, NONE);
  if (curCount > 0) closePayload();

  store<u32>(RESULT + R_PAYLOADS, payloadCount);
  store<u32>(RESULT + R_PAYLOAD_PTR, <u32>sPayloads);
  store<u32>(RESULT + R_OVERSIZED, oversizedCount);
  store<u32>(RESULT + R_OVERSIZED_PTR, <u32>sOversized);
  store<u32>(RESULT + R_OUTPUT_BYTES, <u32>outOffset);
  if (outOffset + OUTPUT_SLACK > <u64>outCap) return tooSmall(OUTPUT_TOO_SMALL, outOffset + OUTPUT_SLACK);
  return OK;
}

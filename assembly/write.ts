// Pass 2: write the payloads that plan() laid out, one after another into the output region.
// The input was validated by plan(), so nothing here checks bounds again; instead every payload's
// written length is compared with its planned length, which guards the byte cap against bugs.
import { base64, base64Length } from './base64';
import { writeName } from './json';
import {
  CHAIN_STRIDE,
  GROUP_STRIDE,
  HOLE_STRIDE,
  NONE,
  PAYLOAD_STRIDE,
  R_DETAIL,
  R_HOLES,
  R_HOLES_PTR,
  R_PAYLOADS,
  RECORD_FIXED,
  RECORD_STRIDE,
  RESULT,
  sChains,
  sGroups,
  sHoles,
  sPayloads,
  sRecords,
  sTopics,
  TOPIC_STRIDE,
} from './layout';
import { copyShort } from './mem';
import { writeDecimal } from './numbers';
import { writeSignedBytes } from './signed';
import { INTERNAL_SIZE_MISMATCH, OK } from './status';
import {
  F_HEADERS,
  F_KEY,
  F_OFFSET,
  F_PARTITION,
  F_TIMESTAMP,
  F_TOPIC,
  F_TT0,
  F_TT1,
  F_TT2,
  F_VALUE,
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

function putName(dst: usize, topicEntry: usize): usize {
  const src = <usize>load<u32>(topicEntry);
  const n = <usize>load<u32>(topicEntry, 4);
  if (<usize>load<u32>(topicEntry, 8) === n) {
    copyShort(dst, src, n);
    return dst + n;
  }
  return writeName(dst, src, n);
}

// Keys and values with a length in [nativeMin, nativeMax] are not encoded here: their base64 is
// left as a hole of the exact size, listed for the host, which fills it with Node's native encoder
// (about twice as fast as SIMD128 for long values on AVX2/AVX-512 machines). 0, 0 disables it.
let nativeMin: usize = 0;
let nativeMax: usize = 0;
let holeCount: u32 = 0;
let inBase: usize = 0;
let outBase: usize = 0;

function putBase64(dst: usize, src: usize, n: usize): usize {
  if (n < nativeMin || n > nativeMax) return base64(dst, src, n);
  const h = sHoles + <usize>holeCount * HOLE_STRIDE;
  store<u32>(h, <u32>(dst - outBase));
  store<u32>(h, <u32>(src - inBase), 4);
  store<u32>(h, <u32>n, 8);
  holeCount++;
  return dst + <usize>base64Length(<u64>n);
}

// Everything of a record after `"offset":`. rec points at the record in the batch.
function writeRecordRest(dst: usize, rec: usize): usize {
  let d = writeDecimal(dst, load<i64>(rec, 8));
  copyShort(d, F_TIMESTAMP, N_TIMESTAMP);
  d = writeDecimal(d + N_TIMESTAMP, load<i64>(rec, 16));
  const tt = load<u8>(rec, 2);
  if (tt === 1) {
    copyShort(d, F_TT1, N_TT1);
    d += N_TT1;
  } else if (tt === 2) {
    copyShort(d, F_TT2, N_TT2);
    d += N_TT2;
  } else {
    copyShort(d, F_TT0, N_TT0);
    d += N_TT0;
  }
  let p = rec + RECORD_FIXED;
  const keyLen = load<i32>(p);
  p += 4;
  if (keyLen >= 0) {
    copyShort(d, F_KEY, N_KEY);
    d = putBase64(d + N_KEY, p, <usize>keyLen);
    store<u8>(d, 0x22); // '"'
    d++;
    p += <usize>keyLen;
  }
  const valueLen = load<i32>(p);
  p += 4;
  if (valueLen >= 0) {
    copyShort(d, F_VALUE, N_VALUE);
    d = putBase64(d + N_VALUE, p, <usize>valueLen);
    store<u8>(d, 0x22);
    d++;
    p += <usize>valueLen;
  }
  copyShort(d, F_HEADERS, N_HEADERS);
  d += N_HEADERS;
  const headerCount = <u32>load<u16>(p);
  p += 2;
  for (let h: u32 = 0; h < headerCount; h++) {
    if (h > 0) {
      store<u8>(d, 0x2c); // ','
      d++;
    }
    store<u16>(d, 0x227b); // {"
    const nameLen = <usize>load<u16>(p);
    d = writeName(d + 2, p + 2, nameLen);
    p += 2 + nameLen;
    store<u32>(d, 0x5b3a22); // ":[
    d += 3;
    const n = load<i32>(p);
    p += 4;
    if (n > 0) {
      d = writeSignedBytes(d, p, <usize>n);
      p += <usize>n;
    }
    store<u16>(d, 0x7d5d); // ]}
    d += 2;
  }
  store<u16>(d, 0x7d5d); // ]}
  return d + 2;
}

/** Writes all planned payloads for the batch at inPtr; the event opening is at prefixPtr. */
export function writePayloads(
  inPtr: usize,
  prefixPtr: usize,
  prefixLen: usize,
  outPtr: usize,
  nativeFrom: usize,
  nativeTo: usize,
): i32 {
  nativeMin = nativeFrom;
  nativeMax = nativeTo;
  holeCount = 0;
  inBase = inPtr;
  outBase = outPtr;
  store<u32>(RESULT + R_HOLES, 0);
  store<u32>(RESULT + R_HOLES_PTR, <u32>sHoles);
  const payloadCount = load<u32>(RESULT + R_PAYLOADS);
  for (let k: u32 = 0; k < payloadCount; k++) {
    const desc = sPayloads + <usize>k * PAYLOAD_STRIDE;
    const start = outPtr + <usize>load<u32>(desc);
    const planned = <usize>load<u32>(desc, 4);
    const chainStart = load<u32>(desc, 16);
    const chainEnd = chainStart + load<u32>(desc, 20);
    copyShort(start, prefixPtr, prefixLen);
    let d = start + prefixLen;
    for (let c = chainStart; c < chainEnd; c++) {
      const chain = sChains + <usize>c * CHAIN_STRIDE;
      const group = sGroups + <usize>load<u32>(chain) * GROUP_STRIDE;
      const topicEntry = sTopics + <usize>load<u32>(group) * TOPIC_STRIDE;
      const partition = <i64>load<i32>(group, 4);
      if (c > chainStart) {
        store<u8>(d, 0x2c);
        d++;
      }
      // "topic-partition":[
      store<u8>(d, 0x22);
      d = putName(d + 1, topicEntry);
      store<u8>(d, 0x2d); // '-'
      d = writeDecimal(d + 1, partition);
      store<u32>(d, 0x5b3a22); // ":[
      d += 3;
      // The first record of the group writes {"topic":"…","partition":…,"offset": in full; the
      // others copy it from there (it is the same for every record of a topic-partition).
      const head = d;
      copyShort(d, F_TOPIC, N_TOPIC);
      d = putName(d + N_TOPIC, topicEntry);
      copyShort(d, F_PARTITION, N_PARTITION);
      d = writeDecimal(d + N_PARTITION, partition);
      copyShort(d, F_OFFSET, N_OFFSET);
      d += N_OFFSET;
      const headLen = d - head;
      let r = load<u32>(chain, 4);
      while (true) {
        const entry = sRecords + <usize>r * RECORD_STRIDE;
        d = writeRecordRest(d, inPtr + <usize>load<u32>(entry));
        r = load<u32>(entry, 8);
        if (r === NONE) break;
        store<u8>(d, 0x2c);
        copyShort(d + 1, head, headLen);
        d += 1 + headLen;
      }
      store<u8>(d, 0x5d); // ']'
      d++;
    }
    store<u16>(d, 0x7d7d); // }}
    d += 2;
    if (d - start !== planned) {
      store<u32>(RESULT + R_DETAIL, k);
      return INTERNAL_SIZE_MISMATCH;
    }
  }
  store<u32>(RESULT + R_HOLES, holeCount);
  return OK;
}
